# Sourced by the live benchmark scripts: a temp work dir, the background processes they start (killed and waited
# for on exit), and waiting for a process's ready line. Set bench_name before sourcing; KEEP=1 keeps the work dir.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# wait_line LOG PATTERN: the first line of LOG matching PATTERN, once the process has printed it
wait_line() {
  for _ in $(seq 300); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
    sleep 0.2
  done
  echo "$bench_name: no '$2' in $1:" >&2; tail -20 "$1" >&2; exit 1
}

# url_of LINE: the first http://host:port in a ready line
url_of() { sed -E 's#.*(http://[0-9.]+:[0-9]+).*#\1#' <<<"$1"; }

# write_store_json FILE METADATA_PORT RPC_PORT SEGMENT_SIZE: a tcp store's config for a master on loopback
write_store_json() {
  cat > "$1" <<JSON
{"local_hostname": "127.0.0.1", "metadata_server": "http://127.0.0.1:$2/metadata",
 "master_server_address": "127.0.0.1:$3", "protocol": "tcp", "global_segment_size": "$4",
 "local_buffer_size": "16mb"}
JSON
}
