#!/usr/bin/env bash
# store-bench GET and PUT bandwidth over protocol rdma (UCX) and over tcp, alternating in one run, medians of the
# rounds. Each measurement gets its own master (embedded metadata service) and store service on free ports, since
# the clients of a store must speak its protocol. UCX's transport is chosen with UCX_TLS (default here: sm,self,
# UCX shared memory between the processes; UCX_TLS=tcp for UCX over TCP).
# Usage: bench/store-rdma-vs-tcp.sh [rounds=3] [clients=4] [value-size=1mb] [ops=1536] [get-rounds=4]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"; clients="${2:-4}"; value_size="${3:-1mb}"; ops="${4:-1536}"; get_rounds="${5:-4}"
export UCX_TLS="${UCX_TLS:-sm,self}"
./kvtier --version > /dev/null   # builds the CLI once, before any process is timed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d)
pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_all; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
wait_line() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "no '$2' in $1:" >&2; cat "$1" >&2; exit 1; }

measure() {  # protocol round
  local proto="$1" n="$2" rpc meta admin
  rpc=$(free_port); meta=$(free_port); admin=$(free_port)
  ./kvtier master --rpc-address 127.0.0.1 --rpc-port "$rpc" --enable-http-metadata-server \
    --http-metadata-server-host 127.0.0.1 --http-metadata-server-port "$meta" \
    --metrics-host 127.0.0.1 --metrics-port "$admin" > "$work/master-$proto-$n.log" 2>&1 &
  pids+=($!)
  wait_line "$work/master-$proto-$n.log" "kvtier master:"
  cat > "$work/store-$proto.json" <<JSON
{"local_hostname": "127.0.0.1", "metadata_server": "http://127.0.0.1:$meta/metadata",
 "master_server_address": "127.0.0.1:$rpc", "protocol": "$proto", "global_segment_size": "2gb",
 "local_buffer_size": "16mb"}
JSON
  ./kvtier store --config "$work/store-$proto.json" > "$work/store-$proto-$n.log" 2>&1 &
  pids+=($!)
  wait_line "$work/store-$proto-$n.log" "kvtier store:"
  ./kvtier store-bench --master "127.0.0.1:$rpc" --metadata-server "http://127.0.0.1:$meta/metadata" \
    --protocol "$proto" --clients "$clients" --value-size "$value_size" --ops "$ops" --get-rounds "$get_rounds" \
    --json > "$work/bench-$proto-$n.json"
  stop_all
}

for n in $(seq "$rounds"); do
  measure rdma "$n"
  measure tcp "$n"
done
python3 - "$work" "$rounds" <<'PY'
import json, os, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def runs(proto):
    return [json.load(open(os.path.join(work, f"bench-{proto}-{n}.json"))) for n in range(1, rounds + 1)]
res = {p: runs(p) for p in ("rdma", "tcp")}
med = lambda rs, op, key: statistics.median(r[op][key] for r in rs)
print(f"UCX_TLS={os.environ['UCX_TLS']}, {rounds} rounds, medians")
for p, rs in res.items():
    print(f"{p:5s} GET {med(rs,'get','bytes_per_s')/2**20:8.0f} MiB/s  p50 {statistics.median(r['get']['latency_us']['p50'] for r in rs):6.0f} us"
          f"   PUT {med(rs,'put','bytes_per_s')/2**20:8.0f} MiB/s  p50 {statistics.median(r['put']['latency_us']['p50'] for r in rs):6.0f} us"
          f"   errors {sum(r['errors'] for r in rs)}, mismatches {sum(r['mismatches'] for r in rs)}")
for p, rs in res.items():
    print(f"{p:5s} GET per round: " + ", ".join(f"{r['get']['bytes_per_s']/2**20:.0f}" for r in rs) + " MiB/s")
g = [a["get"]["bytes_per_s"] / b["get"]["bytes_per_s"] for a, b in zip(res["rdma"], res["tcp"])]
print("rdma/tcp GET per round: " + ", ".join(f"{x:.2f}" for x in g) + f"  (median {statistics.median(g):.2f})")
PY
