#!/usr/bin/env bash
# Live serving performance, each figure paired in one run on free loopback ports:
#  (1) router overhead: the same multi-turn load (compute-time-scale 0) direct to one worker and through kvtier router
#      in front of it, alternated ROUNDS times; prints p50/p99 TTFT and E2E of each and the per-pair differences.
#  (2) L3 page load bandwidth: a worker (no segment of its own) writes PROMPTS prompts of PROMPT_TOKENS tokens to a
#      kvtier store service, /flush_cache drops L1 and L2, and the same prompts are sent again one at a time, so
#      their pages are prefetched from the store (wait_complete); bandwidth = kvtier_storage_bytes_read_total delta
#      over the sum of those requests' times; each such round follows a kvtier store-bench GET on the same store
#      with values of one page (the same bytes in total), ROUNDS pairs, and the median of the pair ratios.
# Usage: bench/serving-perf.sh [router|l3|all=all]
#   env: ROUNDS (3) PAGE_SIZE (16, with llama-3-8b: 2 MiB pages) PROMPTS (4) PROMPT_TOKENS (4096)
#        BENCH_CLIENTS (4, store-bench --clients) KVTIER_WORKER_OPTS (extra JVM options for the L3 worker, e.g. JFR)
#        KEEP=1 keeps the temp dir
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
rounds="${ROUNDS:-3}"; page_size="${PAGE_SIZE:-16}"; prompts="${PROMPTS:-4}"; prompt_tokens="${PROMPT_TOKENS:-4096}"
bench_clients="${BENCH_CLIENTS:-4}"

bench_name=serving-perf
# shellcheck source=bench/processes.sh
source "bench/processes.sh"

router_overhead() {
  ./kvtier server --model-path llama-3-8b --page-size 64 --device-memory 4gb --compute-time-scale 0 \
    --host 127.0.0.1 --port 0 > "$work/rworker.log" 2>&1 &
  pids+=($!)
  local worker router
  worker=$(url_of "$(wait_line "$work/rworker.log" "kvtier server:")")
  ./kvtier router --worker-urls "$worker" --policy round_robin --page-size 64 --host 127.0.0.1 --port 0 \
    --prometheus-port -1 > "$work/router.log" 2>&1 &
  pids+=($!)
  router=$(url_of "$(wait_line "$work/router.log" "kvtier router:")")
  local load=(--num-clients 64 --num-rounds 4 --request-length 512 --output-length 16 --request-rate 32
    --max-parallel 64 --no-progress)
  ./kvtier bench-serving --url "$worker" "${load[@]}" --seed 99 > /dev/null # warm-up: JIT on both sides
  ./kvtier bench-serving --url "$router" "${load[@]}" --seed 98 > /dev/null
  for r in $(seq "$rounds"); do
    ./kvtier bench-serving --url "$worker" "${load[@]}" --seed "$r" --flush-cache > "$work/direct-$r.json"
    ./kvtier bench-serving --url "$router" "${load[@]}" --seed "$r" > "$work/routed-$r.json"
    curl -sf -X POST "$worker/flush_cache" > /dev/null
  done
  python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
rows = []
for r in range(1, rounds + 1):
    d = json.load(open(f"{work}/direct-{r}.json")); t = json.load(open(f"{work}/routed-{r}.json"))
    assert d["errors"] == 0 and t["errors"] == 0, (d["errors"], t["errors"])
    rows.append((d, t))
    print(f"round {r}: TTFT p50 direct {d['ttft_ms']['p50']:.2f} routed {t['ttft_ms']['p50']:.2f} ms, "
          f"p99 {d['ttft_ms']['p99']:.2f} / {t['ttft_ms']['p99']:.2f} ms; "
          f"E2E p50 {d['e2e_ms']['p50']:.2f} / {t['e2e_ms']['p50']:.2f} ms ({d['requests']} requests each)")
def med(f):
    return statistics.median(f(d, t) for d, t in rows)
print(f"ROUTER OVERHEAD (median of {rounds} paired rounds): TTFT p50 +{med(lambda d, t: t['ttft_ms']['p50'] - d['ttft_ms']['p50']):.2f} ms "
      f"(direct {med(lambda d, t: d['ttft_ms']['p50']):.2f} ms), TTFT p99 +{med(lambda d, t: t['ttft_ms']['p99'] - d['ttft_ms']['p99']):.2f} ms "
      f"(direct {med(lambda d, t: d['ttft_ms']['p99']):.2f} ms), E2E p50 +{med(lambda d, t: t['e2e_ms']['p50'] - d['e2e_ms']['p50']):.2f} ms, "
      f"E2E p99 +{med(lambda d, t: t['e2e_ms']['p99'] - d['e2e_ms']['p99']):.2f} ms")
PY
}

l3_bandwidth() {
  ./kvtier master --rpc-address 127.0.0.1 --rpc-port 0 --enable-http-metadata-server \
    --http-metadata-server-host 127.0.0.1 --http-metadata-server-port 0 --metrics-host 127.0.0.1 --metrics-port 0 \
    --enable-metric-reporting=false > "$work/master.log" 2>&1 &
  pids+=($!)
  local line rpc meta worker
  line=$(wait_line "$work/master.log" "kvtier master:")
  rpc=$(sed -E 's/.*rpc ([0-9.]+:[0-9]+).*/\1/' <<<"$line")
  meta=$(sed -E 's#.*metadata (http://[^ ,]+).*#\1#' <<<"$line")
  cat > "$work/store.json" <<JSON
{"local_hostname": "127.0.0.1", "metadata_server": "$meta", "master_server_address": "$rpc", "protocol": "tcp",
 "global_segment_size": "6gb", "local_buffer_size": "16mb"}
JSON
  ./kvtier store --config "$work/store.json" > "$work/store.log" 2>&1 &
  pids+=($!)
  wait_line "$work/store.log" "kvtier store:" > /dev/null
  KVTIER_JAVA_OPTS="${KVTIER_WORKER_OPTS:-}" MOONCAKE_MASTER="$rpc" MOONCAKE_TE_META_DATA_SERVER="$meta" \
  MOONCAKE_LOCAL_HOSTNAME=127.0.0.1 MOONCAKE_GLOBAL_SEGMENT_SIZE=0 \
  ./kvtier server --model-path llama-3-8b --page-size "$page_size" --device-memory 8gb --compute-time-scale 0 \
    --enable-hierarchical-cache --hicache-ratio 2 --hicache-storage-backend mooncake \
    --hicache-storage-prefetch-policy wait_complete --host 127.0.0.1 --port 0 > "$work/l3worker.log" 2>&1 &
  pids+=($!)
  worker=$(url_of "$(wait_line "$work/l3worker.log" "kvtier server:")")
  cat > "$work/l3.py" <<'PY'
import json, random, sys, time, urllib.request
url, n, tokens, step, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
def call(path, body=None):
    req = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.read().decode()
def metric(name):
    return sum(float(l.rsplit(" ", 1)[1]) for l in call("/metrics").splitlines() if l.startswith(name))
def generate(ids):
    t = time.perf_counter()
    r = json.loads(call("/generate", {"input_ids": ids, "sampling_params": {"max_new_tokens": 1, "temperature": 0,
                                                                            "ignore_eos": True}}))
    return time.perf_counter() - t, r["meta_info"]
rng = random.Random(7)
prompts = [[rng.randrange(1, 120000) for _ in range(tokens)] for _ in range(n)]
if step == "write":                       # every page goes through L2 to the store (write_through)
    info = json.loads(call("/get_server_info"))
    generate([1] * 64)
    for ids in prompts:
        generate(ids)
    pages = n * (tokens // info["page_size"])
    deadline = time.time() + 120
    while metric("sglang:backuped_tokens_total") < pages * info["page_size"] and time.time() < deadline:
        time.sleep(0.2)
    json.dump({"page_bytes": info["page_bytes"], "pages": pages}, open(out, "w"))
else:                                     # L1 and L2 dropped, every page prefetched back from the store
    call("/flush_cache", {})
    before = metric("kvtier_storage_bytes_read_total"); mism = metric("kvtier_kv_mismatches_total")
    secs, storage = 0.0, 0
    for ids in prompts:
        s, meta = generate(ids)
        secs += s; storage += meta["cached_tokens_details"]["storage"]
    got = metric("kvtier_storage_bytes_read_total") - before
    json.dump({"bytes": got, "seconds": secs, "bytes_per_s": got / secs, "storage_tokens": storage,
               "mismatches": metric("kvtier_kv_mismatches_total") - mism}, open(out, "w"))
PY
  python3 "$work/l3.py" "$worker" "$prompts" "$prompt_tokens" write "$work/l3-write.json"
  local page
  page=$(python3 -c "import json; print(json.load(open('$work/l3-write.json'))['page_bytes'])")
  # pairs: store-bench GET (half the worker's bytes, read twice: the same bytes a round loads), then one L3 round
  for r in $(seq "$rounds"); do
    ./kvtier store-bench --master "$rpc" --metadata-server "$meta" --clients "$bench_clients" --value-size "$page" \
      --ops $((prompts * prompt_tokens / page_size / 2)) --get-rounds 2 --json > "$work/store-bench-$r.json"
    python3 "$work/l3.py" "$worker" "$prompts" "$prompt_tokens" read "$work/l3-$r.json"
  done
  python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
page = json.load(open(f"{work}/l3-write.json"))["page_bytes"]
ratios = []
for r in range(1, rounds + 1):
    l3 = json.load(open(f"{work}/l3-{r}.json")); sb = json.load(open(f"{work}/store-bench-{r}.json"))
    assert sb["errors"] == 0 and sb["mismatches"] == 0 and l3["mismatches"] == 0, (sb, l3)
    get = sb["get"]["bytes_per_s"]
    ratios.append((l3["bytes_per_s"] / get, l3["bytes_per_s"], get))
    print(f"pair {r}: store-bench GET {get / 2**20:.0f} MiB/s ({sb['clients']} clients, p50 "
          f"{sb['get']['latency_us']['p50']:.0f} us); worker L3 load {l3['bytes'] / 2**20:.0f} MiB in "
          f"{l3['seconds']:.3f} s = {l3['bytes_per_s'] / 2**20:.0f} MiB/s ({l3['storage_tokens']} storage tokens) "
          f"= {100 * l3['bytes_per_s'] / get:.0f}%")
ratio = statistics.median(x[0] for x in ratios)
print(f"L3 PAGE LOAD BANDWIDTH ({page} B pages): median {statistics.median(x[1] for x in ratios) / 2**20:.0f} MiB/s "
      f"vs store-bench GET {statistics.median(x[2] for x in ratios) / 2**20:.0f} MiB/s; median pair ratio "
      f"{100 * ratio:.0f}% (goal >= 70%)")
PY
}

case "$what" in
  router) router_overhead ;;
  l3) l3_bandwidth ;;
  all) router_overhead; l3_bandwidth ;;
  *) echo "usage: bench/serving-perf.sh [router|l3|all]" >&2; exit 2 ;;
esac
