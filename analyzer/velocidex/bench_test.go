package velocidex_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// corpusChunks loads the chunks of a few 4688- and Sysmon-rich corpus files.
func corpusChunks(b *testing.B) []decode.Chunk {
	dir := testshared.Dir(b, "corpus", "evtx")
	files := []string{
		"EVTX-to-MITRE-Attack/TA0002-Execution/T1204-User execution/ID4688-Edge payload download via command.evtx",
		"EVTX-ATTACK-SAMPLES/Execution/exec_sysmon_1_11_lolbin_rundll32_openurl_FileProtocolHandler.evtx",
		"DeepBlueCLI/many-events-application.evtx",
	}
	var chunks []decode.Chunk
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			b.Fatal(err)
		}
		for off := evtxfile.FileHeaderSize; off+evtxfile.ChunkSize <= len(data); off += evtxfile.ChunkSize {
			c := data[off : off+evtxfile.ChunkSize]
			h, err := evtxfile.ParseChunkHeader(c)
			if err != nil || h.Unused() {
				continue
			}
			recs, _ := evtxfile.Records(c, &h)
			chunks = append(chunks, decode.Chunk{File: f, Offset: int64(off), Data: c, Header: h, Records: recs})
		}
	}
	if len(chunks) == 0 {
		b.Fatal("no chunks")
	}
	return chunks
}

// BenchmarkDecodeChunk measures the Velocidex decoder with extraction, per
// 64 KiB chunk.
func BenchmarkDecodeChunk(b *testing.B) {
	chunks := corpusChunks(b)
	var r decode.Result
	dec := velocidex.Decoder{}
	b.SetBytes(evtxfile.ChunkSize)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Reset()
		dec.Decode(&chunks[i%len(chunks)], &r)
	}
}
