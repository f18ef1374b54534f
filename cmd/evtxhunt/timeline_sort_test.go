package main

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// TestSortEvents: the parallel sort gives the same order as a plain sort,
// equal keys included (the merge takes the first half's event first).
func TestSortEvents(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{0, 1, 100, 1 << 15, 1<<16 + 3} {
		events := make([]*event.Process, n)
		for i := range events {
			events[i] = &event.Process{Timestamp: t0.Add(time.Duration(r.IntN(5000)) * time.Millisecond),
				Computer: []string{"WS01", "WS02"}[r.IntN(2)], EventRecordID: uint64(r.IntN(100))}
		}
		want := slices.Clone(events)
		slices.SortStableFunc(want, event.Compare)
		got := sortEvents(slices.Clone(events), 2)
		for i := range want {
			if event.Compare(got[i], want[i]) != 0 {
				t.Fatalf("n=%d: position %d differs", n, i)
			}
		}
	}
}
