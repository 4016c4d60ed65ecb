#!/usr/bin/env bash
# The live store under the floods of its hardening: a master (embedded metadata) and a store on free loopback ports,
# then (1) 40 RPC connections that each declare a 16 MiB frame and send 15 MiB of it, (2) a metadata PUT that
# declares 1.5 GB, (3) 3,000 idle connections to the store's data port. Prints the master's RSS and the store's
# threads before, during and after, the metadata answer, and a store-bench's errors during and after each flood.
#   bench/hostile-peers.sh [CLI_DIR]   CLI_DIR holds kvtier-cli.jar, lib/ and jvm.options (default: this checkout's
#                                      cli/target, built first), so another build can be measured the same way
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_name=hostile-peers
source "$here/bench/processes.sh"
cli="${1:-}"
if [ -z "$cli" ]; then
  "$here/kvtier" --version >/dev/null
  cli="$here/cli/target"
fi
# exec: started with & it is the JVM's own pid in $!; in the foreground, call it in a subshell
kvtier() { exec java $(cat "$cli/jvm.options") -cp "$cli/kvtier-cli.jar:$cli/lib/*" dev.kvtier.cli.Main "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$1/status"; }
rpc=$(free_port); meta=$(free_port); admin=$(free_port)

kvtier master --rpc-address 127.0.0.1 --rpc-port "$rpc" --enable-http-metadata-server \
  --http-metadata-server-host 127.0.0.1 --http-metadata-server-port "$meta" \
  --metrics-host 127.0.0.1 --metrics-port "$admin" --enable-metric-reporting=false > "$work/master.log" 2>&1 &
master=$!; pids+=($master)
wait_line "$work/master.log" "kvtier master:" >/dev/null
write_store_json "$work/store.json" "$meta" "$rpc" 256mb
# builds with a store /metrics endpoint serve it, so the data port's own counters can be printed too
store_metrics=()
store_help=$(kvtier store --help 2>&1 || true)
if grep -q -- --metrics-port <<<"$store_help"; then
  store_metrics=(--metrics-host 127.0.0.1 --metrics-port 0)
fi
kvtier store --config "$work/store.json" "${store_metrics[@]}" > "$work/store.log" 2>&1 &
store=$!; pids+=($store)
ready=$(wait_line "$work/store.log" "kvtier store:")
data_port=$(sed -E 's/.*segment 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$ready")
store_metrics_url=$(grep -oE 'metrics http://[0-9.:]+/metrics' <<<"$ready" | cut -d' ' -f2 || true)
transfer_metrics() {
  [ -n "$store_metrics_url" ] || return 0
  curl -s "$store_metrics_url" | grep -E '^kvtier_transfer_(connections|refused_connections_total|io_threads) ' \
    | tr '\n' ' '
}

bench() {
  local json
  json=$(kvtier store-bench --master "127.0.0.1:$rpc" --metadata-server "http://127.0.0.1:$meta/metadata" \
    --clients 2 --value-size 64kb --ops 256 --json 2>/dev/null || true)
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("errors %d %s mismatches %d" % (r["errors"],
    r.get("errors_by_cause", ""), r["mismatches"]))' "$json" 2>/dev/null || echo "store-bench failed"
}

# holds COUNT connections to PORT open, each after sending HEAD_HEX then BODY_BYTES zero bytes; prints "ready"
flood() {
  python3 - "$@" <<'PY' &
import socket, sys, time
port, count, head, body = int(sys.argv[1]), int(sys.argv[2]), bytes.fromhex(sys.argv[3]), int(sys.argv[4])
conns, chunk = [], bytes(1 << 20)
for _ in range(count):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(head)
        left = body
        while left > 0:
            n = min(left, len(chunk)); s.sendall(chunk[:n]); left -= n
        conns.append(s)
    except OSError:
        pass
print("ready", len(conns), flush=True)
time.sleep(3600)
PY
}

echo "master RSS at start          $(rss_mb "$master") MB; store-bench: $(bench)"
# a 16 MiB frame header (length, version 1, kind request), then 15 MiB of it
flood "$rpc" 40 "$(python3 -c 'import struct; print(struct.pack("<IBB", 16 << 20, 1, 1).hex())')" $((15 << 20)) \
  > "$work/flood.log"
flood_pid=$!; pids+=($flood_pid)
wait_line "$work/flood.log" "ready" >/dev/null
sleep 1
echo "master RSS, 40 x 15 MiB held $(rss_mb "$master") MB; store-bench: $(bench)"
kill "$flood_pid"; wait "$flood_pid" 2>/dev/null || true
sleep 2
echo "master RSS, flood closed     $(rss_mb "$master") MB; store-bench: $(bench)"
curl -s "http://127.0.0.1:$admin/metrics" | grep -E '^kvtier_rpc_(over_budget|refused|frame_deadline)' || true

status=$(python3 - "$meta" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(b"PUT /metadata?key=big HTTP/1.1\r\nHost: x\r\nContent-Length: 1500000000\r\n\r\n")
try:
    chunk = bytes(1 << 20)
    for _ in range(64):
        s.sendall(chunk)
except OSError:
    pass
s.settimeout(30)
try:
    print(s.recv(64).split(b"\r\n")[0].decode() or "no answer")
except OSError as e:
    print("no answer:", e)
PY
)
echo "metadata PUT declaring 1.5 GB (64 MiB sent): $status; master RSS $(rss_mb "$master") MB"

echo "store threads at start       $(threads "$store")"
flood "$data_port" 3000 "" 0 > "$work/idle.log"
idle_pid=$!; pids+=($idle_pid)
wait_line "$work/idle.log" "ready" >/dev/null
sleep 1
echo "store threads, 3000 idle     $(threads "$store"); store-bench: $(bench)"
transfer_metrics; echo
kill "$idle_pid"; wait "$idle_pid" 2>/dev/null || true
sleep 1
echo "store threads, idle closed   $(threads "$store"); store-bench: $(bench)"
transfer_metrics; echo
