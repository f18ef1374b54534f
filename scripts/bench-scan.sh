#!/usr/bin/env bash
# Measures the scan command's memory and the report stage's cost, for the
# targets of issue 5: scanning a 4 GiB log keeps peak memory under 300 MiB
# and within 10% of scanning a 1 GiB one, and the report stage (context
# history, findings' context, report writing) adds at most 10% to the scan.
#
#   scripts/bench-scan.sh [SMALL_MIB [LARGE_MIB]]     (default 1024 4096)
#
# Inputs are grown with ../shared/tools/evtx-grow from the ten corpus files
# richest in Security 4688 records, as scripts/bench.sh does, under
# bench-out/ (git-ignored); the large file is deleted afterwards unless
# KEEP=1. Peak RSS is read with scripts/peakrss (getrusage of the child).
# Every command runs REPEAT times (default 3): the best time and the highest
# peak RSS are kept, as the machine is shared and noisy.
#
# A grown file repeats the same chunks, so its events are copies of a few
# thousand records and the context history stays small. SYNTH=1 also
# measures logs of distinct events, where the history fills up to its limit
# and evicts: evtxhunt synth writes them (same sizes) from two corpus logs
# with --noise background (realistic process trees), seed 1.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-1024}
large=${2:-4096}
repeat=${REPEAT:-3}
shared=../shared
out=${BENCH_DIR:-bench-out}
mkdir -p "$out"

if [ ! -d "$shared/corpus" ]; then
  echo "bench-scan: $shared/corpus is absent; nothing to measure" >&2
  exit 1
fi
# shellcheck source=scripts/grow.sh
source scripts/grow.sh
go build -o "$out/evtxhunt" ./cmd/evtxhunt
go build -o "$out/peakrss" ./scripts/peakrss
go build -o "$out/scanstages" ./scripts/scanstages

# measure FILE: best wall seconds and highest peak RSS (KiB) of scan over
# $repeat runs, printed as "WALL RSS".
measure() {
  local best="" rss=0 line w r
  for _ in $(seq "$repeat"); do
    line=$("$out/peakrss" -o /dev/stdout "$out/evtxhunt" scan -q -f jsonl -o /dev/null "$1" || true)
    w=$(sed -n 's/.*wall_seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    r=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' <<<"$line")
    if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
    if [ "$r" -gt "$rss" ]; then rss=$r; fi
  done
  echo "$best $rss"
}
# stage STAGE FILE: best wall and best CPU seconds of scanstages.
stage() {
  local bw="" bc="" line w c
  for _ in $(seq "$repeat"); do
    line=$("$out/scanstages" -stage "$1" "$2")
    w=$(sed -n 's/.*wall_seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    c=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    if [ -z "$bw" ] || awk "BEGIN{exit !($w < $bw)}"; then bw=$w; fi
    if [ -z "$bc" ] || awk "BEGIN{exit !($c < $bc)}"; then bc=$c; fi
  done
  echo "$bw $bc"
}
pct() { awk "BEGIN{printf \"%+.1f%%\", ($1 / $2 - 1) * 100}"; }

small_file=$(grow_log "$small")
read -r small_wall small_rss < <(measure "$small_file")
read -r dec_wall dec_cpu < <(stage decode "$small_file")
read -r det_wall det_cpu < <(stage detect "$small_file")
read -r rep_wall rep_cpu < <(stage report "$small_file")
summary=$("$out/evtxhunt" scan -f jsonl -o /dev/null "$small_file" 2>&1 >/dev/null | tail -4 || true)

large_file=$(grow_log "$large")
read -r large_wall large_rss < <(measure "$large_file")
if [ "${KEEP:-0}" != 1 ]; then rm -f "$large_file"; fi

mib() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; }

if [ "${SYNTH:-0}" = 1 ]; then
  story="$out/synth-story.jsonl"
  "$out/evtxhunt" timeline -f jsonl -o "$story" \
    "$shared/corpus/evtx/DeepBlueCLI/metasploit-psexec-powershell-target-security.evtx" \
    "$shared/corpus/evtx/EVTX-ATTACK-SAMPLES/Execution/sysmon_exec_from_vss_persistence.evtx"
  for size in "$small" "$large"; do
    # An EVTX file holds at most 65535 chunks: 4 GiB less 60 KiB.
    [ "$size" -ge 4096 ] && size=4095
    f="$out/synth-${size}MiB.evtx"
    [ -f "$f" ] || "$out/evtxhunt" synth -o "$f" --size "${size}MiB" --seed 1 "$story" >&2
    read -r w r < <(measure "$f")
    synth_rows+=("$(printf '  %-28s %8s s %9s MiB peak RSS' "${size} MiB synthetic log" "$w" "$(mib "$r")")")
    synth_rss+=("$r")
    if [ "$size" != "$small" ] && [ "${KEEP:-0}" != 1 ]; then rm -f "$f"; fi
  done
fi
echo "scan -q -f jsonl -o /dev/null, best of $repeat runs (highest peak RSS):"
printf '  %-28s %8s s %9s MiB peak RSS\n' "${small} MiB grown file" "$small_wall" "$(mib "$small_rss")"
printf '  %-28s %8s s %9s MiB peak RSS\n' "${large} MiB grown file" "$large_wall" "$(mib "$large_rss")"
echo "  peak RSS, large vs small: $(pct "$large_rss" "$small_rss") (target: within 10%, and under 300 MiB)"
if [ "${SYNTH:-0}" = 1 ]; then
  printf '%s\n' "${synth_rows[@]}"
  echo "  peak RSS, large vs small synthetic: $(pct "${synth_rss[1]}" "${synth_rss[0]}")"
fi
echo
echo "report stage on the ${small} MiB file (scripts/scanstages, best of $repeat):"
printf '  %-40s %8s s wall %8s s CPU\n' "reading the rules' records only" "$dec_wall" "$dec_cpu"
printf '  %-40s %8s s wall %8s s CPU\n' "+ detections (in the workers)" "$det_wall" "$det_cpu"
printf '  %-40s %8s s wall %8s s CPU\n' "+ context history, findings, JSONL report" "$rep_wall" "$rep_cpu"
echo "  report stage adds $(pct "$rep_wall" "$det_wall") wall, $(pct "$rep_cpu" "$det_cpu") CPU (target: at most +10%)"
echo
echo "evtxhunt's own summary of one run on the ${small} MiB file:"
sed 's/^/  /' <<<"$summary"
