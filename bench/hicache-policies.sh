#!/usr/bin/env bash
# Speed of `kvtier sim --mode hicache`: the four write policies on a trace at one L1/L2 pair, one thread, RUNS
# times (the table's last line gives the sweep's wall time and the CPU time of its one thread); then, when
# SGLANG_DIR names a checkout of sgl-project/sglang, SGLang's policy simulator on the same trace and pair, per
# policy; then, with GRID=1, a 10 x 10 L1 x L2 grid of boundary_l1_l2 on 1 and on 2 threads.
#   bench/hicache-policies.sh [TRACE] [L1] [L2]
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:-../shared/traces/conversation_trace.jsonl}
l1=${2:-1000}
l2=${3:-4000}
runs=${RUNS:-3}

./kvtier sim --help > /dev/null   # build first, outside the timed runs
echo "kvtier sim --mode hicache, 4 policies, L1 $l1 / L2 $l2 pages, --threads 1 ($runs runs):"
for _ in $(seq "$runs"); do
  ./kvtier sim --mode hicache --trace "$trace" --l1-pages "$l1" --l2-pages "$l2" --threads 1 --no-progress | tail -1
done

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
