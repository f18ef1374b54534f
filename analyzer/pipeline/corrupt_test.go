package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/corrupt"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// The corruption suite damages EVTX files in every way package corrupt
// knows and reads each damaged copy: nothing may panic or hang, each run
// ends within a bounded time, every problem is located in the file, and
// every chunk the damage did not touch reads exactly as in the intact
// file (the same record count and the same events, field by field).
//
// By default it takes a sample of the corpus (fewer with -short) and the
// repository's samples/; EVTXHUNT_CORRUPT=long takes every corpus file
// and many more truncation offsets and flip seeds.

// chunkResult is what one chunk slot yielded.
type chunkResult struct {
	records int
	events  []string // JSON of each event
}

type memSource struct {
	*bytes.Reader
	name string
}

func (m memSource) Name() string { return m.name }
func (m memSource) Close() error { return nil }

// readBytes runs the pipeline over data as one file and returns what each
// chunk slot yielded and the problems.
func readBytes(t *testing.T, name string, data []byte, newDec func() decode.Decoder, carve bool) (map[int]chunkResult, []decode.Problem, time.Duration) {
	t.Helper()
	in := walk.Input{Name: name, Size: int64(len(data)), Open: func() (walk.Source, error) {
		return memSource{bytes.NewReader(data), name}, nil
	}}
	got := map[int]chunkResult{}
	start := time.Now()
	sum, err := pipeline.Run(context.Background(), []walk.Input{in}, pipeline.Options{
		Workers: 2, NewDecoder: newDec, Carve: carve,
		OnChunk: func(_ *pipeline.FileStats, chunk int, r *decode.Result) {
			if len(r.Events) > 0 && r.Events[0].Recovered {
				return // recovered records are checked elsewhere
			}
			cr := chunkResult{records: r.Records}
			for i := range r.Events {
				cr.events = append(cr.events, string(r.Events[i].AppendJSON(nil)))
			}
			got[chunk] = cr
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, sum.Problems, time.Since(start)
}

// mutations lists the damaged copies of data the suite reads.
func mutations(data []byte, long bool) []corrupt.Mutation {
	slots := corrupt.Slots(len(data))
	offs := []int{0, 1, 8, 127, 128, 4095, 4096, 4096 + 511, 4096 + 512, 4096 + 2000, len(data) - 1}
	for s := 1; s < slots && s <= 3; s++ {
		b := evtxfile.FileHeaderSize + s*evtxfile.ChunkSize
		offs = append(offs, b-1, b, b+1)
	}
	seeds := 3
	if long {
		for i := range 64 {
			offs = append(offs, evtxfile.FileHeaderSize+i*len(data)/64+i%7)
		}
		seeds = 12
	}
	var ms []corrupt.Mutation
	for _, off := range offs {
		if off >= 0 && off < len(data) {
			ms = append(ms, corrupt.Truncate(data, off))
		}
	}
	for seed := range int64(seeds) {
		for _, n := range []int{1, 16, 256} {
			ms = append(ms, corrupt.Flip(data, n, seed))
		}
	}
	ms = append(ms, corrupt.DamageHeader(data, 1), corrupt.ZeroChunk(data, 0), corrupt.GarbageChunk(data, slots/2, 5))
	if full := (len(data) - evtxfile.FileHeaderSize) / evtxfile.ChunkSize; full >= 2 {
		ms = append(ms, corrupt.SwapChunks(data, 0, full-1), corrupt.ZeroChunk(data, full-1))
	}
	return ms
}

// corpusSample picks the corpus files the suite damages.
func corpusSample(t *testing.T, long bool) []string {
	dir := testshared.Dir(t, "corpus", "evtx")
	var corpus []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			corpus = append(corpus, p)
		}
		return nil
	})
	sort.Strings(corpus)
	step := 30
	switch {
	case long:
		step = 1
	case testing.Short():
		step = 90
	}
	var files []string
	for i := 0; i < len(corpus); i += step {
		files = append(files, corpus[i])
	}
	return files
}

func TestCorruptionSuite(t *testing.T) {
	long := os.Getenv("EVTXHUNT_CORRUPT") == "long"
	t.Run("samples", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*", "*.evtx"))
		if len(files) == 0 {
			t.Skip("samples/ holds no EVTX file yet")
		}
		if !long { // large files: two of them, the fast decoder only
			files = files[:min(2, len(files))]
		}
		damageFiles(t, files, long, !long)
	})
	t.Run("corpus", func(t *testing.T) {
		damageFiles(t, corpusSample(t, long), long, testing.Short())
	})
}

// damageFiles reads every mutation of every file with each decoder (the
// fast one only, with fastOnly).
func damageFiles(t *testing.T, files []string, long, fastOnly bool) {
	decoders := map[string]func() decode.Decoder{
		"fast":      func() decode.Decoder { return binxml.New() },
		"velocidex": func() decode.Decoder { return velocidex.Decoder{} },
	}
	if fastOnly {
		delete(decoders, "velocidex")
	}
	const bound = 30 * time.Second // per damaged file, under -race on a busy machine
	runs := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		for decName, newDec := range decoders {
			intact, _, _ := readBytes(t, name, data, newDec, false)
			for _, m := range mutations(data, long) {
				runs++
				got, problems, elapsed := readBytes(t, name, m.Data, newDec, false)
				what := fmt.Sprintf("%s, %s, %s", name, decName, m.Name)
				if elapsed > bound {
					t.Errorf("%s: took %v", what, elapsed)
				}
				checkProblems(t, what, name, problems, corrupt.Slots(len(m.Data)))
				for s, want := range intact {
					from, moved := m.Moved[s]
					if m.Touched[s] || s >= corrupt.Slots(len(m.Data)) {
						continue
					}
					if moved {
						want = intact[from]
					}
					if g := got[s]; g.records != want.records || strings.Join(g.events, "\n") != strings.Join(want.events, "\n") {
						t.Errorf("%s: untouched chunk %d yields %d records and %d events, the intact file %d and %d",
							what, s, g.records, len(g.events), want.records, len(want.events))
					}
				}
			}
		}
		// Carving damaged files must stay as safe and bounded.
		for _, m := range mutations(data, false)[:8] {
			runs++
			_, problems, elapsed := readBytes(t, name, m.Data, decoders["fast"], true)
			if elapsed > bound {
				t.Errorf("%s, carving, %s: took %v", name, m.Name, elapsed)
			}
			checkProblems(t, name+", carving, "+m.Name, name, problems, corrupt.Slots(len(m.Data)))
		}
	}
	t.Logf("%d files, %d damaged copies read", len(files), runs)
}

// checkProblems requires every problem to be located in the file and no
// decoder to have panicked.
func checkProblems(t *testing.T, what, name string, problems []decode.Problem, slots int) {
	t.Helper()
	for _, p := range problems {
		if p.File != name || p.Chunk >= slots || p.Chunk < -1 {
			t.Errorf("%s: problem not located in the file: %+v", what, p)
		}
		if strings.Contains(p.Reason, "decoder failed") || strings.Contains(p.Reason, "panic") {
			t.Errorf("%s: %s", what, p)
		}
	}
}
