package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// eventKey identifies a process event within one file.
type eventKey struct {
	file     string
	recordID uint64
	time     time.Time
}

// TestCarveCorpus carves the corpus files that truth lists as holding
// recoverable records, with every record selected. Every file yields at
// least the records the truth counts (those that are stale copies of
// allocated records, which are not reported, included), each recovered
// record as one event flagged Recovered (a process event or a general
// one), no recovered event duplicates an allocated one, and the allocated
// counts are those of a run without carving.
func TestCarveCorpus(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.LoadSlack(testshared.Dir(t, "corpus", "truth", "slack_recovered.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	counts, err := truth.LoadCounts(testshared.Dir(t, "corpus", "truth", "counts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for rel := range want {
		paths = append(paths, filepath.Join(dir, rel))
	}
	w := walk.Paths(paths)
	allocated := map[eventKey]bool{}
	var recovered []event.Process
	var recoveredGeneral []event.Event
	events := map[string]int{} // recovered events by file
	sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    2,
		Carve:      true,
		Want:       event.SelectAll(),
		NewDecoder: func() decode.Decoder { return velocidex.Decoder{} },
		OnChunk: func(f *pipeline.FileStats, _ int, r *decode.Result) {
			for _, e := range r.Events {
				if e.Recovered {
					recovered = append(recovered, e)
					events[f.Path]++
					continue
				}
				allocated[eventKey{e.SourceFile, e.EventRecordID, e.Timestamp}] = true
			}
			for _, e := range r.Selected {
				if e.Recovered {
					recoveredGeneral = append(recoveredGeneral, e)
					events[f.Path]++
					continue
				}
				allocated[eventKey{e.SourceFile, e.EventRecordID, e.Timestamp}] = true
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != len(want) {
		t.Fatalf("read %d files, want %d", len(sum.Files), len(want))
	}
	for _, f := range sum.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		wc, c := want[rel], counts[rel]
		if got := (truth.Counts{Bytes: int(f.Bytes), Records: f.Records, N4688: f.N4688, NSysmon1: f.NSysmon1}); got != c {
			t.Errorf("%s: allocated counts %v changed by carving, want %v", rel, got, c)
		}
		t.Logf("%s: recovered %d (4688 %d, sysmon1 %d), stale copies %d; truth %v", rel, f.Recovered, f.Recovered4688, f.RecoveredSysmon1, f.StaleCopies, wc)
		if f.Recovered+f.StaleCopies < wc.Records {
			t.Errorf("%s: recovered %d + stale copies %d < %d records in truth", rel, f.Recovered, f.StaleCopies, wc.Records)
		}
		if events[f.Path] != f.Recovered {
			t.Errorf("%s: %d records recovered, %d recovered events", rel, f.Recovered, events[f.Path])
		}
	}
	t.Logf("%d recovered process events, %d recovered general events", len(recovered), len(recoveredGeneral))
	if len(recoveredGeneral) == 0 {
		t.Error("no recovered general event")
	}
	for _, e := range recoveredGeneral {
		if e.IsProcessCreation() || allocated[eventKey{e.SourceFile, e.EventRecordID, e.Timestamp}] {
			t.Errorf("%s: recovered general event %d at %s is a process creation or still allocated", e.SourceFile, e.EventRecordID, event.FormatTime(e.Timestamp))
		}
	}
	for _, e := range recovered {
		if allocated[eventKey{e.SourceFile, e.EventRecordID, e.Timestamp}] {
			t.Errorf("%s: recovered event %d at %s is still allocated", e.SourceFile, e.EventRecordID, event.FormatTime(e.Timestamp))
		}
	}
}
