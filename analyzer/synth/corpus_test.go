package synth

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// truthEvents reads a ground-truth file of the corpus (one record's raw
// EventData per line) into the events the decoders make of those records.
func truthEvents(t *testing.T, path string) []event.Process {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []event.Process
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		ts, err := time.Parse(time.RFC3339Nano, rec["SystemTime"].(string))
		if err != nil {
			t.Fatal(err)
		}
		var b extract.Builder
		b.Begin()
		b.P.Timestamp = ts
		b.P.Computer, b.P.Channel, b.P.Provider = rec["Computer"].(string), rec["Channel"].(string), rec["Provider"].(string)
		b.P.EventID = uint32(rec["EventID"].(float64))
		v, _ := event.ParseNumber(rec["Version"].(string))
		b.P.Version = uint8(v)
		b.P.EventRecordID = uint64(rec["EventRecordID"].(float64))
		for _, name := range rec["EventDataNames"].([]any) {
			b.Data(name.(string), rec[name.(string)].(string))
		}
		out = append(out, *b.Finish())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every 4688 and Sysmon 1 record of the corpus survives synth and both
// decoders unchanged: all versions and layouts, real command lines.
func TestCorpusRoundTrip(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "truth")
	for _, name := range []string{"4688.jsonl", "sysmon1.jsonl"} {
		t.Run(name, func(t *testing.T) {
			want := truthEvents(t, filepath.Join(dir, name))
			if len(want) < 500 {
				t.Fatalf("only %d events", len(want))
			}
			path, st := writeLines(t, timelineJSONL(want), Options{})
			if st.Lines != len(want) {
				t.Fatalf("wrote %d of %d events", st.Lines, len(want))
			}
			for _, d := range decoders {
				got, _ := decodeFile(t, path, d.make)
				if len(got) != len(want) {
					t.Fatalf("%s: %d events, want %d", d.name, len(got), len(want))
				}
				bad := 0
				for i := range want {
					for _, diff := range diffProcess(&got[i], &want[i], d.precision, 0) {
						if bad++; bad <= 10 {
							t.Errorf("%s: record %d of %s: %s", d.name, want[i].EventRecordID, want[i].Computer, diff)
						}
					}
				}
			}
		})
	}
}
