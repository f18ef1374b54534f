package binxml_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// decodedRecords runs the pipeline over dir with the fast decoder (no
// fallback) selecting every record, and returns the general events by
// file and EventRecordID, with how many process events it found. The
// decoder also gives the general event of each process creation
// (NewWithProcessItems), so their items are checked as well; each of
// them must match a Process event of the same record.
func decodedRecords(t *testing.T, dir string) (map[string][]event.Event, int) {
	t.Helper()
	got := map[string][]event.Event{}
	processes := 0
	w := walk.Paths([]string{dir})
	sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    2,
		NewDecoder: func() decode.Decoder { return binxml.NewWithProcessItems() },
		Want:       event.SelectAll(),
		OnProblem:  func(p decode.Problem) { t.Errorf("problem: %s", p) },
		OnChunk: func(f *pipeline.FileStats, _ int, r *decode.Result) {
			rel, _ := filepath.Rel(dir, f.Path)
			rel = filepath.ToSlash(rel)
			pending := r.Events
			for _, e := range r.Selected {
				got[recordKey(rel, e.EventRecordID)] = append(got[recordKey(rel, e.EventRecordID)], e)
				if e.IsProcessCreation() {
					if len(pending) == 0 || pending[0].EventRecordID != e.EventRecordID {
						t.Errorf("%s: general event of process creation %d without its Process event", rel, e.EventRecordID)
					} else {
						pending = pending[1:]
					}
				}
			}
			if len(pending) > 0 {
				t.Errorf("%s: %d Process events without a general event", rel, len(pending))
			}
			processes += len(r.Events)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Fallbacks > 0 {
		t.Errorf("%d fallbacks: the decoder has none here", sum.Fallbacks)
	}
	return got, processes
}

func recordKey(file string, id uint64) string { return fmt.Sprintf("%s#%d", file, id) }

// fieldTally counts, per field, the truth records compared and the
// mismatches, keeping a few examples.
type fieldTally struct {
	checked, mismatched map[string]int
	examples            map[string][]string
	rules               map[string]int // value rules that matched payload values
}

func newTally() *fieldTally {
	return &fieldTally{checked: map[string]int{}, mismatched: map[string]int{}, examples: map[string][]string{}, rules: map[string]int{}}
}

func (ft *fieldTally) check(field string, ok bool, example func() string) {
	ft.checked[field]++
	if ok {
		return
	}
	ft.mismatched[field]++
	if len(ft.examples[field]) < 5 {
		ft.examples[field] = append(ft.examples[field], example())
	}
}

// compareGeneral checks one decoded event against its truth record, field
// by field; the payload items in order, names exactly and values by
// truth.SameValue.
func compareGeneral(ft *fieldTally, w *truth.General, e *event.Event) {
	where := fmt.Sprintf("%s record %d (event %d)", w.File, w.EventRecordID, w.EventID)
	str := func(field, got, want string) {
		ft.check(field, got == want, func() string { return fmt.Sprintf("%s: %q, truth %q", where, got, want) })
	}
	str("Computer", e.Computer, w.Computer)
	str("Channel", e.Channel, w.Channel)
	str("Provider", e.Provider, w.Provider)
	str("EventID", fmt.Sprint(e.EventID), fmt.Sprint(w.EventID))
	str("Version", fmt.Sprint(e.Version), w.Version)
	str("EventRecordID", fmt.Sprint(e.EventRecordID), fmt.Sprint(w.EventRecordID))
	ft.check("SystemTime", e.Timestamp.Equal(w.SystemTime), func() string {
		return fmt.Sprintf("%s: %s, truth %s", where, event.FormatTime(e.Timestamp), event.FormatTime(w.SystemTime))
	})
	str("DataKind", e.Kind.String(), w.DataKind)
	gotNames, wantNames := itemNames(e.Items), itemNames(w.Data)
	ft.check("Data names", slices.Equal(gotNames, wantNames), func() string {
		return fmt.Sprintf("%s:\n      got %q\n    truth %q", where, gotNames, wantNames)
	})
	for i := 0; i < len(e.Items) && i < len(w.Data); i++ {
		got, want := e.Items[i], w.Data[i]
		if got.Name != want.Name {
			continue // counted under Data names
		}
		rule, ok := truth.SameValue(got.Value, want.Value)
		ft.rules[rule]++
		ft.check("Data values", ok, func() string {
			return fmt.Sprintf("%s: %s = %q, truth %q", where, got.Name, shorten(got.Value), shorten(want.Value))
		})
	}
}

func itemNames(items []event.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Name
	}
	return out
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// TestTruthAllRecords decodes every corpus file through the pipeline with
// every record selected and checks every record of all-records.jsonl.gz
// (the records the truth's two parsers agree on, of any event id) field
// by field: Computer, Channel, Provider, EventID, Version, EventRecordID,
// SystemTime to the 100 ns, the payload kind, and the payload items in
// order, names exactly, values by value where the truth's parsers render
// them differently (truth.SameValue). It reports the mismatches per field.
func TestTruthAllRecords(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.LoadAll(testshared.Dir(t, "corpus", "truth"))
	if err != nil {
		t.Fatal(err)
	}
	got, processes := decodedRecords(t, dir)
	ft := newTally()
	missing, processChecked := 0, 0
	for i := range want {
		w := &want[i]
		key := recordKey(w.File, w.EventRecordID)
		cands := got[key]
		if len(cands) == 0 {
			missing++
			if missing <= 5 {
				t.Errorf("%s: truth record not decoded", key)
			}
			continue
		}
		// One file repeats a record id: take the candidate of the same time.
		j := slices.IndexFunc(cands, func(e event.Event) bool { return e.Timestamp.Equal(w.SystemTime) })
		j = max(j, 0)
		if cands[j].IsProcessCreation() {
			processChecked++
		}
		compareGeneral(ft, w, &cands[j])
		got[key] = slices.Delete(cands, j, j+1)
	}
	var report strings.Builder
	fields := []string{"Computer", "Channel", "Provider", "EventID", "Version", "EventRecordID", "SystemTime", "DataKind", "Data names", "Data values"}
	for _, f := range fields {
		fmt.Fprintf(&report, "\n  %-13s %6d checked, %d mismatched", f, ft.checked[f], ft.mismatched[f])
		for _, ex := range ft.examples[f] {
			fmt.Fprintf(&report, "\n      %s", ex)
		}
	}
	t.Logf("%d truth records (%d process creations among them, %d Process events decoded), %d not decoded; per field:%s\n  payload values matched by rule: %v",
		len(want), processChecked, processes, missing, report.String(), ft.rules)
	for _, f := range fields {
		if ft.mismatched[f] > 0 {
			t.Errorf("%s: %d of %d truth records differ", f, ft.mismatched[f], ft.checked[f])
		}
	}
	if missing > 0 {
		t.Errorf("%d truth records not decoded", missing)
	}
	if processChecked == 0 || processes != 1045+562 {
		t.Errorf("%d process creations checked against the truth, %d Process events decoded (want 1607)", processChecked, processes)
	}
}
