package pipeline_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// TestResyncAfterBrokenRecord: a record whose header is destroyed breaks
// the chain; every record after it in the chunk is still read.
func TestResyncAfterBrokenRecord(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"),
		"EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1027-Obfuscated Files or Information/ID4688-Obfuscated payload transfer via service name - Tchopper.evtx")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := data[evtxfile.FileHeaderSize : evtxfile.FileHeaderSize+evtxfile.ChunkSize]
	h, _ := evtxfile.ParseChunkHeader(chunk)
	recs, _ := evtxfile.Records(chunk, &h)
	for _, broken := range []int{0, 5, len(recs) - 1} {
		for name, newDec := range map[string]func() decode.Decoder{
			"fast":      func() decode.Decoder { return binxml.New() },
			"velocidex": func() decode.Decoder { return velocidex.Decoder{} },
		} {
			t.Run(fmt.Sprintf("record %d, %s", broken, name), func(t *testing.T) {
				intact, _, _ := readBytes(t, "f.evtx", data, newDec, false)
				damaged := append([]byte(nil), data...)
				at := evtxfile.FileHeaderSize + int(recs[broken].Offset)
				copy(damaged[at:], "XXXX") // the record signature
				got, problems, _ := readBytes(t, "f.evtx", damaged, newDec, false)
				if got[0].records != intact[0].records-1 {
					t.Errorf("chunk 0: %d records read, want %d (all but the broken one)", got[0].records, intact[0].records-1)
				}
				// The records after the break are read by the fast decoder,
				// whose rendering the Velocidex one does not share exactly:
				// with it, count the events.
				missing := len(intact[0].events) - len(got[0].events)
				if name == "fast" {
					missing = 0
					all := strings.Join(got[0].events, "\n")
					for _, e := range intact[0].events {
						if !strings.Contains(all, e) {
							missing++
						}
					}
				}
				if missing > 1 {
					t.Errorf("%d events of chunk 0 lost, at most the broken record's may be", missing)
				}
				located := false
				for _, p := range problems {
					located = located || (p.Offset == int64(at) && p.Chunk == 0)
				}
				if !located {
					t.Errorf("problems %v, none at 0x%x", problems, at)
				}
				for s := 1; s < len(intact); s++ {
					if got[s].records != intact[s].records {
						t.Errorf("chunk %d changed", s)
					}
				}
			})
		}
	}
}
