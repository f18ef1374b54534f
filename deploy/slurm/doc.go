// Package slurm holds evtxhunt's Slurm recipe and its tests: a job array
// (evtxhunt-scan.sbatch, one `scan --shard K/N` per task over a shared
// folder), a merge job that runs after it (evtxhunt-merge.sbatch, with
// --dependency=afterok), and submit.sh, which submits both.
//
// The tests run the job scripts as Slurm would, with the variables Slurm
// sets (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_CPUS_PER_TASK),
// but without a cluster: each shard task in turn, then the merge, compared
// byte for byte with one plain scan. scripts/slurm-e2e.sh runs the same
// recipe on a real one-node cluster.
package slurm
