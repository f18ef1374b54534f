package sigma

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// regressionInfo is the part of a regression_data info.yml the test uses.
type regressionInfo struct {
	RuleMetadata []struct {
		ID    string `yaml:"id"`
		Title string `yaml:"title"`
	} `yaml:"rule_metadata"`
	Tests []struct {
		Name       string `yaml:"name"`
		Type       string `yaml:"type"`
		MatchCount int    `yaml:"match_count"`
		Path       string `yaml:"path"`
	} `yaml:"regression_tests_info"`
}

// regressionCase is one positive sample: the rule, alone in a rule set,
// must fire want times on the EVTX file at path (at least once when want
// is 0).
type regressionCase struct {
	name string // folder under regression_data
	rule *Rule
	path string
	want int
}

// countDisputes lists the samples whose info.yml match_count disagrees
// with what the sample holds, checked record by record; the tests expect
// what the sample holds.
var countDisputes = map[string]struct {
	holds int
	why   string
}{
	"rules/windows/registry/registry_set/registry_set_disable_administrative_share": {2,
		"two SetValue records, of AutoShareServer and AutoShareWks, each satisfy every item of the selection; info.yml says 1"},
}

// regressionCases reads every info.yml under ../shared/sigma/regression_data
// and finds its rule among the public rules.
func regressionCases(t *testing.T) []regressionCase {
	root := testshared.Dir(t, "sigma")
	rules, errs := loadPublicRules(t)
	if errs := Errors(errs); len(errs) > 0 {
		t.Fatalf("public rules do not load: %v", errs[0])
	}
	byID := map[string]*Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	var infos []string
	err := filepath.WalkDir(filepath.Join(root, "regression_data"), func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "info.yml" {
			infos = append(infos, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(infos)
	if len(infos) == 0 {
		t.Fatal("no info.yml under regression_data")
	}
	var cases []regressionCase
	for _, path := range infos {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var info regressionInfo
		if err := yaml.Unmarshal(data, &info); err != nil || len(info.RuleMetadata) == 0 || len(info.Tests) == 0 {
			t.Fatalf("%s: no rule or no test (%v)", path, err)
		}
		rule := byID[info.RuleMetadata[0].ID]
		if rule == nil {
			t.Fatalf("%s: rule %s (%s) is not among the loaded rules", path, info.RuleMetadata[0].ID, info.RuleMetadata[0].Title)
		}
		rel, _ := filepath.Rel(filepath.Join(root, "regression_data"), filepath.Dir(path))
		for _, tc := range info.Tests {
			if tc.Type != "evtx" {
				continue
			}
			want := tc.MatchCount
			if d, ok := countDisputes[filepath.ToSlash(rel)]; ok {
				t.Logf("%s: expecting %d matches, not %d: %s", rel, d.holds, want, d.why)
				want = d.holds
			}
			cases = append(cases, regressionCase{name: rel, rule: rule, path: filepath.Join(root, tc.Path), want: want})
		}
	}
	return cases
}

// check reports a wrong number of matches.
func (c *regressionCase) check(t *testing.T, got, records int) {
	t.Helper()
	switch {
	case c.want == 0 && got == 0:
		t.Errorf("rule %s (%s, %s) does not fire on %s (%d records)", c.rule.ID, c.rule.Title, c.rule.LogSource(), c.path, records)
	case c.want > 0 && got != c.want:
		t.Errorf("rule %s (%s, %s) fires %d times on %s (%d records), want %d", c.rule.ID, c.rule.Title, c.rule.LogSource(), got, c.path, records, c.want)
	}
}

// TestRegressionDataJSON runs every rule with regression data, alone in a
// rule set, over the JSON rendering of its positive sample: process
// creations as event.Process, every other record as event.Event.
func TestRegressionDataJSON(t *testing.T) {
	bySource := map[string]int{}
	for _, c := range regressionCases(t) {
		bySource[c.rule.LogSource().String()]++
		t.Run(c.name, func(t *testing.T) {
			jsonPath := strings.TrimSuffix(c.path, filepath.Ext(c.path)) + ".json"
			data, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			procs, events, err := jsonRecords(data, jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, countMatches(t, NewRuleSet([]*Rule{c.rule}), procs, events), len(procs)+len(events))
		})
	}
	t.Logf("cases by log source: %v", bySource)
}

// countMatches counts the rule set's matches on the records, checking
// that the set agrees with its rules' own Match and MatchEvent.
func countMatches(t *testing.T, set *RuleSet, procs []event.Process, events []event.Event) int {
	t.Helper()
	n := 0
	for i := range procs {
		got := set.Match(&procs[i], nil)
		for _, r := range set.Rules() {
			if r.Match(&procs[i]) != slices.Contains(got, r) {
				t.Errorf("record %d: RuleSet.Match and rule %s's Match disagree", procs[i].EventRecordID, r.ID)
			}
		}
		n += len(got)
	}
	for i := range events {
		got := set.MatchEvent(&events[i], nil)
		for _, r := range set.Rules() {
			if r.MatchEvent(&events[i]) != slices.Contains(got, r) {
				t.Errorf("record %d: RuleSet.MatchEvent and rule %s's MatchEvent disagree", events[i].EventRecordID, r.ID)
			}
		}
		n += len(got)
	}
	return n
}

// TestRegressionDataEVTX runs every rule with regression data, alone, end
// to end: its positive EVTX sample read by the fast decoder through the
// pipeline, with the records the rule set selects decoded in full. A
// sample whose matching records are not process creations needs decoders
// that fill decode.Result.Selected; while they do not, the case is
// skipped, saying so.
func TestRegressionDataEVTX(t *testing.T) {
	for _, c := range regressionCases(t) {
		t.Run(c.name, func(t *testing.T) {
			set := NewRuleSet([]*Rule{c.rule})
			procs, events := readSelected(t, set.Selection(), c.path)
			jsonPath := strings.TrimSuffix(c.path, filepath.Ext(c.path)) + ".json"
			data, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			_, truth, err := jsonRecords(data, jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			if len(truth) > 0 && len(events) == 0 {
				t.Fatalf("%s holds %d records other than process creations, but the decoder left Result.Selected empty (selection %s)", c.path, len(truth), set.Selection())
			}
			c.check(t, countMatches(t, set, procs, events), len(procs)+len(events))
		})
	}
}

// readSelected reads an EVTX file through the pipeline with the fast
// decoder, returning its process events and the other records want
// selects.
func readSelected(tb testing.TB, want *event.Selection, paths ...string) ([]event.Process, []event.Event) {
	tb.Helper()
	w := walk.Paths(paths)
	for _, n := range w.Notes {
		tb.Fatalf("walk: %s", n)
	}
	var procs []event.Process
	var events []event.Event
	_, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    1,
		Want:       want,
		NewDecoder: func() decode.Decoder { return binxml.New() },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			procs = append(procs, r.Events...)
			events = append(events, r.Selected...)
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return procs, events
}
