package main

import "math/rand/v2"

// chaseLoads is how many dependent loads each thread makes per working
// set.
const chaseLoads = 4 << 20

// chaseCost measures how many nanoseconds one load takes when each of
// threads threads follows a random cycle through kib KiB of its own (each
// load's address is the value the previous one read, so no load overlaps
// another): the time is the latency of the level of cache that holds the
// working set.
// Run with one thread, then two, it shows how much cache the two cores
// share and how soon two threads evict each other.
func chaseCost(kib, threads int) (nsPerLoad float64) {
	cycles := make([][]uint32, threads)
	for t := range cycles {
		cycles[t] = randomCycle(kib << 10 / 4)
	}
	sinks := make([]uint32, threads)
	took := onThreads(threads, func(t int) {
		next, i := cycles[t], uint32(0)
		for range chaseLoads {
			i = next[i]
		}
		sinks[t] = i
	})
	return float64(took.Nanoseconds()) / chaseLoads
}

// randomCycle returns next such that following next from 0 visits all n
// slots once, in random order (Sattolo's algorithm).
func randomCycle(n int) []uint32 {
	order := make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	for i := n - 1; i > 0; i-- {
		j := rand.IntN(i) //nolint:gosec // a random order of memory, not a secret
		order[i], order[j] = order[j], order[i]
	}
	next := make([]uint32, n)
	for i := range order {
		next[order[i]] = order[(i+1)%n]
	}
	return next
}
