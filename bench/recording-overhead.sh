#!/usr/bin/env bash
# Recording overhead of live serving, paired in one run on free loopback ports: two identical kvtier server workers
# (llama-3-8b, --compute-time-scale 0, small pages, L1/L2), one of them with --trace-dir. The same multi-turn load
# (kvtier bench-serving, a fresh seed per run) goes to one then the other, the order swapped every round, ROUNDS
# rounds after a warm-up of each. Prints each round's requests/s, TTFT p50 and the worker JVM's CPU time per request (user + system
# from /proc, less sensitive than wall-clock rates to other processes on the machine) with and without recording,
# and the medians of the paired ratios and differences.
# Usage: bench/recording-overhead.sh
#   env: ROUNDS (5) CLIENTS (64) TURNS (6) PAGE_SIZE (16) RATE (2000, send attempts/s: enough to keep the worker busy)
#        KVTIER_RECORDING_OPTS (extra JVM options for the recording worker, e.g. JFR) KEEP=1 keeps the temp dir
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-5}"; clients="${CLIENTS:-64}"; turns="${TURNS:-6}"; page_size="${PAGE_SIZE:-16}"
rate="${RATE:-2000}"

bench_name=recording-overhead
# shellcheck source=bench/processes.sh
source "bench/processes.sh"

# no store: with L3 in a shared master's store one worker's backups land in the other's segment, and its CPU time
# would count the other's run; recording does the same work whatever the outcome holds
server=(--model-path llama-3-8b --page-size "$page_size" --device-memory 4gb --compute-time-scale 0
  --enable-hierarchical-cache --host 127.0.0.1 --port 0)
./kvtier server "${server[@]}" > "$work/plain.log" 2>&1 &
pids+=($!)
KVTIER_JAVA_OPTS="${KVTIER_RECORDING_OPTS:-}" ./kvtier server "${server[@]}" --trace-dir "$work/trace" \
  > "$work/recording.log" 2>&1 &
pids+=($!)
plain_pid=${pids[0]}; recording_pid=${pids[1]}
plain=$(url_of "$(wait_line "$work/plain.log" "kvtier server:")")
recording=$(url_of "$(wait_line "$work/recording.log" "kvtier server:")")
load=(--num-clients "$clients" --num-rounds "$turns" --request-length 512 --output-length 16 --request-rate "$rate"
  --max-parallel 64 --no-progress)
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # the worker JVM's user and system time
run() { # url seed out pid: the bench-serving report, plus the worker's CPU ticks over the run in out.cpu
  local before after; before=($(cpu_ticks "$4"))
  ./kvtier bench-serving --url "$1" "${load[@]}" --seed "$2" --flush-cache > "$3"
  after=($(cpu_ticks "$4"))
  echo $(( after[0] - before[0] )) $(( after[1] - before[1] )) > "$3.cpu"
}
run "$plain" 1001 "$work/warm-plain.json" "$plain_pid" # warm-up: JIT on both sides
run "$recording" 1002 "$work/warm-recording.json" "$recording_pid"
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then
    run "$plain" $((2 * r)) "$work/plain-$r.json" "$plain_pid"
    run "$recording" $((2 * r + 1)) "$work/recording-$r.json" "$recording_pid"
  else
    run "$recording" $((2 * r + 1)) "$work/recording-$r.json" "$recording_pid"
    run "$plain" $((2 * r)) "$work/plain-$r.json" "$plain_pid"
  fi
done
python3 - "$work" "$rounds" "$(getconf CLK_TCK)" <<'PY'
import json, statistics, sys
work, rounds, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = []
for r in range(1, rounds + 1):
    p = json.load(open(f"{work}/plain-{r}.json")); c = json.load(open(f"{work}/recording-{r}.json"))
    assert p["errors"] == 0 and c["errors"] == 0 and p["kv_mismatches"] == 0 and c["kv_mismatches"] == 0, (p, c)
    for x, name in ((p, "plain"), (c, "recording")):
        user, system = (int(t) for t in open(f"{work}/{name}-{r}.json.cpu").read().split())
        x["cpu_ms_per_request"] = 1000 * (user + system) / hz / x["requests"]
        x["sys_ms_per_request"] = 1000 * system / hz / x["requests"]
    rows.append((p, c))
    print(f"round {r}: requests/s plain {p['throughput']['requests_per_s']:.1f} recording "
          f"{c['throughput']['requests_per_s']:.1f} ({100 * (c['throughput']['requests_per_s'] / p['throughput']['requests_per_s'] - 1):+.1f}%); "
          f"TTFT p50 {p['ttft_ms']['p50']:.2f} / {c['ttft_ms']['p50']:.2f} ms; cached {p['cached_tokens_ratio']:.3f} / "
          f"{c['cached_tokens_ratio']:.3f}; worker CPU {p['cpu_ms_per_request']:.3f} / {c['cpu_ms_per_request']:.3f} ms a request "
          f"({p['requests']} requests each)")
med = lambda f: statistics.median(f(p, c) for p, c in rows)
rps = lambda x: x["throughput"]["requests_per_s"]
print(f"RECORDING OVERHEAD (median of {rounds} paired rounds): requests/s {100 * (med(lambda p, c: rps(c) / rps(p)) - 1):+.1f}% "
      f"(plain {med(lambda p, c: rps(p)):.1f}, recording {med(lambda p, c: rps(c)):.1f}); TTFT p50 "
      f"{med(lambda p, c: c['ttft_ms']['p50'] - p['ttft_ms']['p50']):+.2f} ms (plain {med(lambda p, c: p['ttft_ms']['p50']):.2f} ms, "
      f"recording {med(lambda p, c: c['ttft_ms']['p50']):.2f} ms); worker CPU a request "
      f"{100 * (med(lambda p, c: c['cpu_ms_per_request'] / p['cpu_ms_per_request']) - 1):+.1f}% (plain "
      f"{med(lambda p, c: p['cpu_ms_per_request']):.3f} ms, recording {med(lambda p, c: c['cpu_ms_per_request']):.3f} ms; "
      f"of which system {med(lambda p, c: p['sys_ms_per_request']):.3f} / {med(lambda p, c: c['sys_ms_per_request']):.3f} ms)")
PY
