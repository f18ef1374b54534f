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
		events := make([]event.Record, n)
		for i := range events {
			ts := t0.Add(time.Duration(r.IntN(5000)) * time.Millisecond)
			host := []string{"WS01", "WS02"}[r.IntN(2)]
			id := uint64(r.IntN(100))
			if r.IntN(2) == 0 {
				events[i].Process = &event.Process{Timestamp: ts, Computer: host, EventRecordID: id}
			} else {
				events[i].Event = &event.Event{System: event.System{Timestamp: ts, Computer: host, EventRecordID: id}}
			}
		}
		want := slices.Clone(events)
		slices.SortStableFunc(want, event.CompareRecords)
		got := sortEvents(slices.Clone(events), 2)
		for i := range want {
			if event.CompareRecords(got[i], want[i]) != 0 {
				t.Fatalf("n=%d: position %d differs", n, i)
			}
		}
	}
}
