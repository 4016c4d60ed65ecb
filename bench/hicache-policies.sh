#!/usr/bin/env bash
# Speed of `kvtier sim --mode hicache`: the four write policies on a trace at one L1/L2 pair, one thread, RUNS
# times. Simulation time is the sweep thread's CPU time, the JIT's warm-up inside (each run is a fresh JVM): the
# table's last line gives it with the wall time, and this script prints each run's page touches per CPU second and
# their median. Then, optionally:
#   BASE=CLI_DIR  another build (its cli/target copied aside: kvtier-cli.jar, lib/, jvm.options) run alternately
#                 with this one, the order swapped every run: each build's median and the median of the paired
#                 ratios (on a shared machine only the ratio means much); with WARM=1 also a 5 x 5 L1 x L2 grid of
#                 the four policies (100 variants, one thread), where the JIT's warm-up is a small part. This build
#                 runs as its launcher runs it (its JIT choice included), the other with the JIT the launcher
#                 picks for the same command (C1 alone for the four policies, tiered with the launcher's C2
#                 thresholds for the grid; BASE_JAVA_OPTS
#                 overrides it for both, e.g. empty for tiered as launchers without that rule ran it); neither
#                 uses a CDS archive;
#   JMH=1         HiCacheReplayBenchmark: warm (steady state) and cold (a fresh JVM's first pass, 5 forks), page
#                 touches per CPU second of the benchmark thread; with BASE holding a benchmarks.jar too (the other
#                 build's bench/target/benchmarks.jar copied there), that one as well, the two builds alternated;
#   SGLANG_DIR=   a checkout of sgl-project/sglang: its policy simulator on the same trace and pair, per policy;
#   GRID=1        a 10 x 10 L1 x L2 grid of boundary_l1_l2 on 1 and on 2 threads.
#   bench/hicache-policies.sh [TRACE] [L1] [L2]
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:-../shared/traces/conversation_trace.jsonl}
l1=${2:-1000}
l2=${3:-4000}
runs=${RUNS:-3}
args=(sim --mode hicache --trace "$trace" --l1-pages "$l1" --l2-pages "$l2" --threads 1 --no-progress)

# touches/s of simulation from the table's last line: "N variants, T page touches simulated in W s wall (...), C s
# CPU on one thread (...)"
rate() { sed -n 's/.* \([0-9,]*\) page touches simulated in .*, \([0-9.]*\) s CPU on one thread.*/\1 \2/p' \
  | tr -d , | awk '{ printf "%.2f\n", $1 / $2 / 1e6 }'; }
median() { python3 -c 'import statistics, sys; print("%.2f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
# a build's command line as the launcher runs sim (its collector and heap sizing), without the CDS archive: this
# build through its own launcher, another one with BASE_JAVA_OPTS
build_sim() { local cli="$1"; shift
  if [ "$cli" = cli/target ]; then KVTIER_CDS=0 ./kvtier "$@"; return; fi
  # shellcheck disable=SC2086 # BASE_JAVA_OPTS is a list of JVM options
  java $(cat "$cli/jvm.options") -XX:+UseParallelGC -XX:InitialRAMPercentage=15 ${BASE_JAVA_OPTS-$base_jit} \
    -cp "$cli/kvtier-cli.jar:$cli/lib/*" dev.kvtier.cli.Main "$@"; }

./kvtier sim --help > /dev/null   # build first, outside the timed runs
echo "kvtier sim --mode hicache, 4 policies, L1 $l1 / L2 $l2 pages, --threads 1 ($runs runs; load average $(cut -d' ' -f1-3 /proc/loadavg)):"
# paired ARGS...: RUNS runs of each build on the same sim arguments, alternating (the order swapped every run)
paired() {
  local base_rates=() this_rates=() ratios=() b t n
  for n in $(seq "$runs"); do
    if [ $((n % 2)) = 1 ]; then
      b=$(build_sim "$BASE" "$@" | tail -1 | rate); t=$(build_sim cli/target "$@" | tail -1 | rate)
    else
      t=$(build_sim cli/target "$@" | tail -1 | rate); b=$(build_sim "$BASE" "$@" | tail -1 | rate)
    fi
    base_rates+=("$b"); this_rates+=("$t"); ratios+=("$(awk -v t="$t" -v b="$b" 'BEGIN { printf "%.2f", t / b }')")
    echo "run $n: base $b, this build $t M touches per CPU second (ratio ${ratios[-1]})"
  done
  echo "medians: base $(median "${base_rates[@]}"), this build $(median "${this_rates[@]}") M touches per CPU second;" \
    "paired ratio $(median "${ratios[@]}") (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
}

if [ -z "${BASE:-}" ]; then
  rates=()
  for _ in $(seq "$runs"); do
    line=$(./kvtier "${args[@]}" | tail -1)
    echo "$line"
    rates+=("$(echo "$line" | rate)")
  done
  echo "median: $(median "${rates[@]}") M page touches per CPU second (runs: ${rates[*]})"
else
  [ -f "$BASE/kvtier-cli.jar" ] || { echo "hicache-policies: no kvtier-cli.jar in BASE=$BASE" >&2; exit 2; }
  base_jit=-XX:TieredStopAtLevel=1   # the launcher's choice for a run this short
  paired "${args[@]}"
  if [ "${WARM:-0}" = 1 ]; then
    # 100 variants: tiered, with the launcher's C2 thresholds for a long simulation
    base_jit="$(sed -n 's/^ *jit_opts="\(-XX:Tier4Inv[^"]*\)"$/\1/p; s/^ *jit_opts="\$jit_opts \(-XX:Tier4[^"]*\)"$/\1/p' \
      kvtier | tr '\n' ' ')"
    echo "5 x 5 L1 x L2 grid, 4 policies (100 variants), --threads 1:"
    paired sim --mode hicache --trace "$trace" --l1-pages 1000,2000,4000,7000,10000 \
      --l2-pages 1000,4000,10000,20000,30000 --threads 1 --no-progress
  fi
fi

if [ "${JMH:-0}" = 1 ]; then
  ./mvnw -q -o -pl bench -am package -DskipTests
  # jmh LABEL JAR: both benchmarks of one build, touches per CPU second
  jmh() {
    local out; out=$(mktemp)
    java -jar "$2" HiCacheReplayBenchmark -p trace="$trace" -p l1Pages="$l1" -p l2Pages="$l2" -rf json -rff "$out" \
      > /dev/null
    python3 - "$1" "$out" <<'PY'
import json, statistics, sys
for b in json.load(open(sys.argv[2])):
    touches = [x for fork in b["secondaryMetrics"]["touches"]["rawData"] for x in fork]
    cpu = [x for fork in b["secondaryMetrics"]["cpuNanos"]["rawData"] for x in fork]
    rates = [t / c * 1e3 for t, c in zip(touches, cpu)]
    name = b["benchmark"].rsplit(".", 1)[1]
    print("JMH %s%s: median %.2f M page touches per CPU second (%s: %s)" % (sys.argv[1], name,
        statistics.median(rates), "forks" if name == "cold" else "iterations", ", ".join("%.2f" % r for r in rates)))
PY
    rm -f "$out"
  }
  if [ -n "${BASE:-}" ] && [ -f "$BASE/benchmarks.jar" ]; then
    jmh "base " "$BASE/benchmarks.jar"; jmh "this build " bench/target/benchmarks.jar
    jmh "this build " bench/target/benchmarks.jar; jmh "base " "$BASE/benchmarks.jar"
    echo "(load average now $(cut -d' ' -f1-3 /proc/loadavg))"
  else
    jmh "" bench/target/benchmarks.jar
  fi
fi

if [ -n "${SGLANG_DIR:-}" ]; then
  echo "SGLang benchmark/hicache/hicache_policy_simulator.py, same trace and pair:"
  python3 - "$SGLANG_DIR/benchmark/hicache" "$trace" "$l1" "$l2" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[1])
from hicache_policy_simulator import HiCachePolicySimulator, load_trace_records
records = load_trace_records(sys.argv[2])
for policy in ("main_write_through", "boundary_l1_l2"):
    sim = HiCachePolicySimulator(policy=policy, l1_pages=int(sys.argv[3]), l2_pages=int(sys.argv[4]))
    start = time.perf_counter()
    m = sim.simulate_records(records)
    print(f"{policy}: {time.perf_counter() - start:.2f} s, L1 hit pages {m.l1_hit_pages}, L2 hit pages {m.l2_hit_pages}")
PY
fi

if [ "${GRID:-0}" = 1 ]; then
  grid_l1=1000,2000,3000,4000,5000,6000,7000,8000,9000,10000
  grid_l2=1000,4000,7000,10000,13000,16000,19000,22000,25000,30000
  for t in 1 2; do
    echo "10 x 10 grid, boundary_l1_l2, --threads $t:"
    /usr/bin/time -f "%e s wall, %U s user" ./kvtier sim --mode hicache --trace "$trace" --write-policy boundary_l1_l2 \
      --l1-pages $grid_l1 --l2-pages $grid_l2 --threads $t --no-progress 2>&1 | tail -2
  done
fi
