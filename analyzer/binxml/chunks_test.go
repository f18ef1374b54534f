package binxml

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// evtxFiles lists the .evtx files under dir, sorted, as paths relative to
// dir (forward slashes, as the truth files write them).
func evtxFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".evtx") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("walking %s: %v", dir, err)
	}
	sort.Strings(out)
	return out
}

// corpusDir returns ../shared/corpus/evtx or skips the test.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	return testshared.Dir(tb, "corpus", "evtx")
}

// fileChunks reads an EVTX file and returns its used chunks, each with
// its validated record chain, as the pipeline hands them to decoders.
func fileChunks(tb testing.TB, path, display string) []decode.Chunk {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%s: %v", display, err)
	}
	return splitChunks(data, display)
}

// splitChunks cuts the chunks out of an EVTX file image.
func splitChunks(data []byte, display string) []decode.Chunk {
	var out []decode.Chunk
	for i, off := 0, evtxfile.FileHeaderSize; off+evtxfile.ChunkHeaderSize <= len(data); i, off = i+1, off+evtxfile.ChunkSize {
		end := min(off+evtxfile.ChunkSize, len(data))
		c := data[off:end:end]
		h, err := evtxfile.ParseChunkHeader(c)
		if err != nil || h.Unused() {
			continue
		}
		recs, _ := evtxfile.Records(c, &h)
		out = append(out, decode.Chunk{File: display, Index: i, Offset: int64(off), Data: c, Header: h, Records: recs})
	}
	return out
}

// sampleChunks returns the first chunks (at most perFile) of each EVTX
// file of the project's own samples/, none when it holds none.
func sampleChunks(tb testing.TB, perFile int) []decode.Chunk {
	tb.Helper()
	dir := filepath.Join(testshared.Root(tb), "samples")
	var out []decode.Chunk
	for _, rel := range evtxFiles(tb, dir) {
		chunks := fileChunks(tb, filepath.Join(dir, rel), rel)
		out = append(out, chunks[:min(perFile, len(chunks))]...)
	}
	return out
}
