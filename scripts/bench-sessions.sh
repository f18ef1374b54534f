#!/usr/bin/env bash
# Measures what logon sessions add to a scan, for the target of issue 12:
# session building and merging add at most 10% to the scan time of the
# standard benchmark. scripts/sessioncost runs the scan's stages over FILE
# without sessions, reading their records only, and with them (see its
# documentation), in turn, REPEAT rounds (default 7). As the machine is
# shared and noisy, it prints medians: of wall and CPU seconds and their
# ratios, of each round's CPU ratio (the runs of one round see much the
# same load), and of the CPU time of the sessions builder itself (read
# from its thread's CPU clock, which the machine's load does not
# inflate) as a share of the scan's CPU time.
#
#   scripts/bench-sessions.sh [FILE]      (default bench-out/grown-256MiB.evtx)
#
# FILE is a grown log as scripts/bench-scan.sh makes it (grow 256).
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-bench-out/grown-256MiB.evtx}
repeat=${REPEAT:-7}
out=${BENCH_DIR:-bench-out}
mkdir -p "$out"
if [ ! -f "$file" ]; then
  echo "bench-sessions: $file is absent (scripts/bench-scan.sh 256 grows it)" >&2
  exit 1
fi
go build -o "$out/sessioncost" ./scripts/sessioncost

# field NAME LINE: the value of NAME=... in LINE.
field() { grep -oE "(^| )$1=[0-9.]+" <<<"$2" | sed 's/.*=//'; }
# median: the median of the numbers on stdin.
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }

modes="off decode on"
declare -A wall cpu
builder="" builder_cpu="" rounds=""
for i in $(seq "$repeat"); do
  for mode in $modes; do
    line=$("$out/sessioncost" -sessions "$mode" "$file")
    echo "run $i: $line" >&2
    wall[$mode]+="$(field wall_seconds "$line")"$'\n'
    cpu[$mode]+="$(field cpu_seconds "$line")"$'\n'
    if [ "$mode" = on ]; then
      builder+="$(field builder_seconds "$line")"$'\n'
      builder_cpu+="$(field builder_cpu_seconds "$line")"$'\n'
    fi
  done
  rounds+="$(awk -v on="$(field cpu_seconds "$line")" -v off="$(printf %s "${cpu[off]}" | tail -n 1)" 'BEGIN { print on/off }')"$'\n'
done
for mode in $modes; do
  echo "sessions $mode: median wall $(printf %s "${wall[$mode]}" | median) s, median CPU $(printf %s "${cpu[$mode]}" | median) s"
done
echo "builder (Add, AddProcess, Finish): median $(printf %s "$builder" | median) s wall, $(printf %s "$builder_cpu" | median) s CPU"
awk -v won="$(printf %s "${wall[on]}" | median)" -v woff="$(printf %s "${wall[off]}" | median)" \
    -v con="$(printf %s "${cpu[on]}" | median)" -v coff="$(printf %s "${cpu[off]}" | median)" \
    -v cdec="$(printf %s "${cpu[decode]}" | median)" \
    'BEGIN { printf "with sessions / without: wall %.3f, CPU %.3f (reading their records only: CPU %.3f)\n", won/woff, con/coff, cdec/coff }'
echo "CPU with sessions / without, median of the rounds: $(printf %s "$rounds" | median)"
awk -v b="$(printf %s "$builder_cpu" | median)" -v con="$(printf %s "${cpu[on]}" | median)" \
    'BEGIN { printf "builder CPU / scan CPU with sessions: %.3f\n", b/con }'
