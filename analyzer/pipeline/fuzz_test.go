package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// memSource is an in-memory walk.Source.
type memSource struct {
	*bytes.Reader
	name string
}

func (m memSource) Name() string { return m.name }
func (m memSource) Close() error { return nil }

// seedChunks returns the first chunks of the EVTX files the repository
// holds (samples/ and test data), as fuzz seeds.
func seedChunks() [][]byte {
	var paths []string
	for _, glob := range []string{"../../samples/*/*.evtx", "../binxml/testdata/*.evtx", "testdata/*.evtx"} {
		m, _ := filepath.Glob(glob)
		paths = append(paths, m...)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for i, off := 0, evtxfile.FileHeaderSize; i < 3 && off < len(data); i, off = i+1, off+evtxfile.ChunkSize {
			out = append(out, data[off:min(off+evtxfile.ChunkSize, len(data))])
		}
	}
	return out
}

// maxChunkAlloc bounds what reading one chunk may allocate, whatever it
// holds: the decoder's bound (velocidex.MaxChunkAlloc, which the fast
// decoder's limits keep it far below), plus carving and resynchronising,
// which run the fast decoder again.
const maxChunkAlloc = velocidex.MaxChunkAlloc + 4<<20

// FuzzChunk feeds arbitrary bytes as the first chunk of a file through
// the chunk reader, both decoders (every record selected), extraction and
// carving: nothing may
// panic in evtxhunt's own code, hang past the watchdog, allocate more than
// maxChunkAlloc, or produce an event not located in the chunk.
func FuzzChunk(f *testing.F) {
	for _, c := range seedChunks() {
		f.Add(c)
	}
	f.Add([]byte(evtxfile.ChunkSignature))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > evtxfile.ChunkSize {
			data = data[:evtxfile.ChunkSize]
		}
		file := make([]byte, evtxfile.FileHeaderSize, evtxfile.FileHeaderSize+len(data))
		src := memSource{bytes.NewReader(append(file, data...)), "fuzz.evtx"}
		for _, newDec := range []func() decode.Decoder{
			func() decode.Decoder { return binxml.New() },
			func() decode.Decoder { return velocidex.Decoder{} },
		} {
			// Storage to decode into, as a scan gives: the fast decoder
			// keeps values in Text blocks.
			w := newWorker(&Options{NewDecoder: newDec, Carve: true, ChunkTimeout: 10 * time.Second, Want: event.SelectAll()}, make(eventStorage, 1))
			var r decode.Result
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			readChunk(src, 0, w, &r)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxChunkAlloc {
				t.Fatalf("%s: one chunk allocated %d MiB", w.dec.Name(), alloc>>20)
			}
			for _, p := range r.Problems {
				if strings.Contains(p.Reason, "did not finish") || strings.Contains(p.Reason, "fast decoder failed") {
					t.Fatalf("%s", p)
				}
				if p.File != "fuzz.evtx" || p.Chunk != 0 {
					t.Fatalf("problem not located in the chunk: %+v", p)
				}
			}
			for _, e := range append(r.Events, recoveredEvents(w)...) {
				if e.SourceFile != "fuzz.evtx" || e.ChunkIndex != 0 {
					t.Fatalf("event not located in the chunk: %+v", e)
				}
			}
			for _, e := range append(r.Selected, recoveredGeneral(w)...) {
				if e.SourceFile != "fuzz.evtx" || e.ChunkIndex != 0 || e.IsProcessCreation() {
					t.Fatalf("general event not located in the chunk, or a process creation: %+v", e)
				}
			}
		}
	})
}

func recoveredGeneral(w *worker) []event.Event {
	var out []event.Event
	for _, r := range w.cv.found {
		if r.Record != nil {
			out = append(out, *r.Record)
		}
	}
	return out
}

func recoveredEvents(w *worker) []event.Process {
	var out []event.Process
	for _, r := range w.cv.found {
		if r.Event != nil {
			out = append(out, *r.Event)
		}
	}
	return out
}
