package builtin_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// corpusRecordsGolden lists, per built-in rule of a log source other than
// process creation (services, log clearing, accounts, Kerberos, logons,
// tasks, ...), how many records of the shared attack-sample corpus it
// fires on, and for each hit the file, record id and one-line summary.
// Like corpus_hits.golden for process events, every line was reviewed.
const corpusRecordsGolden = "testdata/corpus_records.golden"

// readRecords decodes the EVTX files (or folders) at paths with the
// pipeline and returns the records want selects (never process
// creations), in input order. Decoding problems are returned, not
// failures: the corpus holds damaged files on purpose.
func readRecords(t testing.TB, want *event.Selection, paths ...string) ([]*event.Event, []decode.Problem) {
	t.Helper()
	w := walk.Paths(paths)
	for _, n := range w.Notes {
		if n.Err != nil {
			t.Fatalf("reading %v: %v", paths, n)
		}
	}
	var out []*event.Event
	var problems []decode.Problem
	opts := pipeline.Options{
		NewDecoder: func() decode.Decoder { return binxml.New() },
		Want:       want,
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Selected {
				out = append(out, &r.Selected[i])
			}
		},
		OnProblem: func(p decode.Problem) { problems = append(problems, p) },
	}
	if _, err := pipeline.Run(context.Background(), w.Inputs, opts); err != nil {
		t.Fatal(err)
	}
	return out, problems
}

// TestCorpusRecordHits runs the built-in rules over every record of the
// corpus their log sources select and compares the hits with the golden
// file (-update rewrites it).
func TestCorpusRecordHits(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	rules := loadBuiltin(t)
	set := sigma.NewRuleSet(rules)
	events, problems := readRecords(t, set.Selection(), dir)
	hits := map[*sigma.Rule][]string{}
	var matched []*sigma.Rule
	for _, e := range events {
		matched = set.MatchEvent(e, matched[:0])
		for _, r := range matched {
			rel, err := filepath.Rel(dir, e.SourceFile)
			if err != nil {
				rel = e.SourceFile
			}
			hits[r] = append(hits[r], fmt.Sprintf("    %s#%d %d %s", filepath.ToSlash(rel), e.EventRecordID, e.EventID, clip(event.Summary(e), 160)))
		}
	}
	var b strings.Builder
	var general []*sigma.Rule
	for _, r := range rules {
		if !r.IsProcessCreation() {
			general = append(general, r)
		}
	}
	sort.Slice(general, func(i, j int) bool { return general[i].Source < general[j].Source })
	fmt.Fprintf(&b, "# %d selected records, %d rules of other log sources, %d decoding problems\n", len(events), len(general), len(problems))
	for _, r := range general {
		fmt.Fprintf(&b, "%4d %s [%s]\n", len(hits[r]), strings.TrimPrefix(r.Source, "builtin:"), r.Level)
		for _, h := range hits[r] {
			b.WriteString(h + "\n")
		}
	}
	got := b.String()
	if *update {
		if err := os.MkdirAll(filepath.Dir(corpusRecordsGolden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(corpusRecordsGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(corpusRecordsGolden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCorpusRecordHits -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("corpus record hits differ from %s; review the difference and run with -update if it is right:\n%s", corpusRecordsGolden, firstDiff(string(want), got))
	}
}

// TestSamplesDemoRecordsQuiet: the demo's records other than process
// creations (logons, logoffs, special privileges, network connections,
// process exits of an ordinary day) raise no built-in finding; its
// planted attacks are all process creations.
func TestSamplesDemoRecordsQuiet(t *testing.T) {
	dir := filepath.Join(testshared.Root(t), "samples", "demo")
	set := sigma.NewRuleSet(loadBuiltin(t))
	events, problems := readRecords(t, set.Selection(), dir)
	for _, p := range problems {
		t.Errorf("decoding problem: %s", p)
	}
	if len(events) == 0 {
		t.Fatal("the built-in rules select no record of the demo; its logons should be checked")
	}
	var matched []*sigma.Rule
	for _, e := range events {
		for _, r := range set.MatchEvent(e, matched[:0]) {
			t.Errorf("%s: %s record %d (%s %d: %s) raises %s", filepath.Base(e.SourceFile), e.Computer, e.EventRecordID, e.Channel, e.EventID, event.Summary(e), r.Source)
		}
	}
	t.Logf("%d selected records of the demo, none raises a finding", len(events))
}
