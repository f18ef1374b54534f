package binxml

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// FuzzDecoders feeds the same chunk bytes to the fast decoder and to the
// Velocidex one. Seeds: the chunks of testdata/synthetic.evtx and every
// chunk of TestConstructs and TestGeneralEvents, hostile ones included.
// The fast decoder reads every chunk twice, with every record selected
// and without a selection. Whatever the bytes: it must not panic, must
// account for every record of the chain (decoded, or reported as a
// problem), must stay within its budgets, and selecting must change
// nothing but add general events (none of them a process creation, none
// with more items than the limit) and report the damage it reads in
// Velocidex reads: as many records, and an event for each of Velocidex's
// (same EventRecordID and EventID), allocating no more than
// velocidex.MaxChunkAlloc (the bound both decoders keep per chunk). Field
// values are compared on real data by the differential tests: on
// arbitrary bytes Velocidex misreads some constructs silently (character
// references, values in pieces).
//
// Velocidex is only run on intact chunks the fast decoder read without a
// problem, the only ones the comparison applies to (FuzzGuard, in package
// velocidex, holds Velocidex to its bound on any bytes).
//
// Run it with a short minimization budget: the fuzzer shrinks each new
// interesting input one byte at a time, which stalls on chunk-sized ones:
//
//	go test -run '^$' -fuzz '^FuzzDecoders$' -fuzztime 30s -fuzzminimizetime 1x ./analyzer/binxml
func FuzzDecoders(f *testing.F) {
	data, err := os.ReadFile(syntheticPath)
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range splitChunks(data, "seed") {
		f.Add(fuzzSeed(c))
	}
	for _, tc := range constructs {
		b := newChunkBuilder()
		tc.build(b)
		f.Add(fuzzSeed(b.chunk("seed")))
	}
	for _, tc := range generalCases {
		b := newChunkBuilder()
		tc.build(b)
		f.Add(fuzzSeed(b.chunk("seed")))
	}
	for _, c := range sampleChunks(f, 8) {
		f.Add(fuzzSeed(c))
	}
	fast := New() // one decoder for every input, as in a run: its pooled state is reused
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > evtxfile.ChunkSize {
			data = data[:evtxfile.ChunkSize]
		}
		h, err := evtxfile.ParseChunkHeader(data)
		if err != nil {
			return
		}
		recs, _ := evtxfile.Records(data, &h)
		c := decode.Chunk{File: "fuzz", Data: data, Header: h, Records: recs, Want: event.SelectAll()}
		var got, ref decode.Result
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fast.Decode(&c, &got)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > velocidex.MaxChunkAlloc {
			t.Fatalf("the fast decoder allocated %d MiB for one chunk", alloc>>20)
		}
		if got.Records > len(recs) || got.Records+len(got.Problems) < len(recs) {
			t.Fatalf("%d records in the chain, %d decoded and %d problems", len(recs), got.Records, len(got.Problems))
		}
		checkSelected(t, fast, c, &got)
		if len(h.Verify(data)) > 0 || len(got.Problems) > 0 {
			return // damaged, or hostile: only the checks above apply
		}
		velocidex.Decoder{}.Decode(&c, &ref)
		if len(ref.Problems) > 0 {
			return
		}
		if got.Records < ref.Records {
			t.Fatalf("intact chunk: fast decoded %d records, velocidex %d (problems %v)", got.Records, ref.Records, got.Problems)
		}
		if missing := lostEvents(&got, &ref); len(missing) > 0 {
			t.Fatalf("intact chunk: velocidex events the fast decoder lost: %v", missing)
		}
	})
}

// checkSelected checks the general events of got, c decoded with every
// record selected, against c decoded without a selection. Selecting reads
// more of each record, so it may find damage the skip path does not
// read: such a record becomes a problem (and may no longer count, and its
// chunk no longer falls back). Otherwise the results are the same, the
// general events aside.
func checkSelected(t *testing.T, fast *Decoder, c decode.Chunk, got *decode.Result) {
	for _, e := range got.Selected {
		if e.IsProcessCreation() || len(e.Items) > maxDataItems {
			t.Fatalf("general event of a process creation, or with %d items: %s", len(e.Items), e.AppendJSON(nil))
		}
	}
	var plain decode.Result
	c.Want = nil
	fast.Decode(&c, &plain)
	extra := len(got.Problems) - len(plain.Problems)
	if extra > 0 && got.Fallbacks < plain.Fallbacks {
		return // the damage selecting found keeps the chunk from the fallback
	}
	for _, p := range plain.Problems {
		if !slices.Contains(got.Problems, p) {
			t.Fatalf("problem without a selection, not with one: %s", p)
		}
	}
	if got.Records > plain.Records || got.Records < plain.Records-extra || got.Fallbacks != plain.Fallbacks {
		t.Fatalf("records %d (fallbacks %d) with every record selected, %d (%d) without, %d more problems",
			got.Records, got.Fallbacks, plain.Records, plain.Fallbacks, extra)
	}
	all := *got
	all.Selected, all.Problems, plain.Problems = nil, nil, nil
	if extra > 0 {
		all.Records, all.First, all.Last, all.Hosts = 0, time.Time{}, time.Time{}, nil
		plain.Records, plain.First, plain.Last, plain.Hosts = 0, time.Time{}, time.Time{}, nil
	}
	if a, b := fmt.Sprintf("%+v", all), fmt.Sprintf("%+v", plain); a != b {
		t.Fatalf("selecting every record changed the result:\n  all: %s\n none: %s", a, b)
	}
}

// fuzzSeed cuts a chunk to the bytes its records use, and to 8 KiB at
// most: the fuzzer minimizes every input it finds interesting byte by
// byte, which takes minutes on a whole 64 KiB chunk. Decoders see the
// chunk end where the bytes end.
func fuzzSeed(c decode.Chunk) []byte {
	n := min(int(c.Header.FreeSpaceOffset), len(c.Data), 8<<10)
	return c.Data[:n]
}

// lostEvents lists the events of ref (as record id/event id) that have no
// counterpart in got.
func lostEvents(got, ref *decode.Result) []string {
	have := map[[2]uint64]int{}
	for _, p := range got.Events {
		have[[2]uint64{p.EventRecordID, uint64(p.EventID)}]++
	}
	var lost []string
	for _, p := range ref.Events {
		k := [2]uint64{p.EventRecordID, uint64(p.EventID)}
		if have[k] == 0 {
			lost = append(lost, fmt.Sprintf("record %d event %d", k[0], k[1]))
			continue
		}
		have[k]--
	}
	return lost
}
