package velocidex_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

var le = binary.LittleEndian

// Builders of hostile chunks, following the binary XML layout of libyal's
// EVTX format description.

// nameAt writes an element name structure (next offset, hash, count,
// UTF-16 text, NUL) at chunk offset at and returns its size.
func nameAt(c []byte, at int, name string) int {
	b := le.AppendUint32(nil, 0)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint16(b, uint16(len(name)))
	for _, r := range name {
		b = le.AppendUint16(b, uint16(r))
	}
	b = append(b, 0, 0)
	copy(c[at:], b)
	return len(b)
}

// inlineInstance is a template instance that defines template id inline
// with body, followed by count and the given descriptors and values.
func inlineInstance(at int, id uint32, body []byte, count uint32, rest []byte) []byte {
	b := []byte{0x0c, 0x01}
	b = le.AppendUint32(b, id)
	b = le.AppendUint32(b, uint32(at+len(b)+4)) // the definition follows
	b = le.AppendUint32(b, 0)                   // next definition
	b = le.AppendUint32(b, id)                  // GUID
	b = append(b, make([]byte, 12)...)
	b = le.AppendUint32(b, uint32(len(body)))
	b = append(b, body...)
	b = le.AppendUint32(b, count)
	return append(b, rest...)
}

// knownInstance refers to template id defined earlier.
func knownInstance(id uint32, count uint32, rest []byte) []byte {
	b := []byte{0x0c, 0x01}
	b = le.AppendUint32(b, id)
	b = le.AppendUint32(b, 0x200)
	b = le.AppendUint32(b, count)
	return append(b, rest...)
}

// hostileChunk lays records with the given binary XML out from offset
// 512 and returns the chunk and its validated chain.
func hostileChunk(t testing.TB, xmls ...func(at int) []byte) (*decode.Chunk, []byte) {
	t.Helper()
	c := make([]byte, evtxfile.ChunkSize)
	copy(c, evtxfile.ChunkSignature)
	at := evtxfile.ChunkHeaderSize
	for _, x := range xmls {
		xml := append([]byte{0x0f, 0x01, 0x01, 0x00}, x(at+24+4)...)
		size := 24 + len(xml) + 4
		if at+size > len(c) {
			break
		}
		rec := append([]byte(evtxfile.RecordSignature), le.AppendUint32(nil, uint32(size))...)
		rec = le.AppendUint64(rec, 1)
		rec = le.AppendUint64(rec, 133540000000000000)
		rec = append(rec, xml...)
		rec = le.AppendUint32(rec, uint32(size))
		copy(c[at:], rec)
		at += size
	}
	le.PutUint32(c[48:], uint32(at)) // free space offset
	h, err := evtxfile.ParseChunkHeader(c)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := evtxfile.Records(c, &h)
	if err != nil {
		t.Fatal(err)
	}
	return &decode.Chunk{File: "hostile.evtx", Data: c, Header: h, Records: recs}, c
}

func repeat(n int, f func(at int) []byte) []func(at int) []byte {
	out := make([]func(at int) []byte, n)
	for i := range out {
		out[i] = f
	}
	return out
}

func TestGuardRefusesHostileChunks(t *testing.T) {
	emptyBody := []byte{0x0f, 0x01, 0x01, 0x00, 0x00}
	nestBomb := func(at int) []byte {
		v := knownInstance(1, 0, nil)
		for range 100 {
			desc := le.AppendUint16(nil, uint16(len(v)))
			v = knownInstance(1, 1, append(append(desc, 0x21, 0x00), v...))
		}
		desc := le.AppendUint16(nil, uint16(len(v)))
		return inlineInstance(at, 1, emptyBody, 1, append(append(desc, 0x21, 0x00), v...))
	}
	// A template of 3000 sibling elements of one name, instantiated by
	// hundreds of tiny records: the parser would build an array of 3000
	// dictionaries for each.
	var wide []byte
	wide = append(wide, 0x0f, 0x01, 0x01, 0x00)
	for range 3000 {
		wide = append(wide, 0x01, 0, 0, 0, 0, 0, 0)
		wide = le.AppendUint32(wide, 0x180) // a name stored in the header area
		wide = append(wide, 0x03)
	}
	wide = append(wide, 0x00)
	expandBomb := append([]func(int) []byte{func(at int) []byte { return inlineInstance(at, 7, wide, 0, nil) }},
		repeat(500, func(int) []byte { return knownInstance(7, 0, nil) })...)

	tests := []struct {
		name   string
		xmls   []func(at int) []byte
		reason string
	}{
		{"argument count of 2^32-1", []func(int) []byte{func(at int) []byte { return inlineInstance(at, 1, emptyBody, 0xffffffff, nil) }}, "arguments"},
		{"binary XML nested 100 deep", []func(int) []byte{nestBomb}, "nested"},
		{"expansion bomb", expandBomb, "allocation budget"},
		{"strings longer than the chunk, 5000 times", []func(int) []byte{func(int) []byte {
			return []byte(strings.Repeat("\x05\x01\xff\xff", 5000))
		}}, "allocation budget"},
		// Harmless: the parser reads zeros past the end, once.
		{"name outside the chunk", []func(int) []byte{func(at int) []byte {
			return append([]byte{0x01, 0, 0, 0, 0, 0, 0}, le.AppendUint32(nil, 0xfffff0)...)
		}}, ""},
		{"string longer than the chunk", []func(int) []byte{func(int) []byte { return []byte{0x05, 0x01, 0xff, 0xff} }}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, data := hostileChunk(t, tt.xmls...)
			nameAt(data, 0x180, "Data")
			safe, refusal := velocidex.Guard(c.Data, c.Records)
			switch {
			case tt.reason == "" && refusal != nil:
				t.Fatalf("Guard refused a harmless record: %v", refusal)
			case tt.reason != "" && (refusal == nil || !strings.Contains(refusal.Reason, tt.reason)):
				t.Fatalf("Guard accepted %d of %d records, refusal %v; want a refusal about %q", safe, len(c.Records), refusal, tt.reason)
			}
			// Decoding the chunk stays cheap and reports the refusal.
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			var r decode.Result
			velocidex.Decoder{}.Decode(c, &r)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > velocidex.MaxChunkAlloc {
				t.Errorf("decoding allocated %d MiB", alloc>>20)
			}
			if elapsed > 10*time.Second {
				t.Errorf("decoding took %v", elapsed)
			}
			if tt.reason != "" && (len(r.Problems) == 0 || !strings.Contains(r.Problems[0].Reason, "refused")) {
				t.Errorf("no refusal problem reported: %v", r.Problems)
			}
		})
	}
}

// TestGuardAcceptsCorpus: every record of every corpus chunk is handed to
// the parser, and decoding the chunk allocates no more than Guard
// estimated: the budgets leave a wide margin over real chunks.
func TestGuardAcceptsCorpus(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	chunks := 0
	var maxEstimate, maxAlloc int64
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for off := evtxfile.FileHeaderSize; off < len(data); off += evtxfile.ChunkSize {
			c := make([]byte, evtxfile.ChunkSize)
			copy(c, data[off:])
			h, err := evtxfile.ParseChunkHeader(c)
			if err != nil {
				continue
			}
			recs, _ := evtxfile.Records(c, &h)
			chunks++
			if safe, refusal := velocidex.Guard(c, recs); refusal != nil {
				t.Errorf("%s: chunk at 0x%x: %d of %d records safe: %v", path, off, safe, len(recs), refusal)
				continue
			}
			estimate := velocidex.Estimate(c, recs)
			alloc, _ := decodeAlloc(&decode.Chunk{File: path, Data: c, Header: h, Records: recs})
			if alloc > estimate+estimateSlack {
				t.Errorf("%s: chunk at 0x%x: decoding allocated %d KiB, estimated %d KiB", path, off, alloc>>10, estimate>>10)
			}
			maxEstimate, maxAlloc = max(maxEstimate, estimate), max(maxAlloc, alloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if chunks < 400 {
		t.Errorf("checked only %d chunks", chunks)
	}
	t.Logf("%d chunks; largest estimate %d KiB, largest allocation %d KiB, bound %d KiB",
		chunks, maxEstimate>>10, maxAlloc>>10, velocidex.MaxChunkAlloc>>10)
}

// BenchmarkGuard measures the pre-check the decoder runs on every chunk,
// to compare with BenchmarkDecodeChunk.
func BenchmarkGuard(b *testing.B) {
	chunks := corpusChunks(b)
	b.SetBytes(evtxfile.ChunkSize)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := &chunks[i%len(chunks)]
		velocidex.Guard(c.Data, c.Records)
	}
}
