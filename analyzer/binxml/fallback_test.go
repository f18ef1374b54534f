package binxml

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// sidBomb is a SID value whose declared size claims about 10,000 parts.
// The fast decoder only reads it when it renders it; Velocidex renders
// every SID by appending one "-%d" at a time to a string, so this one
// value would make it allocate about half a GiB (FuzzChunk found the
// construct: pipeline/testdata/fuzz/FuzzChunk/4c40db8e98e5fb37).
var sidBomb = value{typeSID, append([]byte{1, 1, 0, 0, 0, 0, 0, 5}, bytes.Repeat([]byte{0xff}, 40000)...)}

// TestFallbackBoundsAllocation: the fast decoder hands an intact chunk
// (both checksums match) with a construct it does not read to the
// Velocidex decoder. Checksums are no protection, anyone can recompute
// them: the fallback must go through the same guard as --parser
// velocidex, refuse the record the parser could not decode within
// velocidex.MaxChunkAlloc, say so with a located problem, and keep the
// records before it.
func TestFallbackBoundsAllocation(t *testing.T) {
	b := newChunkBuilder()
	b.record(func() {
		b.fragment()
		b.instance(func() { b.eventDef(security4688Names, security4688Types) }, security4688Values(1, "before"))
	})
	b.record(func() { // a construct the fast decoder leaves to the fallback
		b.fragment()
		b.instance(func() { b.fragment(); b.instance(func() { b.eventDef(nil, nil) }, nil); b.eof() }, nil)
	})
	b.record(func() {
		b.fragment()
		b.instance(func() { b.eventDef([]string{"TargetSid"}, []byte{typeSID}) },
			append(systemValues("Test-Provider", 1000, 0, when, 3, "Application", "WS01.corp.example"), sidBomb))
	})
	c := b.chunk("fallback.evtx")
	if damage := c.Header.Verify(c.Data); len(damage) > 0 {
		t.Fatalf("test chunk damaged: %v", damage)
	}

	var r decode.Result
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	New().Decode(&c, &r)
	runtime.ReadMemStats(&after)

	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > velocidex.MaxChunkAlloc {
		t.Errorf("decoding the chunk allocated %d MiB, bound %d MiB", alloc>>20, velocidex.MaxChunkAlloc>>20)
	} else {
		t.Logf("decoding the chunk allocated %d KiB", alloc>>10)
	}
	if r.Fallbacks != 1 {
		t.Fatalf("fallbacks %d, want 1 (problems %v)", r.Fallbacks, r.Problems)
	}
	if r.Records != 2 || len(r.Events) != 1 || r.Events[0].CommandLine != "before" {
		t.Errorf("records %d, events %+v; want the two records before the refused one", r.Records, r.Events)
	}
	third := c.Offset + int64(c.Records[2].Offset)
	if len(r.Problems) != 1 {
		t.Fatalf("problems %v, want one refusal", r.Problems)
	}
	p := r.Problems[0]
	if p.File != "fallback.evtx" || p.Chunk != 0 || p.Offset < third || p.Offset >= third+int64(c.Records[2].Size) ||
		!strings.Contains(p.Reason, "record 3 of 3 refused") || !strings.Contains(p.Reason, "allocation budget") {
		t.Errorf("problem %v: want the third record refused, located inside it", p)
	}
}
