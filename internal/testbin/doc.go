// Package testbin builds the evtxhunt command for tests that run it as a
// program, the way the deployment recipes under deploy/ (Velociraptor,
// Slurm, Kubernetes) do, and tells whether that program has the
// `scan --shard` and `merge` interface the recipes use, so that their tests
// can skip with a clear message until it does.
package testbin
