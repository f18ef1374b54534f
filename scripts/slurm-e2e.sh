#!/usr/bin/env bash
# slurm-e2e.sh runs deploy/slurm's recipe on a real, one-node Slurm cluster
# started on this machine for the run, and checks that the merged result
# of the sharded array is byte for byte the JSONL of one plain scan.
#
#   bash scripts/slurm-e2e.sh
#
# 1. Installs Debian's slurm-wlm and munge (scripts/apt-install.sh); where
#    they cannot be had, or without root (slurmd must be root), it says so
#    and exits 0.
# 2. Starts munged, slurmctld and slurmd on 127.0.0.1 only, on free ports,
#    with every file (key, config, state, spool, logs) in a temporary
#    folder; nothing under /etc is used or changed.
# 3. Checks the cluster part: an array job, a job that waits for it with
#    afterok, and a dependent job that never runs because a task failed
#    (the reason evtxhunt-scan.sbatch maps "findings" to success).
# 4. Writes logs of more hosts with evtxhunt synth, submits
#    deploy/slurm/submit.sh over them and samples/, waits for the merge, and
#    compares findings.jsonl with one `scan -f jsonl` of the same inputs.
#    Until evtxhunt has `scan --shard` and `merge`, this step is skipped
#    with a message.
# On exit (even on failure) it cancels its jobs, stops the daemons it
# started (by their process ids) and removes the folder. Each wait is
# bounded; the whole run takes well under three minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$PATH:/usr/local/go/bin"
# Only this run's cluster is ever talked to: a SLURM_CONF of the caller's
# (a real cluster) is dropped until ours is written.
unset SLURM_CONF

say() { echo "slurm-e2e: $*"; }
fail() {
	say "FAIL: $*"
	if [ -n "${work:-}" ]; then
		for log in "$work"/*.log "$work"/munge/munged.log; do
			[ -f "$log" ] && tail -n 15 "$log" | sed "s|^|  $(basename "$log"): |" >&2
		done
	fi
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	say "not root: slurmd must run as root to start jobs; skipping"
	exit 0
fi
sh scripts/apt-install.sh slurm-e2e slurm-wlm munge
for c in munged slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
	if ! command -v "$c" >/dev/null 2>&1; then
		say "$c is not installed (slurm-wlm and munge could not be had); skipping"
		exit 0
	fi
done

work=$(mktemp -d /tmp/slurm-e2e.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
	if [ "${SLURM_CONF:-}" = "$work/slurm.conf" ]; then
		scancel --quiet --user=root 2>/dev/null || true
		sleep 1
	fi
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every half second until it
# succeeds, failing after SECONDS.
wait_for() {
	local limit=$1 what=$2
	shift 2
	local end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= end)); then
			fail "$what: not done after ${limit}s"
		fi
		sleep 0.5
	done
}

# free_port: a TCP port nothing on 127.0.0.1 listens on.
free_port() {
	local p
	for p in $(shuf -i 20000-60000 -n 100); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	fail "no free port found"
}

say "building evtxhunt"
mkdir -p "$work/bin"
go build -o "$work/bin/evtxhunt" ./cmd/evtxhunt
export EVTXHUNT="$work/bin/evtxhunt"

# --- the cluster ------------------------------------------------------------
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/jobs"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" \
	--socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
	--log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" \
	>>"$work/munge/munged.log" 2>&1 &
pids+=($!)
wait_for 20 "munged" test -S "$work/munge/munge.socket"

host=$(hostname -s)
cpus=$(nproc)
mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 2))
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=evtxhunte2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=e2e Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
wait_for 30 "slurmctld answering" scontrol ping
slurmd -D -f "$SLURM_CONF" -N "$host" >"$work/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { sinfo -h -N -o %T | grep -qx idle; }
wait_for 60 "node $host idle" node_idle
say "one-node cluster up: $host, $cpus CPUs (config in $SLURM_CONF)"

# job_state ID: the job's state while slurmctld remembers it (MinJobAge).
job_state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
# wait_done ID...: waits until no job of the list is pending or running.
jobs_done() {
	local id
	for id in "$@"; do
		case $(job_state "$id") in PENDING | RUNNING | CONFIGURING | COMPLETING) return 1 ;; esac
	done
}
wait_done() { wait_for 90 "jobs $*" jobs_done "$@"; }

# --- the cluster part: array, afterok, a dependency that fails --------------
jobs=$work/jobs
array=$(sbatch --parsable -c 1 --array=1-3 --output="$jobs/array-%a.log" \
	--wrap "echo task \$SLURM_ARRAY_TASK_ID of \$SLURM_ARRAY_TASK_COUNT >$jobs/task-\$SLURM_ARRAY_TASK_ID")
after=$(sbatch --parsable -c 1 --dependency="afterok:$array" --output="$jobs/after.log" \
	--wrap "cat $jobs/task-1 $jobs/task-2 $jobs/task-3 >$jobs/all")
failing=$(sbatch --parsable -c 1 --array=1-2 --output=/dev/null --wrap 'exit $((SLURM_ARRAY_TASK_ID - 1))')
never=$(sbatch --parsable -c 1 --dependency="afterok:$failing" --kill-on-invalid-dep=yes \
	--output=/dev/null --wrap "touch $jobs/never")
wait_done "$array" "$after" "$failing" "$never"
printf 'task %d of 3\n' 1 2 3 | cmp - "$jobs/all" || fail "the afterok job did not see the array's 3 tasks"
[ "$(job_state "$after")" = COMPLETED ] || fail "the afterok job ended $(job_state "$after")"
[ ! -e "$jobs/never" ] || fail "a job ran although a task it depends on (afterok) failed"
say "array, afterok and failed dependency behave: ok"

# --- the recipe ---------------------------------------------------------------
# (The help is read whole first: grep -q would stop reading early, and
# with pipefail the help's broken pipe would count as a failure.)
scan_help=$("$EVTXHUNT" scan --help 2>/dev/null || true)
if [[ $scan_help != *--shard* ]] || ! "$EVTXHUNT" merge --help >/dev/null 2>&1; then
	say "evtxhunt has no scan --shard / merge yet: the recipe's comparison is skipped"
	say "cluster part passed"
	exit 0
fi

# Four more hosts, from the samples' day with the computer names changed;
# one host's Sysmon log names it in other letter case.
data=$work/data
mkdir -p "$data"
seed=3
for pair in WS01:WS03.corp.example.com WS02:WS04.corp.example.com \
	WS01:FIN-LAPTOP7.corp.example.com WS02:ws05.Corp.Example.com; do
	src=${pair%%:*}
	name=${pair#*:}
	for log in Security Sysmon; do
		as=$name
		[ "$name" = ws05.Corp.Example.com ] && [ "$log" = Security ] && as=WS05.corp.example.com
		if ! "$EVTXHUNT" timeline -f jsonl "samples/demo/$src-$log.evtx" |
			sed "s/\"$src\.corp\.example\.com\"/\"$as\"/" |
			"$EVTXHUNT" synth -o "$data/${name%%.*}-$log.evtx" --noise 300 --seed $((seed++)) >"$work/synth.log" 2>&1; then
			cat "$work/synth.log" >&2
			fail "could not write the $log log of $name"
		fi
	done
done
inputs=("$root/samples" "$data")

out=$work/out
shards=3
ids=$(EVTXHUNT_SBATCH_ARGS="-c 1 --mem=256M" deploy/slurm/submit.sh "$shards" "$out" "${inputs[@]}")
read -r array merge <<<"$ids"
say "submitted scan array $array ($shards shards) and merge $merge"
wait_done "$array" "$merge"
if [ "$(job_state "$merge")" != COMPLETED ]; then
	cat "$out"/*.log >&2 || true
	fail "the merge job ended $(job_state "$merge")"
fi

rc=0
"$EVTXHUNT" scan -q -f jsonl -o "$work/plain.jsonl" "${inputs[@]}" || rc=$?
[ "$rc" = 1 ] || fail "the plain scan exited with $rc, want 1 (findings)"
if ! cmp "$work/plain.jsonl" "$out/findings.jsonl"; then
	diff <(cut -c1-200 "$work/plain.jsonl") <(cut -c1-200 "$out/findings.jsonl") | head -n 20 >&2 || true
	fail "merged shards differ from one scan"
fi
[ -s "$out/report.html" ] || fail "no report.html"
say "$(wc -l <"$work/plain.jsonl") findings: merge of $shards shards = one scan, byte for byte: ok"
