#!/usr/bin/env bash
# The simulator's event queue against java.util.PriorityQueue in one JMH run (EventQueueBenchmark, the hold model
# at 1 K, 100 K and 1 M pending events): each method's JMH score (events per wall second) and its events per CPU
# second of the benchmark thread, and the queue's ratio to PriorityQueue by each. On a machine shared with other
# work read the CPU-time ratio: the wall-clock score follows the share of a core the benchmark gets.
#   bench/event-queue.sh [extra JMH options, e.g. -p pending=1000]   (FORKS, ITERATIONS override 2 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am package -DskipTests
out=$(mktemp --suffix=.json)
trap 'rm -f "$out"' EXIT
echo "EventQueueBenchmark, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
java -jar bench/target/benchmarks.jar EventQueueBenchmark -f "${FORKS:-2}" -wi 2 -w 1 -i "${ITERATIONS:-3}" -r 1 \
  -rf json -rff "$out" "$@" > /dev/null
python3 - "$out" <<'PY'
import json, sys
rows = {}
for r in json.load(open(sys.argv[1])):
    method = r["benchmark"].rsplit(".", 1)[1]
    pending = int(r["params"]["pending"])
    m = r["secondaryMetrics"]
    rows.setdefault(pending, {})[method] = (r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"],
                                            m["events"]["score"] / m["cpuNanos"]["score"] * 1e9)
print("%9s  %-14s %16s %18s" % ("pending", "queue", "M events/wall s", "M events/CPU s"))
for pending in sorted(rows):
    for method, (wall, err, cpu) in sorted(rows[pending].items()):
        print("%9d  %-14s %9.2f ± %4.2f %18.2f" % (pending, method, wall / 1e6, err / 1e6, cpu / 1e6))
    q, pq = rows[pending].get("primitiveHeap"), rows[pending].get("priorityQueue")
    if q and pq:
        print("%9d  EventQueue / PriorityQueue: %.2fx per wall second, %.2fx per CPU second"
              % (pending, q[0] / pq[0], q[2] / pq[2]))
PY
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
