# Sourced by the benchmark scripts (bench.sh, bench-scan.sh,
# bench-timeline-rss.sh), which set $shared (../shared) and $out (the
# benchmark folder) first.
#
# grow_log SIZE_MIB prints the path of the standard benchmark input of that
# size, $out/grown-SIZEMiB.evtx, growing it first when it is not there:
# ../shared/tools/evtx-grow repeats the chunks of the ten corpus files with
# the most Security 4688 records (per corpus/truth/counts.tsv) up to the
# size. evtx-grow's messages go to stderr.
grow_log() {
  local size=$1 file="$out/grown-$1MiB.evtx" inputs
  if [ ! -f "$file" ]; then
    mapfile -t inputs < <(tail -n +2 "$shared/corpus/truth/counts.tsv" | sort -t$'\t' -k4,4nr | head -10 | cut -f1 | sed "s|^|$shared/corpus/evtx/|")
    python3 "$shared/tools/evtx-grow" "$file" "$size" "${inputs[@]}" >&2
  fi
  echo "$file"
}
