package carve_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// slackChunk is a chunk whose slack holds n small records, each defining
// its template inline, and a reference to the first one's template.
func slackChunk(n int) []byte {
	var recs [][]byte
	at := uint32(1024)
	for i := range n {
		r := record(uint64(100+i), goodTime, instance(at+24, uint32(0x100+i), 0, true, []value{{0x01, []byte("x\x00y\x00")}}))
		recs = append(recs, r)
		at += uint32(len(r))
	}
	c, _ := chunkWith(1024, recs...)
	return c
}

// FuzzCarveChunk: whatever a chunk slot holds, carving it with every
// record selected neither panics nor returns a record outside the slot,
// one that does not check, or one with an unflagged event or two events.
func FuzzCarveChunk(f *testing.F) {
	f.Add(slackChunk(3)[:2048])
	f.Add(append(make([]byte, 600), record(1, goodTime, instance(624, 0x42, 0, true, nil))...))
	for _, path := range sampleChunks(f) {
		f.Add(path)
	}
	cv := carve.New()
	f.Fuzz(func(t *testing.T, data []byte) {
		c := make([]byte, evtxfile.ChunkSize)
		copy(c, data)
		for _, r := range cv.Chunk(&decode.Chunk{File: "fuzz", Data: c, Want: event.SelectAll()}, 0, nil) {
			if r.Offset < 0 || r.Offset+evtxfile.RecordHeaderSize > evtxfile.ChunkSize {
				t.Fatalf("recovered record at 0x%x outside the slot", r.Offset)
			}
			if r.Event != nil && !r.Event.Recovered || r.Record != nil && (!r.Record.Recovered || r.Event != nil) {
				t.Fatalf("recovered event not flagged, or a process event and a general one")
			}
		}
	})
}

// sampleChunks returns the first chunk of each EVTX file in the
// repository's samples/ folder, as fuzz seeds.
func sampleChunks(tb testing.TB) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*", "*.evtx"))
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil || len(data) < evtxfile.FileHeaderSize+evtxfile.ChunkHeaderSize {
			continue
		}
		end := min(len(data), evtxfile.FileHeaderSize+evtxfile.ChunkSize)
		out = append(out, data[evtxfile.FileHeaderSize:end])
	}
	return out
}

func BenchmarkCarveSlack(b *testing.B) {
	c := slackChunk(400)
	cv := carve.New()
	ch := &decode.Chunk{File: "bench", Data: c}
	b.ReportAllocs()
	b.SetBytes(evtxfile.ChunkSize)
	var n int
	for b.Loop() {
		n = len(cv.Chunk(ch, evtxfile.ChunkHeaderSize, nil))
	}
	_ = n
}

func BenchmarkScanEmptySlack(b *testing.B) {
	c := make([]byte, evtxfile.ChunkSize)
	b.ReportAllocs()
	b.SetBytes(evtxfile.ChunkSize)
	for b.Loop() {
		carve.Scan(c, evtxfile.ChunkHeaderSize, len(c))
	}
}
