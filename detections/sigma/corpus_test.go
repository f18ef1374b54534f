package sigma

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// truthEvents builds the normalized events of every process-creation
// record of the corpus ground truth (Security 4688 and Sysmon 1), through
// the same extraction the decoders use.
func truthEvents(tb testing.TB) []event.Process {
	tb.Helper()
	recs, err := truth.Load(testshared.Dir(tb, "corpus", "truth"))
	if err != nil {
		tb.Fatal(err)
	}
	files := make([]string, 0, len(recs))
	for f := range recs {
		files = append(files, f)
	}
	sort.Strings(files)
	var out []event.Process
	for _, f := range files {
		for _, r := range recs[f] {
			var b extract.Builder
			b.Begin()
			b.P.Timestamp = r.SystemTime
			b.P.Computer, b.P.Channel, b.P.Provider = r.Computer, r.Channel, r.Provider
			b.P.EventID = r.EventID
			v, _ := strconv.Atoi(r.Version)
			b.P.Version = uint8(v)
			b.P.EventRecordID = r.EventRecordID
			b.P.SourceFile = r.File
			names := make([]string, 0, len(r.Data))
			for n := range r.Data {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				b.Data(n, r.Data[n])
			}
			out = append(out, *b.Finish())
		}
	}
	return out
}

// TestRuleSetMatchesEveryRule checks the prefilter never hides a match:
// over every corpus event, RuleSet.Match reports exactly the rules whose
// own Match is true, in rule order.
func TestRuleSetMatchesEveryRule(t *testing.T) {
	rules, errs := loadPublicRules(t)
	if len(Errors(errs)) > 0 {
		t.Fatalf("public rules do not load: %v", errs[0])
	}
	events := truthEvents(t)
	set := NewRuleSet(rules)
	t.Logf("%d rules, %d without a literal prerequisite; %d events", len(rules), set.Unindexed(), len(events))
	if set.Unindexed() > len(rules)/20 {
		t.Errorf("%d of %d rules have no prerequisite; the prefilter should index at least 95%%", set.Unindexed(), len(rules))
	}
	total := 0
	var got []*Rule
	for i := range events {
		p := &events[i]
		got = set.Match(p, got[:0])
		var want []*Rule
		for _, r := range rules {
			if r.Match(p) {
				want = append(want, r)
			}
		}
		total += len(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s record %d: RuleSet.Match gives %v, the rules themselves %v", p.SourceFile, p.EventRecordID, ruleIDs(got), ruleIDs(want))
		}
	}
	if total == 0 {
		t.Error("no public rule matches any corpus event; the corpus holds attack simulations")
	}
	t.Logf("%d matches", total)
}

func ruleIDs(rs []*Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// TestRuleSetConcurrent runs one RuleSet from several goroutines (as the
// scan's chunk workers do) and checks every goroutine sees the answers of
// a single-threaded run; with -race it also checks for data races,
// including in the backtracking regexp engine.
func TestRuleSetConcurrent(t *testing.T) {
	rules, _ := loadPublicRules(t)
	lookaround, errs := ParseRules([]byte(ruleYAML("sel: {CommandLine|re: '(?<=cmd)\\s+/c'}\ncondition: sel")), "la.yml", Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	set := NewRuleSet(append(rules, lookaround...))
	events := truthEvents(t)
	want := make([]int, len(events))
	for i := range events {
		want[i] = len(set.Match(&events[i], nil))
	}
	done := make(chan string, 4)
	for w := 0; w < 4; w++ {
		go func(w int) {
			var dst []*Rule
			for k := range events {
				i := (k + w*len(events)/4) % len(events)
				if dst = set.Match(&events[i], dst[:0]); len(dst) != want[i] {
					done <- fmt.Sprintf("worker %d, event %d: %d matches, want %d", w, i, len(dst), want[i])
					return
				}
			}
			done <- ""
		}(w)
	}
	for w := 0; w < 4; w++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
