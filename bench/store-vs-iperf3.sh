#!/usr/bin/env bash
# Measures store-bench GET bandwidth against iperf3 on the same loopback, back to back in one run, and prints both
# figures and their ratio. Starts its own master (embedded metadata service) and store service on free ports.
# Usage: bench/store-vs-iperf3.sh [clients=4] [value-size=1mb] [ops=1536] [get-rounds=4]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-4}"; value_size="${2:-1mb}"; ops="${3:-1536}"; rounds="${4:-4}"
command -v iperf3 >/dev/null || { echo "store-vs-iperf3: iperf3 is not installed (apt-get install iperf3)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
rpc=$(free_port); meta=$(free_port); admin=$(free_port); iperf=$(free_port)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./kvtier master --rpc-address 127.0.0.1 --rpc-port "$rpc" --enable-http-metadata-server \
  --http-metadata-server-host 127.0.0.1 --http-metadata-server-port "$meta" \
  --metrics-host 127.0.0.1 --metrics-port "$admin" > "$work/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "kvtier master:" "$work/master.log" && break; sleep 0.2; done
cat > "$work/store.json" <<JSON
{"local_hostname": "127.0.0.1", "metadata_server": "http://127.0.0.1:$meta/metadata",
 "master_server_address": "127.0.0.1:$rpc", "protocol": "tcp", "global_segment_size": "2gb",
 "local_buffer_size": "16mb"}
JSON
./kvtier store --config "$work/store.json" > "$work/store.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "kvtier store:" "$work/store.log" && break; sleep 0.2; done

iperf3 -s -p "$iperf" -1 > /dev/null 2>&1 &
pids+=($!)
sleep 0.5
iperf_bps=$(iperf3 -c 127.0.0.1 -p "$iperf" -t 5 -P "$clients" -J | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/8)')

./kvtier store-bench --master "127.0.0.1:$rpc" --metadata-server "http://127.0.0.1:$meta/metadata" \
  --clients "$clients" --value-size "$value_size" --ops "$ops" --get-rounds "$rounds" --json > "$work/bench.json"
python3 - "$work/bench.json" "$iperf_bps" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); iperf = float(sys.argv[2])
get = r["get"]["bytes_per_s"]; put = r["put"]["bytes_per_s"]
print(f"iperf3 loopback      {iperf/2**20:10.0f} MiB/s")
print(f"store-bench GET      {get/2**20:10.0f} MiB/s  ({100*get/iperf:.0f}% of iperf3)  p50 {r['get']['latency_us']['p50']:.0f} us")
print(f"store-bench PUT      {put/2**20:10.0f} MiB/s  ({100*put/iperf:.0f}% of iperf3)  p50 {r['put']['latency_us']['p50']:.0f} us")
print(f"errors {r['errors']}, mismatches {r['mismatches']}")
PY
