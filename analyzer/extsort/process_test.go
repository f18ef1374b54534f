package extsort

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// randomProcesses returns n process events with every field drawn at
// random, and many ties in event.Compare's order.
func randomProcesses(n int, seed uint64) []*event.Process {
	r := rand.New(rand.NewPCG(seed, 11))
	t0 := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	hosts := []string{"WS01", "WS02.corp.local", "DC01"}
	out := make([]*event.Process, n)
	for i := range out {
		// Times a few nanoseconds apart share a key (a 100 ns tick).
		at := time.Duration(r.IntN(5000))*time.Millisecond/3 + time.Duration(r.IntN(3))*40
		p := &event.Process{Timestamp: t0.Add(at),
			Computer: hosts[r.IntN(len(hosts))], Channel: event.SecurityChannel, Provider: event.SecurityProvider,
			EventID: event.SecurityProcessCreate, Version: uint8(r.IntN(3)), EventRecordID: uint64(r.IntN(50)),
			SourceFile: fmt.Sprintf("logs/%d.evtx", r.IntN(3)), ChunkIndex: r.IntN(3), Recovered: r.IntN(10) == 0}
		for _, f := range event.Fields() {
			if r.IntN(3) == 0 {
				continue
			}
			if f.IsNumber() {
				p.SetNumber(f, r.Uint64()>>r.IntN(64))
			} else {
				p.Set(f, fmt.Sprintf("%s-%d \x1b\u202e\xff", f.Name(), r.IntN(1000)))
			}
		}
		out[i] = p
	}
	return out
}

// TestProcessThroughRuns: process events come back from run files equal
// to what went in, every field and presence flag included, in the stable
// order of event.Compare.
func TestProcessThroughRuns(t *testing.T) {
	events := randomProcesses(5000, 1)
	want := slices.Clone(events)
	slices.SortStableFunc(want, event.Compare)
	for _, memory := range []int64{1 << 30, 64 << 10} {
		s := New(BinaryCodec[event.Process](), event.Compare, Options{Memory: memory, FanIn: 4, Workers: 2, TempDir: t.TempDir()})
		for _, p := range events {
			if err := s.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		spills := s.Stats().Spills
		var got []*event.Process
		if err := s.Each(context.Background(), func(p *event.Process) error {
			got = append(got, p)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if (memory < 1<<20) != (spills > 10) {
			t.Errorf("memory %d: %d spills", memory, spills)
		}
		if len(got) != len(want) {
			t.Fatalf("memory %d: %d events out, %d in", memory, len(got), len(want))
		}
		for i := range want {
			if *got[i] != *want[i] {
				t.Fatalf("memory %d: event %d is\n%+v\nwant\n%+v", memory, i, *got[i], *want[i])
			}
		}
	}
}

// BenchmarkSortProcesses: the timeline's sort of 200,000 events (about
// 256 MiB of Security log): in memory with 1 and 2 workers, against the
// sort the timeline did before (halves of a pointer slice sorted in
// parallel and merged), and through runs on disk.
func BenchmarkSortProcesses(b *testing.B) {
	events := randomProcesses(200_000, 2)
	for _, bc := range []struct {
		name    string
		memory  int64
		workers int
	}{
		{"memory/j1", 1 << 30, 1},
		{"memory/j2", 1 << 30, 2},
		{"runs-16MiB/j2", 16 << 20, 2},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := New(BinaryCodec[event.Process](), event.Compare, Options{Memory: bc.memory, Workers: bc.workers, TempDir: b.TempDir()})
				for _, p := range events {
					if err := s.Add(p); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Each(context.Background(), func(*event.Process) error { return nil }); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
	b.Run("before/j2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			halvesSort(slices.Clone(events))
		}
	})
}

// halvesSort is how the timeline sorted before the external sort, for
// comparison.
func halvesSort(events []*event.Process) []*event.Process {
	half := len(events) / 2
	a, c := events[:half], events[half:]
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(a, event.Compare) })
	slices.SortFunc(c, event.Compare)
	wg.Wait()
	out := make([]*event.Process, 0, len(events))
	for len(a) > 0 && len(c) > 0 {
		if event.Compare(c[0], a[0]) < 0 {
			out, c = append(out, c[0]), c[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), c...)
}
