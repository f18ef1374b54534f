package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/corrupt"
)

var errBadSector = errors.New("input/output error")

// badSource is an in-memory file whose bytes [bad, bad+n) cannot be read:
// a read that reaches them stops there, with errBadSector. It counts the
// reads.
type badSource struct {
	data   []byte
	name   string
	bad, n int64
	reads  *atomic.Int32
}

func (s badSource) Name() string { return s.name }
func (s badSource) Close() error { return nil }
func (s badSource) Size() int64  { return int64(len(s.data)) }

func (s badSource) ReadAt(p []byte, off int64) (int, error) {
	s.reads.Add(1)
	end := off + int64(len(p))
	if s.n > 0 && off < s.bad+s.n && end > s.bad {
		if off >= s.bad {
			return 0, errBadSector
		}
		return copy(p, s.data[off:s.bad]), errBadSector
	}
	return bytes.NewReader(s.data).ReadAt(p, off)
}

// perChunk is what one chunk yielded, for comparing runs.
type perChunk struct {
	records int
	events  string
}

// readSource runs the pipeline over one source and returns what each
// chunk yielded, the problems and the number of reads.
func readSource(t *testing.T, src badSource, workers int) (map[int]perChunk, []decode.Problem, int) {
	t.Helper()
	src.reads = new(atomic.Int32)
	in := walk.Input{Name: src.name, Size: src.Size(), Open: func() (walk.Source, error) { return src, nil }}
	got := map[int]perChunk{}
	sum, err := Run(context.Background(), []walk.Input{in}, Options{
		Workers:    workers,
		NewDecoder: func() decode.Decoder { return binxml.New() },
		OnChunk: func(_ *FileStats, chunk int, r *decode.Result) {
			got[chunk] = perChunk{r.Records, fmt.Sprint(r.Events)}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, sum.Problems, int(src.reads.Load())
}

// chunkAlone is what chunk i of src yields read on its own, by a worker
// that read nothing before.
func chunkAlone(src badSource, i int) perChunk {
	w := newWorker(&Options{NewDecoder: func() decode.Decoder { return binxml.New() }}, nil)
	var r decode.Result
	readChunk(src, i, w, &r)
	return perChunk{r.Records, fmt.Sprint(r.Events)}
}

// spanSample is the shipped sample with the most chunks.
func spanSample(t *testing.T) []byte {
	t.Helper()
	sampleFiles(t) // skips when there are none
	best, err := os.ReadFile(largestSample())
	if err != nil {
		t.Fatal(err)
	}
	if slots := corrupt.Slots(len(best)); slots < 3*spanChunks {
		t.Skipf("the largest sample has %d chunks; the test needs %d", slots, 3*spanChunks)
	}
	return best
}

// TestSpanReads: a worker reads each span of chunks with one call (the
// file header takes one more), and every chunk yields what it yields read
// on its own.
func TestSpanReads(t *testing.T) {
	data := spanSample(t)
	slots := corrupt.Slots(len(data))
	alone := map[int]perChunk{}
	src := badSource{data: data, name: "f.evtx", reads: new(atomic.Int32)}
	for i := range slots {
		alone[i] = chunkAlone(src, i)
	}
	for _, workers := range []int{1, 2, 3} {
		got, problems, reads := readSource(t, src, workers)
		if len(problems) != 0 {
			t.Errorf("%d workers: problems %v", workers, problems)
		}
		if want := 1 + (slots+spanChunks-1)/spanChunks; reads != want {
			t.Errorf("%d workers: %d reads of a file of %d chunks, want %d", workers, reads, slots, want)
		}
		if !reflect.DeepEqual(got, alone) {
			t.Errorf("%d workers: chunks read in spans differ from chunks read alone", workers)
		}
	}
}

// TestSpanReadFailure: a read that fails partway through a span costs
// only the chunk it could not read, reported with the read's error; the
// chunks before it in the span come from the read, those after it are
// read again on their own.
func TestSpanReadFailure(t *testing.T) {
	data := spanSample(t)
	src := badSource{data: data, name: "f.evtx"}
	intact, _, _ := readSource(t, src, 1)
	for _, tc := range []struct {
		name string
		bad  int   // chunk holding the bad bytes
		at   int64 // where in it they start
	}{
		{"first of a span", spanChunks, 0},
		{"inside a span", spanChunks + 1, 0},
		{"inside a chunk", spanChunks + 2, 4096},
		{"last of a span", 2*spanChunks - 1, 0},
	} {
		off := int64(evtxfile.FileHeaderSize) + int64(tc.bad)*evtxfile.ChunkSize
		src.bad, src.n = off+tc.at, 512
		for _, workers := range []int{1, 2} {
			what := fmt.Sprintf("%s, %d workers", tc.name, workers)
			got, problems, _ := readSource(t, src, workers)
			if len(problems) == 0 || problems[0].Chunk != tc.bad || problems[0].File != "f.evtx" {
				t.Fatalf("%s: problems %v, want the first located in chunk %d", what, problems, tc.bad)
			}
			if tc.at == 0 && !strings.Contains(problems[0].Reason, "cannot read chunk: "+errBadSector.Error()) {
				t.Errorf("%s: problem %q does not give the read's error", what, problems[0].Reason)
			}
			for _, p := range problems {
				if p.Chunk != tc.bad {
					t.Errorf("%s: problem outside the bad chunk: %+v", what, p)
				}
			}
			for chunk, want := range intact {
				if chunk != tc.bad && got[chunk] != want {
					t.Errorf("%s: chunk %d yields %d records, read intact %d", what, chunk, got[chunk].records, want.records)
				}
			}
		}
	}
}

// TestReadFailureInEmptyChunk: a read that fails partway through a chunk
// whose bytes so far are zero (an empty slot, it seems) is still a
// problem: the rest of the chunk may have held anything.
func TestReadFailureInEmptyChunk(t *testing.T) {
	data := bytes.Clone(spanSample(t))
	lo := evtxfile.FileHeaderSize + (spanChunks+1)*evtxfile.ChunkSize
	clear(data[lo : lo+evtxfile.ChunkSize])
	src := badSource{data: data, name: "f.evtx", bad: int64(lo + 4096), n: 16}
	for _, workers := range []int{1, 2} {
		_, problems, _ := readSource(t, src, workers)
		if len(problems) != 1 || problems[0].Chunk != spanChunks+1 || problems[0].Offset != int64(lo+4096) ||
			!strings.Contains(problems[0].Reason, "read failed after 4096 bytes of the chunk: "+errBadSector.Error()) {
			t.Errorf("%d workers: problems %+v, want the failed read at 0x%x", workers, problems, lo+4096)
		}
	}
}

// FuzzSpans reads arbitrary files of up to six chunk slots, whose bytes
// [bad, bad+n) cannot be read, with two workers: nothing panics, every
// problem is located in the file, a chunk the bad bytes touch gets a
// problem of its own, and every other chunk yields what it yields read
// alone from the intact file.
func FuzzSpans(f *testing.F) {
	for _, c := range seedChunks()[:min(3, len(seedChunks()))] {
		f.Add(append(make([]byte, evtxfile.FileHeaderSize), c...), uint32(0), uint16(0))
	}
	if data, err := os.ReadFile(largestSample()); err == nil {
		data = data[:min(len(data), evtxfile.FileHeaderSize+5*evtxfile.ChunkSize)]
		f.Add(data, uint32(evtxfile.FileHeaderSize+evtxfile.ChunkSize+100), uint16(512))
		f.Add(data, uint32(evtxfile.FileHeaderSize+2*evtxfile.ChunkSize), uint16(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, bad uint32, n uint16) {
		data = data[:min(len(data), evtxfile.FileHeaderSize+6*evtxfile.ChunkSize)]
		src := badSource{data: data, name: "fuzz.evtx", bad: int64(bad), n: int64(n)}
		got, problems, _ := readSource(t, src, 2)
		slots := corrupt.Slots(len(data))
		located := map[int]bool{}
		for _, p := range problems {
			if p.File != "fuzz.evtx" || p.Chunk < -1 || p.Chunk >= slots {
				t.Fatalf("problem not located in the file: %+v", p)
			}
			located[p.Chunk] = true
		}
		intact := badSource{data: data, name: "fuzz.evtx", reads: new(atomic.Int32)}
		for i := range slots {
			lo := int64(evtxfile.FileHeaderSize) + int64(i)*evtxfile.ChunkSize
			hi := min(lo+evtxfile.ChunkSize, int64(len(data)))
			if n > 0 && int64(bad) < hi && int64(bad)+int64(n) > lo {
				if !located[i] {
					t.Fatalf("chunk %d could not be read whole, and no problem says so", i)
				}
				continue
			}
			if want := chunkAlone(intact, i); got[i] != want {
				t.Fatalf("chunk %d yields %d records, read alone %d", i, got[i].records, want.records)
			}
		}
	})
}

// largestSample is the path of the shipped sample with the most bytes, or
// "" when there is none.
func largestSample() string {
	files, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*", "*.evtx"))
	best, size := "", int64(0)
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Size() > size {
			best, size = f, st.Size()
		}
	}
	return best
}
