// Package kubernetes holds evtxhunt's Kubernetes recipe,
// evtxhunt-indexed-job.yaml: an Indexed Job whose pod K+1 of N runs
// `evtxhunt scan --shard $((JOB_COMPLETION_INDEX+1))/N` over a shared
// volume, and a merge Job that waits for the N outputs and merges them.
//
// Its tests check the manifest without a cluster: every document parses,
// has a known kind and apiVersion, the Indexed Job's completions and
// parallelism equal the N of its command, the merge Job reads the same N
// shards from the same volume, and every container's shell script parses.
// Where evtxhunt has the shard and merge interface, they also run the
// containers' scripts on samples/ (the volume's paths swapped for local
// folders) and compare the merged findings with one plain scan.
package kubernetes
