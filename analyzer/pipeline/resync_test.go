package pipeline_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
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

// TestResyncSelected: with every record selected, the records after a
// broken one come back through resynchronisation as general events of
// the chunk, not flagged Recovered, the same as those of the intact file
// (an application log: no process creation in it).
func TestResyncSelected(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"), "DeepBlueCLI/many-events-application.evtx")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := data[evtxfile.FileHeaderSize : evtxfile.FileHeaderSize+evtxfile.ChunkSize]
	h, _ := evtxfile.ParseChunkHeader(chunk)
	recs, _ := evtxfile.Records(chunk, &h)
	const broken = 2
	damaged := append([]byte(nil), data...)
	copy(damaged[evtxfile.FileHeaderSize+int(recs[broken].Offset):], "XXXX")
	intact, damagedEvents := selectedOfChunk0(t, data), selectedOfChunk0(t, damaged)
	if len(intact) != len(recs) {
		t.Fatalf("intact chunk: %d events for %d records", len(intact), len(recs))
	}
	want := append(append([]string(nil), intact[:broken]...), intact[broken+1:]...)
	if !slices.Equal(damagedEvents, want) {
		t.Errorf("after the break: %d events, want %d:\n got %q\nwant %q", len(damagedEvents), len(want), damagedEvents, want)
	}
}

// selectedOfChunk0 reads a file with the fast decoder, every record
// selected, and returns the events of chunk 0 (general and process ones,
// in record order) as JSON; none may be flagged Recovered.
func selectedOfChunk0(t *testing.T, data []byte) []string {
	in := walk.Input{Name: "f.evtx", Size: int64(len(data)), Open: func() (walk.Source, error) {
		return memSource{bytes.NewReader(data), "f.evtx"}, nil
	}}
	var out []string
	_, err := pipeline.Run(context.Background(), []walk.Input{in}, pipeline.Options{
		Workers: 1, NewDecoder: func() decode.Decoder { return binxml.New() }, Want: event.SelectAll(),
		OnChunk: func(_ *pipeline.FileStats, chunk int, r *decode.Result) {
			if chunk != 0 {
				return
			}
			type keyed struct {
				id   uint64
				json string
			}
			var all []keyed
			for _, e := range r.Events {
				all = append(all, keyed{e.EventRecordID, string(e.AppendJSON(nil))})
			}
			for _, e := range r.Selected {
				if e.Recovered {
					t.Errorf("record %d flagged Recovered", e.EventRecordID)
				}
				all = append(all, keyed{e.EventRecordID, string(e.AppendJSON(nil))})
			}
			slices.SortStableFunc(all, func(a, b keyed) int { return cmp.Compare(a.id, b.id) })
			for _, k := range all {
				out = append(out, k.json)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
