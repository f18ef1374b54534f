#!/usr/bin/env bash
# Runs every fuzz target of the repository briefly, one after the other.
# Targets are found by grep, so new ones are included without editing this
# file. A target that finds a failure leaves the input under its
# package's testdata/fuzz/<Target>/ (commit it: it becomes a regression
# test) and makes this script fail.
#
#   FUZZTIME=5s  time per target (default 5s)
#   FUZZ_PARALLEL=N  fuzzing processes per target (default: go's, GOMAXPROCS)
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-5s}
parallel=()
if [ -n "${FUZZ_PARALLEL:-}" ]; then
  parallel=(-parallel "$FUZZ_PARALLEL")
fi

failed=()
count=0
log=$(mktemp)
# -fuzzminimizetime 1x: new inputs are not shrunk at length. A fresh
# cache: a smoke run starts from each target's seeds and its
# testdata/fuzz inputs, not from whatever long runs left in this machine's
# Go cache (thousands of inputs whose baseline alone can outlast -fuzztime,
# which go test then reports as a failure).
cache=$(mktemp -d)
trap 'rm -rf "$log" "$cache"' EXIT
# "dir:Target" for each func FuzzX(f *testing.F) in a _test.go file.
while IFS= read -r target; do
  dir=${target%%:*}
  name=${target##*:}
  count=$((count + 1))
  echo "-- fuzz $dir $name ($fuzztime)"
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 1x "${parallel[@]}" "./$dir" -args -test.fuzzcachedir="$cache/$dir" >"$log" 2>&1; then
    tail -n 1 "$log"
  elif grep -q "context deadline exceeded" "$log" && ! grep -qE "Failing input written|panic:|--- FAIL: .*\(.*\)$" <(grep -v "^--- FAIL: ${name} (" "$log"); then
    # go test's fuzzing can end a time-boxed run with this error when the
    # deadline passes while it is busy with new inputs; a real failure
    # writes the failing input, and none was.
    echo "ok (the run ended in go test's \"context deadline exceeded\" with no failing input)"
  else
    failed+=("$dir $name")
    cat "$log"
  fi
done < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . |
  grep -v '^./.git/' | sort |
  while IFS= read -r file; do
    dir=$(dirname "${file#./}")
    grep -oE '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$file" |
      sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' |
      while IFS= read -r name; do echo "$dir:$name"; done
  done)

echo "fuzz-smoke: $count targets, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  printf '  failed: %s\n' "${failed[@]}"
  exit 1
fi
