#!/usr/bin/env bash
# Measures the timeline command's peak memory and wall time as the input
# grows, for issue 13's target: timeline -f jsonl and -f table keep peak
# RSS under 300 MiB, flat from 256 MiB to 4 GiB of input.
#
#   scripts/bench-timeline-rss.sh [SIZE_MIB...]     (default 256 1024 4096)
#
# Inputs are grown with ../shared/tools/evtx-grow from the ten corpus files
# richest in Security 4688 records, as scripts/bench.sh does, under
# bench-out/ (git-ignored); files of 4 GiB and more are deleted afterwards
# unless KEEP=1. Each size is measured with `timeline -f jsonl -o /dev/null`
# and `timeline -f table -o /dev/null`, peak RSS read with scripts/peakrss
# (getrusage of the child). Every command runs REPEAT times (default 1;
# the 4 GiB table of the former in-memory timeline alone needs several GiB
# and minutes): the best time and the highest peak RSS are kept.
#
# BASELINE=REV also measures the binary built from git revision REV (e.g.
# main, before the external sort), read with git archive: the table then
# has a row per binary. CHECK=1 also writes both outputs to files and
# compares them (needs BASELINE).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(256 1024 4096)
repeat=${REPEAT:-1}
shared=../shared
out=${BENCH_DIR:-bench-out}
mkdir -p "$out"

if [ ! -d "$shared/corpus" ]; then
  echo "bench-timeline-rss: $shared/corpus is absent; nothing to measure" >&2
  exit 1
fi
# shellcheck source=scripts/grow.sh
source scripts/grow.sh

go build -o "$out/evtxhunt" ./cmd/evtxhunt
go build -o "$out/peakrss" ./scripts/peakrss
binaries=(current)
declare -A bin=([current]="$out/evtxhunt")
if [ -n "${BASELINE:-}" ]; then
  src="$out/baseline-src"
  rm -rf "$src"
  mkdir -p "$src"
  git archive "$BASELINE" | tar -x -C "$src"
  (cd "$src" && go build -o ../evtxhunt-baseline ./cmd/evtxhunt)
  rm -rf "$src"
  binaries=(baseline current)
  bin[baseline]="$out/evtxhunt-baseline"
fi

# measure BINARY FORMAT FILE: best wall seconds and highest peak RSS (KiB)
# over $repeat runs, printed as "WALL RSS".
measure() {
  local best="" rss=0 line w r
  for _ in $(seq "$repeat"); do
    line=$("$out/peakrss" -o /dev/stdout "$1" timeline -f "$2" -o /dev/null "$3" 2>/dev/null || true)
    w=$(sed -n 's/.*wall_seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    r=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' <<<"$line")
    if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
    if [ "$r" -gt "$rss" ]; then rss=$r; fi
  done
  echo "$best $rss"
}
mib() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; }

rows=()
checks=()
for size in "${sizes[@]}"; do
  file=$(grow_log "$size")
  for format in jsonl table; do
    for b in "${binaries[@]}"; do
      read -r wall rss < <(measure "${bin[$b]}" "$format" "$file")
      rows+=("$(printf '%8s  %-6s %-9s %9s %12s' "$size" "$format" "$b" "$wall" "$(mib "$rss")")")
    done
    if [ "${CHECK:-0}" = 1 ] && [ -n "${BASELINE:-}" ]; then
      "${bin[baseline]}" timeline -f "$format" -o "$out/check-baseline.$format" "$file" 2>/dev/null || true
      "${bin[current]}" timeline -f "$format" -o "$out/check-current.$format" "$file" 2>/dev/null || true
      if cmp -s "$out/check-baseline.$format" "$out/check-current.$format"; then same=identical; else same=DIFFERENT; fi
      checks+=("$(printf '%8s  %-6s %s (%s bytes)' "$size" "$format" "$same" "$(stat -c %s "$out/check-current.$format")")")
      rm -f "$out/check-baseline.$format" "$out/check-current.$format"
    fi
  done
  if [ "$size" -ge 4096 ] && [ "${KEEP:-0}" != 1 ]; then rm -f "$file"; fi
done

echo "timeline -f FORMAT -o /dev/null, best of $repeat run(s), highest peak RSS:"
printf '%8s  %-6s %-9s %9s %12s\n' "MiB in" "format" "binary" "wall s" "peak RSS MiB"
printf '%s\n' "${rows[@]}"
if [ ${#checks[@]} -gt 0 ]; then
  echo
  echo "outputs of baseline and current:"
  printf '%s\n' "${checks[@]}"
fi
