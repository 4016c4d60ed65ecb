#!/usr/bin/env bash
# The decoders' long fuzz run: each Jazzer target (the same ones `./mvnw verify` fuzzes for 5 s each) for SECONDS
# (default 600), PARALLEL at a time (default 2), each in its own JVM with Jazzer's command-line driver. Prints one
# line per target: executions, coverage, corpus and crashes (any exception but the target's declared decode error,
# or an allocation out of proportion to the input). Exit status 1 if any target crashed.
#   bench/fuzz.sh [SECONDS] [PARALLEL] [NAME-REGEX]   (NAME-REGEX picks targets, e.g. 'StoreConfig|ClusterConfig')
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
parallel="${2:-2}"
only="${3:-.}"
bench_name=fuzz
source "$here/bench/processes.sh"

targets=(
  "transport-tcp dev.kvtier.transport.tcp.fuzz.ControlFrameFuzzTest"
  "transport-tcp dev.kvtier.transport.tcp.fuzz.TransferHeaderFuzzTest"
  "workloads dev.kvtier.workloads.fuzz.MooncakeTraceFuzzTest"
  "live dev.kvtier.live.fuzz.StoreConfigFuzzTest"
  "live dev.kvtier.live.fuzz.MetadataJsonFuzzTest"
  "sim dev.kvtier.sim.fuzz.ClusterConfigFuzzTest"
)

(cd "$here" && ./mvnw -o -q -pl transport-tcp,workloads,live,sim -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test >&2)

# a copy of the compiled classes, so a rebuild during a long run changes nothing under the running JVMs
for m in transport-tcp workloads live sim model; do
  mkdir -p "$work/classes/$m"
  cp -r "$here/$m/target/classes" "$work/classes/$m/main"
  [ -d "$here/$m/target/test-classes" ] && cp -r "$here/$m/target/test-classes" "$work/classes/$m/test"
  [ -f "$here/$m/target/fuzz.classpath" ] && cp "$here/$m/target/fuzz.classpath" "$work/classes/$m/"
done
# reactor modules on the dependency classpath point at target/classes; use the copies instead
classpath_of() {
  local cp
  cp="$work/classes/$1/test:$work/classes/$1/main:$(cat "$work/classes/$1/fuzz.classpath")"
  local from
  for m in transport-tcp workloads live sim model; do
    from="$here/$m/target/classes"
    cp="${cp//"$from"/$work/classes/$m/main}"
    from="$here/$m/target/test-classes"
    cp="${cp//"$from"/$work/classes/$m/test}"
  done
  echo "$cp"
}

run_target() {
  local module="$1" class="$2"
  local dir="$work/${class##*.}"
  mkdir -p "$dir/corpus"
  local cp
  cp=$(classpath_of "$module")
  local start=$(date +%s)
  local status=0
  (cd "$dir" && java -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="$class" \
      --instrumentation_includes='dev.kvtier.**:com.fasterxml.**' -max_total_time="$seconds" -rss_limit_mb=4096 corpus \
      >"$dir/log" 2>&1) || status=$?
  local took=$(( $(date +%s) - start ))
  local done_line
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/log" | tail -1 || true)
  local crashes
  crashes=$(find "$dir" -maxdepth 1 -name 'crash-*' | wc -l)
  printf '%-24s %5ss  exit %d  crashes %d  %s\n' "${class##*.}" "$took" "$status" "$crashes" \
    "$(sed -E 's/.*DONE +//; s/ lim:.*//' <<<"$done_line") execs $(grep -oE '^#[0-9]+' <<<"$done_line" | tr -d '#')"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    grep -m5 -E 'Exception|Error|FuzzerSecurityIssue' "$dir/log" >&2 || true
    return 1
  fi
}

failed=0
running=0
for t in "${targets[@]}"; do
  [[ "${t##*.}" =~ $only ]] || continue
  run_target $t > "$work/result-${t##*.}" 2>&1 &
  pids+=($!)
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
cat "$work"/result-*
exit "$failed"
