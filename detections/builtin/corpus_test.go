package builtin_test

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// corpusGolden lists, per built-in rule, how many process-creation events
// of the shared attack-sample corpus it fires on, and for each hit the
// file, record id and command line, so any change in what the rules find
// on real data shows up in review.
const corpusGolden = "testdata/corpus_hits.golden"

// truthEvents reads the process-creation events of the corpus ground truth
// (raw EventData of every 4688 and Sysmon 1 record) into Process events.
func truthEvents(t testing.TB) []*event.Process {
	t.Helper()
	dir := testshared.Dir(t, "corpus", "truth")
	var out []*event.Process
	for _, name := range []string{"4688.jsonl", "sysmon1.jsonl"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		line := 0
		for sc.Scan() {
			line++
			p, err := truthEvent(sc.Bytes())
			if err != nil {
				t.Fatalf("%s:%d: %v", name, line, err)
			}
			out = append(out, p)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func truthEvent(data []byte) (*event.Process, error) {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	var b extract.Builder
	b.Begin()
	id, _ := raw["EventID"].(float64)
	b.P.EventID = uint32(id)
	b.P.Channel, _ = raw["Channel"].(string)
	b.P.Provider, _ = raw["Provider"].(string)
	b.P.Computer, _ = raw["Computer"].(string)
	b.P.SourceFile, _ = raw["file"].(string)
	rid, _ := raw["EventRecordID"].(float64)
	b.P.EventRecordID = uint64(rid)
	if v, ok := raw["Version"].(string); ok {
		n, _ := strconv.Atoi(v)
		b.P.Version = uint8(n)
	}
	names, _ := raw["EventDataNames"].([]any)
	for _, n := range names {
		name, _ := n.(string)
		value, _ := raw[name].(string)
		b.Data(name, value)
	}
	return b.Finish(), nil
}

// TestCorpusHits runs the built-in rules over every process-creation event
// of the corpus and compares the hits with the golden file. Every hit in
// that file was reviewed: the corpus holds attack simulations, and each
// line must be one (or a justified low-level context hit).
func TestCorpusHits(t *testing.T) {
	events := truthEvents(t)
	rules := loadBuiltin(t)
	set := sigma.NewRuleSet(rules)
	hits := map[*sigma.Rule][]string{}
	var matched []*sigma.Rule
	for _, p := range events {
		matched = set.Match(p, matched[:0])
		for _, r := range matched {
			hits[r] = append(hits[r], fmt.Sprintf("    %s#%d %s", p.SourceFile, p.EventRecordID, clip(p.CommandLine, 160)))
		}
	}
	// Rules of other log sources are listed in corpus_records.golden.
	var sorted []*sigma.Rule
	for _, r := range rules {
		if r.IsProcessCreation() {
			sorted = append(sorted, r)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %d events, %d rules\n", len(events), len(sorted))
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Source < sorted[j].Source })
	for _, r := range sorted {
		fmt.Fprintf(&b, "%4d %s [%s]\n", len(hits[r]), strings.TrimPrefix(r.Source, "builtin:"), r.Level)
		for _, h := range hits[r] {
			b.WriteString(h + "\n")
		}
	}
	got := b.String()
	if *update {
		if err := os.MkdirAll(filepath.Dir(corpusGolden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(corpusGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(corpusGolden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCorpusHits -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("corpus hits differ from %s; review the difference and run with -update if it is right:\n%s", corpusGolden, firstDiff(string(want), got))
	}
}

func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}
