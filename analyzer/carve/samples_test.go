package carve_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// TestCarveCutRecordsComeBack cuts the last records off the chain of
// every chunk of the generated sample logs (as if the log had been reset
// to an earlier free space offset) and carves the slack with every record
// selected: every cut record comes back, and its process event or general
// event is the one the decoder reads from the intact chain, field for
// field, flagged Recovered.
func TestCarveCutRecordsComeBack(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*", "*.evtx"))
	if len(paths) == 0 {
		t.Skip("samples/ holds no EVTX file yet")
	}
	cv := carve.New()
	dec := &binxml.Decoder{}
	chunks, cut, generals := 0, 0, 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for off := evtxfile.FileHeaderSize; off+evtxfile.ChunkSize <= len(data); off += evtxfile.ChunkSize {
			c := data[off : off+evtxfile.ChunkSize]
			h, err := evtxfile.ParseChunkHeader(c)
			if err != nil {
				continue
			}
			recs, _ := evtxfile.Records(c, &h)
			if len(recs) < 4 {
				continue
			}
			keep := len(recs) / 2
			var intact decode.Result
			all := event.SelectAll()
			dec.Decode(&decode.Chunk{File: path, Data: c, Header: h, Records: recs[keep:], Want: all}, &intact)
			found := cv.Chunk(&decode.Chunk{File: path, Data: c, Header: h, Want: all}, int(recs[keep].Offset), nil)
			if len(found) != len(recs)-keep {
				t.Errorf("%s, chunk at 0x%x: %d of %d cut records carved", path, off, len(found), len(recs)-keep)
				continue
			}
			var events, general []string
			for i, r := range found {
				if r.Key != carve.KeyOf(recs[keep+i]) || r.Partial {
					t.Errorf("%s, chunk at 0x%x: carved record %d is %+v, cut record %+v", path, off, i, r.Key, recs[keep+i])
				}
				if r.Event != nil {
					ev := *r.Event
					if !ev.Recovered {
						t.Errorf("carved event not flagged Recovered")
					}
					ev.Recovered = false
					events = append(events, string(ev.AppendJSON(nil)))
				}
				if r.Record != nil {
					ev := *r.Record
					if !ev.Recovered || r.Event != nil {
						t.Errorf("carved general event not flagged Recovered, or beside a process event")
					}
					ev.Recovered = false
					general = append(general, string(ev.AppendJSON(nil)))
				}
			}
			if len(events)+len(general) != len(found) || len(general) != len(intact.Selected) {
				t.Fatalf("%s, chunk at 0x%x: %d records carved, %d process and %d general events; %d general events in the intact chain",
					path, off, len(found), len(events), len(general), len(intact.Selected))
			}
			for i := range general {
				if want := string(intact.Selected[i].AppendJSON(nil)); general[i] != want {
					t.Errorf("carved general event differs:\n got %s\nwant %s", general[i], want)
				}
			}
			if len(events) != len(intact.Events) {
				t.Fatalf("%s, chunk at 0x%x: %d events carved, %d in the intact chain", path, off, len(events), len(intact.Events))
			}
			for i := range events {
				if want := string(intact.Events[i].AppendJSON(nil)); events[i] != want {
					t.Errorf("carved event differs:\n got %s\nwant %s", events[i], want)
				}
			}
			chunks++
			cut += len(found)
			generals += len(general)
		}
	}
	t.Logf("%d chunks, %d cut records carved back (%d general events)", chunks, cut, generals)
}
