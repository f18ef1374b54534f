#!/bin/bash
# Submits an evtxhunt scan of a shared folder to Slurm: a job array of N
# shard scans, and the merge job that runs once every shard succeeded.
#
#   deploy/slurm/submit.sh N OUT INPUT...
#
# Prints the two job ids ("ARRAY MERGE"). OUT receives the task logs,
# shard-K.jsonl, and then findings.jsonl and report.html. EVTXHUNT,
# EVTXHUNT_ARGS and EVTXHUNT_MERGE_ARGS are passed on to the jobs (see the
# two .sbatch files); EVTXHUNT_SBATCH_ARGS adds sbatch options to both
# submissions (e.g. "--partition=forensics --account=ir").
set -euo pipefail

if [ $# -lt 3 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 N OUT INPUT..." >&2
	exit 2
fi
shards=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for f in "$out"/shard-*.jsonl; do
	if [ -e "$f" ]; then
		echo "$0: $out already holds shard outputs ($f); use a new folder" >&2
		exit 2
	fi
done

read -r -a opts <<<"${EVTXHUNT_SBATCH_ARGS:-}"
scan=$(sbatch --parsable "${opts[@]}" --array="1-$shards" \
	--export="ALL,EVTXHUNT_SHARDS=$shards" --output="$out/scan-%A_%a.log" \
	"$here/evtxhunt-scan.sbatch" "$out" "$@")
scan=${scan%%;*}
merge=$(sbatch --parsable "${opts[@]}" --dependency="afterok:$scan" --kill-on-invalid-dep=yes \
	--output="$out/merge-%j.log" "$here/evtxhunt-merge.sbatch" "$out" "$shards")
merge=${merge%%;*}
echo "$scan $merge"
