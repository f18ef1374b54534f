package velocidex_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// regressionDir holds the inputs with which FuzzChunk (package pipeline)
// made the Velocidex decoder allocate past its bound.
const regressionDir = "../pipeline/testdata/fuzz/FuzzChunk"

// fuzzInput reads one input of a Go fuzz corpus file holding a []byte.
func fuzzInput(tb testing.TB, path string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	header, value, _ := strings.Cut(string(raw), "\n")
	value = strings.TrimSpace(value)
	quoted, ok := strings.CutPrefix(value, "[]byte(")
	if header != "go test fuzz v1" || !ok || !strings.HasSuffix(quoted, ")") {
		tb.Fatalf("%s: not a fuzz corpus file of one []byte", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// fuzzChunk makes a chunk of data as the pipeline reads one: cut to the
// chunk size, zero past the end, with the record chain evtxfile finds.
func fuzzChunk(data []byte) (*decode.Chunk, bool) {
	c := make([]byte, evtxfile.ChunkSize)
	n := copy(c, data)
	h, err := evtxfile.ParseChunkHeader(c)
	if err != nil {
		return nil, false
	}
	recs, _ := evtxfile.Records(c[:n], &h)
	return &decode.Chunk{File: "fuzz.evtx", Data: c, Header: h, Records: recs}, true
}

// checkBounded decodes c and checks what decoding allocated against
// Guard's estimate of the records it accepted, and that a refusal is a
// problem located in the chunk.
func checkBounded(t *testing.T, c *decode.Chunk) (alloc int64) {
	t.Helper()
	safe, refusal := velocidex.Guard(c.Data, c.Records)
	estimate := velocidex.Estimate(c.Data, c.Records)
	alloc, r := decodeAlloc(c)
	if alloc > estimate+estimateSlack {
		t.Fatalf("decoding allocated %d KiB, %d KiB estimated for %d of %d records", alloc>>10, estimate>>10, safe, len(c.Records))
	}
	if refusal == nil {
		return alloc
	}
	if refusal.Offset < 0 || refusal.Offset >= len(c.Data) {
		t.Fatalf("refusal outside the chunk: %v", refusal)
	}
	for _, p := range r.Problems {
		if p.File == c.File && p.Chunk == c.Index && strings.Contains(p.Reason, refusal.Reason) {
			return alloc
		}
	}
	t.Fatalf("refusal %v not reported: %v", refusal, r.Problems)
	return alloc
}

// TestGuardRegressionInputs: the chunks with which FuzzChunk made the
// Velocidex decoder allocate hundreds of MiB (a SID whose declared size
// claims 10,000 parts: the parser renders it by string concatenation,
// 448 MiB) are refused, and decoding them stays within MaxChunkAlloc.
func TestGuardRegressionInputs(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(regressionDir, "*"))
	if len(paths) == 0 {
		t.Fatalf("no regression inputs in %s", regressionDir)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c, ok := fuzzChunk(fuzzInput(t, path))
			if !ok {
				t.Skip("no chunk header: the decoder is never called")
			}
			alloc := checkBounded(t, c)
			if alloc > velocidex.MaxChunkAlloc {
				t.Errorf("decoding allocated %d MiB, bound %d MiB", alloc>>20, velocidex.MaxChunkAlloc>>20)
			}
			t.Logf("decoding allocated %d KiB", alloc>>10)
		})
	}
}

// FuzzGuard feeds arbitrary bytes as a chunk to the Velocidex decoder:
// whatever they hold, decoding allocates no more than Guard estimated
// for the records it accepted (so never more than MaxChunkAlloc), and a
// refusal is reported in the chunk. Seeds: the first chunks of the
// samples, the hostile chunks of TestGuardBoundsAllocation at the scale
// Guard accepts, and the regression inputs.
//
//	go test -run '^$' -fuzz '^FuzzGuard$' -fuzzminimizetime 1x ./analyzer/velocidex
func FuzzGuard(f *testing.F) {
	samples, _ := filepath.Glob("../../samples/*/*.evtx")
	for _, p := range samples {
		if data, err := os.ReadFile(p); err == nil && len(data) > evtxfile.FileHeaderSize {
			f.Add(data[evtxfile.FileHeaderSize:min(len(data), evtxfile.FileHeaderSize+evtxfile.ChunkSize)])
		}
	}
	for _, tc := range hostileCases {
		c, _ := hostileChunk(f, tc.records(tc.small)...)
		f.Add(c.Data[:c.Header.FreeSpaceOffset])
	}
	regressions, _ := filepath.Glob(filepath.Join(regressionDir, "*"))
	for _, p := range regressions {
		f.Add(fuzzInput(f, p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, ok := fuzzChunk(data); ok {
			checkBounded(t, c)
		}
	})
}
