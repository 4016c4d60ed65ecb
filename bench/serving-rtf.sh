#!/usr/bin/env bash
# The serving loop's speed, this build against another, paired in one run: the README mooncake-16 command
# (conversation trace, `kvtier sim --cluster mooncake-16 --json --no-progress`) at each rate scale, the two builds
# alternated and the order swapped every round. Per run: the real-time factor (simulated time over the loop's
# wall time), and the loop thread's CPU time (`performance.run_cpu_s`), which other processes on a shared machine
# disturb far less: events per CPU second and simulated seconds per CPU second. Prints per-build medians, the
# median of the paired ratios (this build's events per CPU second over the base's), and, per build, the median of
# the rate-scale ratios within one round (events per CPU second at rate X over rate 1, the scale table's goal).
#
# usage: BASE=CLI_DIR [RUNS=3] [RATES="1 4"] [TOGETHER=1] bench/serving-rtf.sh [TRACE]
#   BASE     another build's cli/target copied aside (kvtier-cli.jar, lib/, jvm.options); without it only this build
#   TOGETHER with BASE: each pair's two runs at the same time rather than one after the other, so that whatever
#            else loads a shared machine during the pair falls on both builds alike (each still reports its own
#            loop thread's CPU time; the real-time factors then describe two runs sharing the cores)
#   LAUNCH_OPTS      JVM options for this build's runs instead of those this launcher gives a long simulation
#   BASE_LAUNCH_OPTS the same for the other build (default: LAUNCH_OPTS), e.g. an older launcher's options
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trace="${1:-$here/../shared/traces/conversation_trace.jsonl}"
runs=${RUNS:-3}
rates_list="${RATES:-1 4}"
[ -f "$trace" ] || { echo "serving-rtf.sh: trace $trace not found; pass its path" >&2; exit 2; }
if [ -n "${BASE:-}" ] && [ ! -f "$BASE/kvtier-cli.jar" ]; then
  echo "serving-rtf.sh: no kvtier-cli.jar in BASE=$BASE" >&2; exit 2
fi
cd "$here" || exit 2
./kvtier --version >/dev/null   # build first, outside the measured runs
median() { python3 -c 'import statistics, sys; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
# a build's command line as the launcher runs a long sim (its collector, heap sizing and C2 thresholds), without the
# CDS archive
if [ -n "${LAUNCH_OPTS+set}" ]; then
  launch_opts="$LAUNCH_OPTS"
else
  launch_opts="$(sed -n 's/^ *sim|compare|generate) gc_opts="\(.*\)" ;;$/\1/p' kvtier) \
$(sed -n 's/^ *jit_opts="\(-XX:Tier4Inv[^"]*\)"$/\1/p; s/^ *jit_opts="\$jit_opts \(-XX:Tier4[^"]*\)"$/\1/p' kvtier | tr '\n' ' ')"
  case "$launch_opts" in *UseParallelGC*Tier4BackEdgeThreshold*) ;;
    *) echo "serving-rtf.sh: cannot read the launcher's options from ./kvtier; set LAUNCH_OPTS" >&2; exit 2 ;;
  esac
fi
base_launch_opts="${BASE_LAUNCH_OPTS-$launch_opts}"
run() { local cli="$1" rate="$2" opts="$launch_opts"
  [ "$cli" != "$here/cli/target" ] && opts="$base_launch_opts"
  # shellcheck disable=SC2046,SC2086
  java $(cat "$cli/jvm.options") $opts ${KVTIER_JAVA_OPTS:-} \
    -cp "$cli/kvtier-cli.jar:$cli/lib/*" dev.kvtier.cli.Main sim --cluster mooncake-16 --trace "$trace" \
    --rate-scale "$rate" --json --no-progress \
    | jq -r '[.performance.real_time_factor, (.sim.events / .performance.run_cpu_s),
              (.sim.simulated_s / .performance.run_cpu_s)] | @tsv'; }
builds=(this)
[ -n "${BASE:-}" ] && builds=(this base)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
declare -A eps rtf cpu_rtf
together=""; [ "${TOGETHER:-0}" = 1 ] && [ ${#builds[@]} = 2 ] && together=", each pair run at the same time"
echo "serving loop, ${runs} rounds, rates ${rates_list}, builds ${builds[*]}${together} (load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores)"
for n in $(seq "$runs"); do
  order=("${builds[@]}")
  if [ $((n % 2)) = 0 ] && [ ${#builds[@]} = 2 ]; then order=(base this); fi
  for r in $rates_list; do
    if [ "${TOGETHER:-0}" = 1 ] && [ ${#builds[@]} = 2 ]; then
      run "$here/cli/target" "$r" > "$tmp/this" & this_pid=$!
      run "$BASE" "$r" > "$tmp/base" & base_pid=$!
      wait "$this_pid" "$base_pid"
    fi
    for b in "${order[@]}"; do
      dir="$here/cli/target"; [ "$b" = base ] && dir="$BASE"
      if [ "${TOGETHER:-0}" = 1 ] && [ ${#builds[@]} = 2 ]; then
        read -r f e c < "$tmp/$b"
      else
        read -r f e c < <(run "$dir" "$r")
      fi
      rtf[$b,$r]+="$f "; eps[$b,$r]+="$e "; cpu_rtf[$b,$r]+="$c "
      printf 'round %s rate %s %-4s: real-time factor %s×, %.0f events per CPU second, %.1f× per CPU second\n' \
        "$n" "$r" "$b" "$f" "$e" "$c"
    done
  done
done
ratios() { python3 -c 'import statistics, sys; a=[float(x) for x in sys.argv[1].split()]; b=[float(x) for x in sys.argv[2].split()]
r=[x/y for x, y in zip(a, b)]; print("%.2f (%s)" % (statistics.median(r), ", ".join("%.2f" % x for x in r)))' "$1" "$2"; }
for r in $rates_list; do
  for b in "${builds[@]}"; do
    # shellcheck disable=SC2086
    echo "rate $r $b: real-time factor median $(median ${rtf[$b,$r]})×, events per CPU second $(median ${eps[$b,$r]}), simulated per CPU second $(median ${cpu_rtf[$b,$r]})×"
  done
  [ ${#builds[@]} = 2 ] && echo "rate $r this/base events per CPU second, paired: $(ratios "${eps[this,$r]}" "${eps[base,$r]}")"
done
first=${rates_list%% *}
for r in $rates_list; do
  [ "$r" = "$first" ] && continue
  for b in "${builds[@]}"; do
    echo "$b: rate $r / rate $first events per CPU second, same round: $(ratios "${eps[$b,$r]}" "${eps[$b,$first]}")"
  done
done
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
