package binxml

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// asVelocidex converts an exact time the way the Velocidex decoder sees
// it: the parser turns the FILETIME into float64 Unix seconds, and the
// adapter rounds those to the microsecond. Comparing through this function
// checks the fast decoder's exact times against Velocidex's without any
// tolerance.
func asVelocidex(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	ft := uint64(t.Unix()+fileTimeEpoch/10_000_000)*10_000_000 + uint64(t.Nanosecond()/100)
	f := (float64(ft) - 11644473600000*10000) / 10000000
	sec := math.Floor(f)
	usec := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(usec)*1000).UTC()
}

// compareResults lists the differences between the fast decoder's result
// and the Velocidex decoder's for one chunk: record counts, time span,
// hosts and every Process event. Where Velocidex reported problems (it
// cannot read records written as plain elements, and counts them without
// a time or host), the time span and hosts are not compared.
func compareResults(fast, ref *decode.Result) []string {
	var diffs []string
	if fast.Records != ref.Records {
		diffs = append(diffs, fmt.Sprintf("records: fast %d, velocidex %d", fast.Records, ref.Records))
	}
	if len(ref.Problems) == 0 {
		diffs = append(diffs, compareSpan(fast, ref)...)
	}
	if len(fast.Events) != len(ref.Events) {
		diffs = append(diffs, fmt.Sprintf("events: fast %d, velocidex %d", len(fast.Events), len(ref.Events)))
	}
	for i := 0; i < len(fast.Events) && i < len(ref.Events); i++ {
		a, b := fast.Events[i], ref.Events[i]
		a.Timestamp = asVelocidex(a.Timestamp)
		if ja, jb := string(a.AppendJSON(nil)), string(b.AppendJSON(nil)); ja != jb || a.ChunkIndex != b.ChunkIndex {
			diffs = append(diffs, fmt.Sprintf("event %d:\n     fast: %s\nvelocidex: %s", i, ja, jb))
		}
	}
	return diffs
}

// compareSelected compares the general events of two results in order;
// where Velocidex reported problems, the records it lost are skipped by
// their record id.
func compareSelected(fast, ref *decode.Result, rules map[string]int) []string {
	var diffs []string
	j := 0
	for i := range fast.Selected {
		a := &fast.Selected[i]
		if j >= len(ref.Selected) || ref.Selected[j].EventRecordID != a.EventRecordID {
			if len(ref.Problems) == 0 {
				diffs = append(diffs, fmt.Sprintf("record %d: velocidex has no general event", a.EventRecordID))
			}
			continue
		}
		for _, d := range compareGeneral(a, &ref.Selected[j], rules) {
			diffs = append(diffs, fmt.Sprintf("record %d (event %d): %s", a.EventRecordID, a.EventID, d))
		}
		j++
	}
	for ; j < len(ref.Selected); j++ {
		diffs = append(diffs, fmt.Sprintf("record %d: only velocidex has a general event", ref.Selected[j].EventRecordID))
	}
	return diffs
}

// compareSpan compares the time span and hosts of two results.
func compareSpan(fast, ref *decode.Result) []string {
	var diffs []string
	if a, b := asVelocidex(fast.First), ref.First; !a.Equal(b) {
		diffs = append(diffs, fmt.Sprintf("first time: fast %s, velocidex %s", event.FormatTime(fast.First), event.FormatTime(b)))
	}
	if a, b := asVelocidex(fast.Last), ref.Last; !a.Equal(b) {
		diffs = append(diffs, fmt.Sprintf("last time: fast %s, velocidex %s", event.FormatTime(fast.Last), event.FormatTime(b)))
	}
	fh, rh := slices.Sorted(slices.Values(fast.Hosts)), slices.Sorted(slices.Values(ref.Hosts))
	if !slices.Equal(fh, rh) {
		diffs = append(diffs, fmt.Sprintf("hosts: fast %q, velocidex %q", fh, rh))
	}
	return diffs
}

// diffStats sums up a differential run.
type diffStats struct {
	files, chunks, records, events int
	selected                       int            // general events compared
	refFailed                      int            // chunks where Velocidex reported problems
	rules                          map[string]int // normalisations used (diff_general_test.go)
}

// differential decodes every chunk of every file under dir with both
// decoders, every record selected, and reports each chunk where they
// differ: records, times, hosts, Process events and general events. The
// fast decoder must report no problem at all; where Velocidex reports
// some, the fast decoder's times and hosts must still be there.
func differential(t *testing.T, dir string) diffStats {
	st := diffStats{rules: map[string]int{}}
	fast := &Decoder{} // no fallback: a fallback would compare Velocidex with itself
	ref := velocidex.Decoder{}
	for _, rel := range evtxFiles(t, dir) {
		st.files++
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			var a, b decode.Result
			c.Want = event.SelectAll()
			fast.Decode(&c, &a)
			ref.Decode(&c, &b)
			st.chunks++
			st.records += a.Records
			st.events += len(a.Events)
			st.selected += len(a.Selected)
			for _, p := range a.Problems {
				t.Errorf("fast decoder problem: %s", p)
			}
			for _, d := range compareResults(&a, &b) {
				t.Errorf("%s chunk %d: %s", rel, c.Index, d)
			}
			for _, d := range compareSelected(&a, &b, st.rules) {
				t.Errorf("%s chunk %d: %s", rel, c.Index, d)
			}
			if len(b.Problems) > 0 {
				st.refFailed++
				if a.Records > 0 && (a.First.IsZero() || a.Last.IsZero() || len(a.Hosts) == 0) {
					t.Errorf("%s chunk %d: Velocidex cannot read it, and the fast decoder found no time or host either", rel, c.Index)
				}
			}
		}
	}
	return st
}

// TestDifferentialCorpus: on every chunk of the shared corpus both
// decoders give the same records, times, hosts and Process events.
func TestDifferentialCorpus(t *testing.T) {
	st := differential(t, corpusDir(t))
	t.Logf("%+v", st)
}

// TestDifferentialSamples does the same on the project's own samples/.
func TestDifferentialSamples(t *testing.T) {
	dir := filepath.Join(testshared.Root(t), "samples")
	if len(evtxFiles(t, dir)) == 0 {
		t.Skip("samples/ holds no EVTX files yet")
	}
	st := differential(t, dir)
	t.Logf("%+v", st)
}
