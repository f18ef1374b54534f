#!/usr/bin/env bash
# Measures how much of the shared attack corpus the default scan flags: the
# share of EVTX files (recursively under ../shared/corpus/evtx, or the
# folder given) where `evtxhunt scan` with the built-in rules at the
# default level gives at least one finding of level medium or above.
#
#   scripts/corpus-coverage.sh [CORPUS_DIR]
#
# Builds the binary, scans each file on its own with -f jsonl (so a file's
# findings never depend on another file's records) and reads the answer
# from the exit code of --fail-level medium: 1 when a finding is medium or
# above, 0 when none is, 3 when the file could not be read at all. Prints
# the files without a medium+ finding, then the share. With OUT=DIR the
# jsonl report of every file is kept under DIR (same relative path, .jsonl)
# for inspection; by default the reports are discarded.
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/evtx}
if [ ! -d "$corpus" ]; then
  echo "corpus-coverage: $corpus is absent; nothing to measure" >&2
  exit 1
fi
bin=$(mktemp -d)/evtxhunt
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/evtxhunt || exit 2

total=0 covered=0 unreadable=0
missed=()
# NUL-separated: corpus paths hold spaces and '&'.
while IFS= read -r -d '' file; do
  total=$((total + 1))
  report=/dev/null
  if [ -n "${OUT:-}" ]; then
    rel=${file#"$corpus"/}
    report="$OUT/${rel%.evtx}.jsonl"
    mkdir -p "$(dirname "$report")"
  fi
  # The report goes to stdout: -o writes a temporary file and renames it,
  # which must never happen to /dev/null.
  "$bin" scan -q --fail-level medium -f jsonl "$file" >"$report" 2>/dev/null
  case $? in
  1) covered=$((covered + 1)) ;;
  0) missed+=("$file") ;;
  3) unreadable=$((unreadable + 1)); missed+=("$file (unreadable)") ;;
  *) echo "corpus-coverage: scan of $file failed" >&2; missed+=("$file (scan failed)") ;;
  esac
done < <(find "$corpus" -type f -iname '*.evtx' -print0 | sort -z)

if [ "$total" -eq 0 ]; then
  echo "corpus-coverage: no .evtx file under $corpus" >&2
  exit 1
fi
echo "files without a medium+ finding:"
for f in "${missed[@]}"; do
  echo "  ${f#"$corpus"/}"
done
awk -v c="$covered" -v t="$total" -v u="$unreadable" 'BEGIN {
  printf "coverage: %d of %d files have a finding of level medium or above (%.1f%%); %d unreadable\n", c, t, 100 * c / t, u
}'
