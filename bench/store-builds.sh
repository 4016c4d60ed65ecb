#!/usr/bin/env bash
# store-bench GET and PUT bandwidth of two builds, alternating in one run (A then B, then B then A, ...), medians
# of the rounds and the B/A ratio per round. Each measurement starts its own master (embedded metadata service) and
# store service from that build on free loopback ports, and runs that build's store-bench against them.
# Usage: bench/store-builds.sh CLI_DIR_A CLI_DIR_B [rounds=3] [clients=4] [value-size=1mb] [ops=1536] [get-rounds=4]
#   CLI_DIR_* hold kvtier-cli.jar, lib/ and jvm.options (a build's cli/target, copied elsewhere to keep it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_name=store-builds
source "$here/bench/processes.sh"
[ $# -ge 2 ] || { echo "usage: bench/store-builds.sh CLI_DIR_A CLI_DIR_B [rounds] [clients] [value-size] [ops] [get-rounds]" >&2; exit 2; }
cli_a="$1"; cli_b="$2"; rounds="${3:-3}"; clients="${4:-4}"; value_size="${5:-1mb}"; ops="${6:-1536}"; get_rounds="${7:-4}"
for d in "$cli_a" "$cli_b"; do
  [ -f "$d/kvtier-cli.jar" ] || { echo "store-builds: no kvtier-cli.jar in $d" >&2; exit 2; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# kvtier CLI_DIR ARGS...: that build's command line (exec: started with & it is the JVM's own pid in $!)
kvtier() { local cli="$1"; shift; exec java $(cat "$cli/jvm.options") -cp "$cli/kvtier-cli.jar:$cli/lib/*" dev.kvtier.cli.Main "$@"; }
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; pids=(); }

measure() {  # label cli round
  local label="$1" cli="$2" n="$3" rpc meta admin
  rpc=$(free_port); meta=$(free_port); admin=$(free_port)
  kvtier "$cli" master --rpc-address 127.0.0.1 --rpc-port "$rpc" --enable-http-metadata-server \
    --http-metadata-server-host 127.0.0.1 --http-metadata-server-port "$meta" \
    --metrics-host 127.0.0.1 --metrics-port "$admin" --enable-metric-reporting=false > "$work/master-$label-$n.log" 2>&1 &
  pids+=($!)
  wait_line "$work/master-$label-$n.log" "kvtier master:" > /dev/null
  write_store_json "$work/store.json" "$meta" "$rpc" 2gb
  kvtier "$cli" store --config "$work/store.json" > "$work/store-$label-$n.log" 2>&1 &
  pids+=($!)
  wait_line "$work/store-$label-$n.log" "kvtier store:" > /dev/null
  (kvtier "$cli" store-bench --master "127.0.0.1:$rpc" --metadata-server "http://127.0.0.1:$meta/metadata" \
    --clients "$clients" --value-size "$value_size" --ops "$ops" --get-rounds "$get_rounds" --json) \
    > "$work/bench-$label-$n.json" 2> "$work/bench-$label-$n.err" || {
      echo "store-builds: store-bench of build $label, round $n failed:" >&2
      tail -3 "$work/bench-$label-$n.err" "$work/store-$label-$n.log" "$work/master-$label-$n.log" >&2; exit 1; }
  stop_all
}

for n in $(seq "$rounds"); do
  if [ $((n % 2)) -eq 1 ]; then measure a "$cli_a" "$n"; measure b "$cli_b" "$n"
  else measure b "$cli_b" "$n"; measure a "$cli_a" "$n"; fi
done
python3 - "$work" "$rounds" "$cli_a" "$cli_b" <<'PY'
import json, os, statistics, sys
work, rounds, names = sys.argv[1], int(sys.argv[2]), {"a": sys.argv[3], "b": sys.argv[4]}
res = {k: [json.load(open(os.path.join(work, f"bench-{k}-{n}.json"))) for n in range(1, rounds + 1)] for k in "ab"}
mib = lambda r, op: r[op]["bytes_per_s"] / 2**20
print(f"{rounds} rounds, medians (A = {names['a']}, B = {names['b']})")
for k, rs in res.items():
    print(f"{k.upper()}  GET {statistics.median(mib(r,'get') for r in rs):7.0f} MiB/s  p50 "
          f"{statistics.median(r['get']['latency_us']['p50'] for r in rs):6.0f} us   PUT "
          f"{statistics.median(mib(r,'put') for r in rs):7.0f} MiB/s  p50 "
          f"{statistics.median(r['put']['latency_us']['p50'] for r in rs):6.0f} us   errors "
          f"{sum(r['errors'] for r in rs)}, mismatches {sum(r['mismatches'] for r in rs)}")
for op in ("get", "put"):
    for k, rs in res.items():
        print(f"{k.upper()}  {op.upper()} per round: " + ", ".join(f"{mib(r, op):.0f}" for r in rs) + " MiB/s")
    ratios = [mib(b, op) / mib(a, op) for a, b in zip(res["a"], res["b"])]
    print(f"B/A {op.upper()} per round: " + ", ".join(f"{x:.2f}" for x in ratios)
          + f"  (median {statistics.median(ratios):.2f})")
PY
