#!/usr/bin/env bash
# Live serving against the serving simulator on one configuration and one set of requests: a master, two kvtier
# server workers (each contributing a store segment, as the simulator's instances do), bench-serving replaying the
# first LIMIT requests of the conversation trace round-robin over the two workers in trace order (ROUTE=client, the
# default: request i goes to worker i mod 2, exactly what the simulator's round_robin router does) or through kvtier
# router --policy round_robin (ROUTE=router: the same policy, but requests due at the same instant reach the router
# in whatever order their connections win, so which worker serves a conversation's next turn differs from the
# simulator's); then kvtier sim on a cluster file that says the same thing. Prints both storage hit ratios (bench-serving cached_tokens_by_tier.storage,
# the simulator's hits.storage_ratio) and the gap in percentage points.
#
# The model is a small Hugging Face-style config.json written here (2 layers, 1 KV head, head_dim 32: 256 B of KV
# per token, a 64-token page is 16 KiB), so the conversation trace's ~12k-token prompts fit loopback. Tiers are
# sized so that L1 + L2 cannot hold the working set and the store evicts: DEVICE_PAGES pages of L1 per worker
# (live: --device-memory = pages × page bytes at --mem-fraction-static 1; sim: the mem_fraction_static that leaves
# the same pages after the model's weights), L2 = HICACHE_RATIO × L1, SEGMENT bytes of store per worker.
#
# Usage: bench/serving-live-vs-sim.sh [limit=2000] [rate-scale=4]
#   env: ROUTE (client|router) DEVICE_PAGES (8616) HICACHE_RATIO (8) SEGMENT (1gb) PREFETCH (timeout) COMPUTE_TIME_SCALE (1)
#        TRACE (../shared/traces/conversation_trace.jsonl) KEEP=1 keeps the temp dir (logs, reports)
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-2000}"; rate_scale="${2:-4}"
trace="${TRACE:-../shared/traces/conversation_trace.jsonl}"
device_pages="${DEVICE_PAGES:-8616}"; ratio="${HICACHE_RATIO:-8}"; segment="${SEGMENT:-1gb}"
prefetch="${PREFETCH:-timeout}"; cts="${COMPUTE_TIME_SCALE:-1}"; route="${ROUTE:-client}"
page_size=64
[ -f "$trace" ] || { echo "serving-live-vs-sim: no trace at $trace (set TRACE)" >&2; exit 2; }

bench_name=serving-live-vs-sim
# shellcheck source=bench/processes.sh
source "bench/processes.sh"

mkdir -p "$work/model"
cat > "$work/model/config.json" <<'JSON'
{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 256, "intermediate_size": 688,
 "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 32, "num_hidden_layers": 2,
 "vocab_size": 32000, "torch_dtype": "bfloat16", "tie_word_embeddings": true}
JSON
model="$work/model/config.json"

# --- the simulator's numbers first: page bytes and the mem_fraction_static that gives DEVICE_PAGES on an H100 ----
segment_bytes=$(python3 -c "
import re,sys; m=re.fullmatch(r'([0-9.]+)\s*([kmgt]?i?b?)', '$segment'.lower()); u={'':1,'b':1}
for i,k in enumerate('kmgt'): u[k]=u[k+'b']=u[k+'ib']=1<<(10*(i+1))
print(int(float(m.group(1))*u[m.group(2)]))")
cat > "$work/cluster.json" <<JSON
{"name": "live-2", "nodes": 2, "gpus_per_node": 1, "gpu": "H100", "tp": 1, "host_memory_gb": 4096,
 "nic": {"count": 1, "gbps": 32, "protocol": "tcp"},
 "serving": {"page_size": $page_size, "mem_fraction_static": 0.5, "hicache_ratio": $ratio,
             "write_policy": "write_through", "storage": true, "prefetch_policy": "$prefetch"},
 "store": {"global_segment_size_gb": $(python3 -c "print($segment_bytes / 2**30)")},
 "router": {"policy": "round_robin"}}
JSON
# probe F: the sim's device pages per instance at mem_fraction_static F (and its KV bytes per token)
probe() {
  ./kvtier sim --trace "$trace" --cluster "$work/cluster.json" --model-path "$model" --limit 1 --json --no-timing \
    --set serving.mem_fraction_static="$1" | python3 -c '
import json, sys; c = json.load(sys.stdin)["cluster"]; print(c["device_pages_per_instance"], c["kv_bytes_per_token"])'
}
read -r pages_half kv_per_token < <(probe 0.01)
page_bytes=$((kv_per_token * page_size))
# device pages = floor((f × 80 GB − weights) / page bytes): solve for f from the probe at 0.5, then step it until the
# plan lands exactly on DEVICE_PAGES
mem_fraction=$(python3 -c "print(repr(0.01 + ($device_pages - $pages_half + 0.5) * $page_bytes / 80e9))")
for _ in 1 2 3 4; do
  read -r got _ < <(probe "$mem_fraction")
  [ "$got" -eq "$device_pages" ] && break
  mem_fraction=$(python3 -c "print(repr($mem_fraction + ($device_pages - $got) * $page_bytes / 80e9))")
done
[ "$got" -eq "$device_pages" ] || { echo "serving-live-vs-sim: no mem_fraction_static gives $device_pages pages" >&2; exit 1; }
python3 - "$work/cluster.json" "$mem_fraction" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["serving"]["mem_fraction_static"] = float(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
PY
device_memory=$((device_pages * page_bytes))

# --- live: master, two workers, router ---------------------------------------------------------------------------
./kvtier master --rpc-address 127.0.0.1 --rpc-port 0 --enable-http-metadata-server \
  --http-metadata-server-host 127.0.0.1 --http-metadata-server-port 0 --metrics-host 127.0.0.1 --metrics-port 0 \
  --enable-metric-reporting=false > "$work/master.log" 2>&1 &
pids+=($!)
line=$(wait_line "$work/master.log" "kvtier master:")
rpc=$(sed -E 's/.*rpc ([0-9.]+:[0-9]+).*/\1/' <<<"$line")
meta=$(sed -E 's#.*metadata (http://[^ ,]+).*#\1#' <<<"$line")
admin=$(sed -E 's#.*admin (http://[0-9.:]+).*#\1#' <<<"$line")

workers=()
for i in 0 1; do
  MOONCAKE_MASTER="$rpc" MOONCAKE_TE_META_DATA_SERVER="$meta" MOONCAKE_LOCAL_HOSTNAME=127.0.0.1 \
  MOONCAKE_GLOBAL_SEGMENT_SIZE="$segment_bytes" \
  ./kvtier server --model-path "$model" --page-size "$page_size" --mem-fraction-static 1 \
    --device-memory "$device_memory" --gpu H100 --enable-hierarchical-cache --hicache-ratio "$ratio" \
    --hicache-write-policy write_through --hicache-storage-backend mooncake \
    --hicache-storage-prefetch-policy "$prefetch" --compute-time-scale "$cts" \
    --host 127.0.0.1 --port 0 > "$work/worker$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1; do
  line=$(wait_line "$work/worker$i.log" "kvtier server:")
  workers+=("$(sed -E 's#.*(http://[0-9.:]+).*#\1#' <<<"$line")")
done
targets=("${workers[@]}")
if [ "$route" = router ]; then
  ./kvtier router --worker-urls "${workers[@]}" --policy round_robin --page-size "$page_size" \
    --host 127.0.0.1 --port 0 --prometheus-port -1 > "$work/router.log" 2>&1 &
  pids+=($!)
  line=$(wait_line "$work/router.log" "kvtier router:")
  targets=("$(sed -E 's#.*(http://[0-9.:]+) .*#\1#' <<<"$line")")
fi

for w in "${workers[@]}"; do curl -sf "$w/get_server_info" > "$work/info-${w##*:}.json"; curl -sf "$w/metrics" \
  > "$work/before-${w##*:}.txt"; done

# --- live run ------------------------------------------------------------------------------------------------------
t0=$(date +%s.%N)
set +e
./kvtier bench-serving --url "${targets[@]}" --trace "$trace" --limit "$limit" --rate-scale "$rate_scale" \
  --max-parallel 4096 --no-progress --out "$work/live" > "$work/live.json" 2> "$work/bench.log"
bench_rc=$?
set -e
t1=$(date +%s.%N)
for w in "${workers[@]}"; do curl -sf "$w/metrics" > "$work/after-${w##*:}.txt"; done
curl -sf "$admin/metrics" > "$work/master-metrics.txt"

# --- simulator on the same configuration and requests -------------------------------------------------------------
./kvtier sim --trace "$trace" --cluster "$work/cluster.json" --model-path "$model" --limit "$limit" \
  --rate-scale "$rate_scale" --json --no-timing --out "$work/sim" > "$work/sim.json"

python3 - "$work" "$bench_rc" "$t0" "$t1" "$route" "${workers[@]}" <<'PY'
import json, re, sys, glob
work, rc, t0, t1, route = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
ports = [w.rsplit(":", 1)[1] for w in sys.argv[6:]]
live = json.load(open(f"{work}/live.json")); sim = json.load(open(f"{work}/sim.json"))
def counters(path):
    out = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        name, value = line.rsplit(" ", 1)
        out[name] = out.get(name, 0.0) + float(value)
    return out
def delta(key):
    total = 0.0
    for p in ports:
        b, a = counters(f"{work}/before-{p}.txt"), counters(f"{work}/after-{p}.txt")
        total += sum(v - b.get(k, 0.0) for k, v in a.items() if k.startswith(key))
    return total
info = [json.load(open(f"{work}/info-{p}.json")) for p in ports]
c = sim["cluster"]
same = all(i["device_pages"] == c["device_pages_per_instance"] and i["host_pages"] == c["host_pages_per_instance"]
           for i in info)
mism = delta("kvtier_kv_mismatches_total"); errs = delta("kvtier_node_errors_total")
master = counters(f"{work}/master-metrics.txt")
pf = {o: delta(f'kvtier_prefetch_total{{outcome="{o}"}}') for o in ("completed", "partial", "timed_out", "revoked")}
ls, ss = live["cached_tokens_by_tier"]["storage"], sim["hits"]["storage_ratio"]
print(f"configuration: 2 instances, page {info[0]['page_bytes']} B ({c['kv_bytes_per_token']} B/token × 64), "
      f"L1 {info[0]['device_pages']} pages, L2 {info[0]['host_pages']} pages per worker "
      f"({'equal to' if same else 'DIFFERENT FROM'} the sim's {c['device_pages_per_instance']} / "
      f"{c['host_pages_per_instance']}), store segment {c['store_segment_bytes_per_instance']} B per worker, "
      f"round_robin ({'bench-serving over both workers' if route == 'client' else 'kvtier router'}), "
      f"{sim['prefetch']['policy']} prefetch, write_through")
print(f"requests {live['requests']}, errors {live['errors']}, kv_mismatches {live['kv_mismatches']} "
      f"(workers' /metrics: {mism:.0f} mismatches, {errs:.0f} node errors), bench-serving exit {rc}, "
      f"live run {t1 - t0:.1f} s wall")
print(f"store evictions: live master_evicted_key_count {master.get('master_evicted_key_count', 0):.0f}, "
      f"sim evicted_keys {sim['store']['evicted_keys']}")
print(f"prefetch live  completed {pf['completed']:.0f} partial {pf['partial']:.0f} timed_out {pf['timed_out']:.0f} "
      f"revoked {pf['revoked']:.0f}")
sp = sim["prefetch"]
print(f"prefetch sim   completed {sp['completed']} partial {sp['partial']} timed_out {sp['timed_out']} "
      f"revoked {sp['revoked']} host_alloc_failures {sp['host_alloc_failures']}")
lt, st = live["cached_tokens_by_tier"], sim["hits"]
print(f"hits live  device {lt['device']:.4f} host {lt['host']:.4f} storage {lt['storage']:.4f} "
      f"total {live['cached_tokens_ratio']:.4f}   TTFT p50 {live['ttft_ms']['p50']:.1f} ms p99 {live['ttft_ms']['p99']:.1f} ms")
print(f"hits sim   device {st['device_ratio']:.4f} host {st['host_ratio']:.4f} storage {st['storage_ratio']:.4f} "
      f"total {st['total_ratio']:.4f}   TTFT p50 {sim['ttft_ms']['p50']:.1f} ms p99 {sim['ttft_ms']['p99']:.1f} ms")
print(f"STORAGE HIT RATIO  live {ls:.4f}  sim {ss:.4f}  gap {100 * abs(ls - ss):.2f} points")
PY
