package binxml

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// benchChunks decodes chunks repeatedly with dec and reports MB/s over
// the chunks' bytes, allocations per chunk (allocs/op) and per record,
// and the time per record.
func benchChunks(b *testing.B, dec decode.Decoder, chunks []decode.Chunk) {
	benchChunksText(b, dec, chunks, false)
}

// benchChunksText is benchChunks; with reuseText each chunk is decoded
// into the same Text block, as a scan's pipeline hands blocks back.
func benchChunksText(b *testing.B, dec decode.Decoder, chunks []decode.Chunk, reuseText bool) {
	if len(chunks) == 0 {
		b.Skip("no chunks of this kind")
	}
	var size int64
	records := 0
	for _, c := range chunks {
		size += int64(len(c.Data))
		records += len(c.Records)
	}
	var r decode.Result
	for i := range chunks { // warm the decoder's caches, as a long run does
		dec.Decode(&chunks[i], &r)
		r.Reset()
	}
	b.SetBytes(size / int64(len(chunks)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	n := 0
	text := make([]byte, 0, decode.MaxReusedText)
	for b.Loop() {
		c := &chunks[n%len(chunks)]
		n++
		r.Reset()
		if reuseText {
			r.Text = text[:0]
		}
		dec.Decode(c, &r)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	perChunk := float64(records) / float64(len(chunks))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/perChunk, "ns/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n)/perChunk, "allocs/record")
}

// selectAll returns copies of chunks that select every record.
func selectAll(chunks []decode.Chunk) []decode.Chunk {
	out := slices.Clone(chunks)
	for i := range out {
		out[i].Want = event.SelectAll()
	}
	return out
}

// syntheticChunks returns the chunks of testdata/synthetic.evtx: index 0
// mixes process creations with other constructs, index 1 has none.
func syntheticChunks(b *testing.B) []decode.Chunk {
	data, err := os.ReadFile(syntheticPath)
	if err != nil {
		b.Fatal(err)
	}
	return splitChunks(data, "synthetic.evtx")
}

// corpusSplit returns the corpus chunks without any process creation
// (the skip path only) and those with some.
func corpusSplit(b *testing.B) (skip, full []decode.Chunk) {
	dir := corpusDir(b)
	d := &Decoder{}
	for _, rel := range evtxFiles(b, dir) {
		for _, c := range fileChunks(b, filepath.Join(dir, rel), rel) {
			var r decode.Result
			d.Decode(&c, &r)
			if len(r.Events) == 0 {
				skip = append(skip, c)
			} else {
				full = append(full, c)
			}
		}
	}
	return skip, full
}

// sampleSplit returns the chunks of samples/ without and with process
// creations.
func sampleSplit(b *testing.B) (skip, full []decode.Chunk) {
	d := &Decoder{}
	for _, c := range sampleChunks(b, 1<<20) {
		var r decode.Result
		d.Decode(&c, &r)
		if len(r.Events) == 0 {
			skip = append(skip, c)
		} else {
			full = append(full, c)
		}
	}
	return skip, full
}

// BenchmarkSkip measures the hot path: chunks holding no process creation.
// allocs/op is per chunk, so 0 means no allocation for any skipped record.
func BenchmarkSkip(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) { benchChunks(b, New(), syntheticChunks(b)[1:]) })
	b.Run("samples", func(b *testing.B) {
		skip, _ := sampleSplit(b)
		benchChunks(b, New(), skip)
	})
	b.Run("corpus", func(b *testing.B) {
		skip, _ := corpusSplit(b)
		benchChunks(b, New(), skip)
	})
}

// BenchmarkDecode measures whole chunks with process creations, which are
// walked and built into events.
func BenchmarkDecode(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) { benchChunks(b, New(), syntheticChunks(b)[:1]) })
	b.Run("samples", func(b *testing.B) {
		_, full := sampleSplit(b)
		benchChunks(b, New(), full)
	})
	b.Run("corpus", func(b *testing.B) {
		_, full := corpusSplit(b)
		benchChunks(b, New(), full)
	})
	// The values kept in a reused Text block: no allocation per event.
	b.Run("corpus-text", func(b *testing.B) {
		_, full := corpusSplit(b)
		benchChunksText(b, New(), full, true)
	})
}

// BenchmarkSelectAll measures chunks with every record selected, so
// every record is decoded in full into a general event (process creations
// into Process events): allocs/record stays near one, the rendered values
// of each event.
func BenchmarkSelectAll(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) { benchChunks(b, New(), selectAll(syntheticChunks(b))) })
	b.Run("samples", func(b *testing.B) { benchChunks(b, New(), selectAll(sampleChunks(b, 1<<20))) })
	b.Run("corpus", func(b *testing.B) {
		skip, full := corpusSplit(b)
		benchChunks(b, New(), selectAll(append(skip, full...)))
	})
	b.Run("corpus-general", func(b *testing.B) { // chunks without process creations
		skip, _ := corpusSplit(b)
		benchChunks(b, New(), selectAll(skip))
	})
}

// BenchmarkVelocidex measures the reference decoder on the same chunks.
func BenchmarkVelocidex(b *testing.B) {
	b.Run("skip-corpus", func(b *testing.B) {
		skip, _ := corpusSplit(b)
		benchChunks(b, velocidex.Decoder{}, skip)
	})
	b.Run("decode-corpus", func(b *testing.B) {
		_, full := corpusSplit(b)
		benchChunks(b, velocidex.Decoder{}, full)
	})
}
