# Sourced by the benchmark scripts (bench.sh, bench-scan.sh,
# bench-timeline-rss.sh), which set $shared (../shared) and $out (the
# benchmark folder) first.
#
# grow_log SIZE_MIB prints the path of the standard benchmark input of that
# size, $out/grown-SIZEMiB.evtx, growing it first when it is not there:
# ../shared/tools/evtx-grow repeats the chunks of the ten corpus files with
# the most Security 4688 records (per corpus/truth/counts.tsv) up to the
# size. evtx-grow's messages go to stderr. The file is then put in the
# page cache as a file read from disk is (cache_as_read), whether it was
# just grown or not, so that every benchmark reads it in the same state.
grow_log() {
  local size=$1 file="$out/grown-$1MiB.evtx" inputs
  if [ ! -f "$file" ]; then
    mapfile -t inputs < <(tail -n +2 "$shared/corpus/truth/counts.tsv" | sort -t$'\t' -k4,4nr | head -10 | cut -f1 | sed "s|^|$shared/corpus/evtx/|")
    python3 "$shared/tools/evtx-grow" "$file" "$size" "${inputs[@]}" >&2
  fi
  cache_as_read "$file"
  echo "$file"
}

# cache_as_read FILE flushes FILE, drops it from the page cache and reads
# it back. evtx-grow writes 64 KiB at a time, and the file it leaves
# sits in the page cache mostly in 4 KiB pages; read back from disk it
# sits there in large folios (per /proc/kpageflags), and reading it costs
# about half as much: scripts/faultcost measured 0.07-0.10 s against
# 0.14-0.17 s for the 1 GiB grown log, the gap wider with two threads
# reading. The benchmarks take the second state, so that every run reads
# its input alike, whether or not it was just grown.
cache_as_read() {
  python3 - "$1" <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
while os.read(fd, 1 << 20):
    pass
os.close(fd)
EOF
}
