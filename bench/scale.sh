#!/usr/bin/env bash
# Serving simulation at scale, in one run: events/s, real-time factor and peak RSS of the conversation trace on
# mooncake-16 with nodes=16, 64, 256, 1024 (rate scale 1) and at 16 nodes with rate scales 1, 4, 8. Prints a
# Markdown table (the README's scale table) and, last, the rate-scale and node ratios to the first row's events/s.
#
# usage: bench/scale.sh [TRACE]   (default ../shared/traces/conversation_trace.jsonl)
#   NODES="16 64 256 1024" RATES="1 4 8"  rows to run
#   KVTIER_JAVA_OPTS=-Xmx4g               heap for every row (default: the launcher's)
# A row that fails (out of memory, …) prints its exit code and the last line of its error output; the others run.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trace="${1:-$here/../shared/traces/conversation_trace.jsonl}"
nodes_list="${NODES:-16 64 256 1024}"
rates_list="${RATES:-1 4 8}"
[ -f "$trace" ] || { echo "scale.sh: trace $trace not found; pass its path" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$here/kvtier" --version >/dev/null   # builds first if needed, outside the measured runs

base=""
row() {   # row LABEL NODES RATE
  local label=$1 nodes=$2 rate=$3
  /usr/bin/time -f "%M" -o "$tmp/rss" "$here/kvtier" sim --cluster mooncake-16 --trace "$trace" \
    --set "nodes=$nodes" --rate-scale "$rate" --json --no-progress >"$tmp/report.json" 2>"$tmp/err"
  local rc=$?
  if [ $rc -ne 0 ]; then
    printf '| %s | %s | %s | failed (exit %s: %s) | | | |\n' "$label" "$nodes" "$rate" "$rc" \
      "$(grep -v '^\s*at ' "$tmp/err" | tail -1 | cut -c1-80)"
    return
  fi
  local eps rtf events rss_mb
  eps=$(jq -r '.performance.events_per_s' "$tmp/report.json")
  rtf=$(jq -r '.performance.real_time_factor' "$tmp/report.json")
  events=$(jq -r '.sim.events' "$tmp/report.json")
  rss_mb=$(( $(tail -1 "$tmp/rss") / 1024 ))
  [ -n "$base" ] || base=$eps
  printf '| %s | %s | %s | %s | %s | %s× | %s MB |\n' "$label" "$nodes" "$rate" "$events" "$eps" "$rtf" "$rss_mb"
  echo "$label $eps" >>"$tmp/ratios"
}

echo "| row | nodes | rate scale | events | events/s | real-time factor | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for n in $nodes_list; do row "nodes=$n" "$n" 1; done
for r in $rates_list; do [ "$r" = 1 ] && continue; row "rate=$r" 16 "$r"; done
if [ -s "$tmp/ratios" ]; then
  echo
  awk -v base="$base" '{printf "%s: %.2f of the first row'"'"'s events/s\n", $1, $2 / base}' "$tmp/ratios"
fi
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores)"
