package sigma

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
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

// readEvents decodes the process-creation events of EVTX files through
// the reading pipeline.
func readEvents(tb testing.TB, paths ...string) []event.Process {
	tb.Helper()
	w := walk.Paths(paths)
	for _, n := range w.Notes {
		tb.Fatalf("walk: %s", n)
	}
	var events []event.Process
	_, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    1,
		NewDecoder: func() decode.Decoder { return velocidex.Decoder{} },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			events = append(events, r.Events...)
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return events
}

// TestRegressionData runs, for every folder of ../shared/sigma/regression_data,
// the rule its info.yml names over its EVTX file and checks the rule fires
// match_count times (at least once when no count is given).
func TestRegressionData(t *testing.T) {
	root := testshared.Dir(t, "sigma")
	rules, errs := loadPublicRules(t)
	if len(errs) > 0 {
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
	for _, infoPath := range infos {
		rel, _ := filepath.Rel(root, filepath.Dir(infoPath))
		t.Run(rel, func(t *testing.T) {
			checkRegression(t, root, infoPath, byID)
		})
	}
}

func checkRegression(t *testing.T, root, infoPath string, byID map[string]*Rule) {
	data, err := os.ReadFile(infoPath)
	if err != nil {
		t.Fatal(err)
	}
	var info regressionInfo
	if err := yaml.Unmarshal(data, &info); err != nil {
		t.Fatalf("%s: %v", infoPath, err)
	}
	if len(info.RuleMetadata) == 0 || len(info.Tests) == 0 {
		t.Fatalf("%s: no rule or no test", infoPath)
	}
	rule := byID[info.RuleMetadata[0].ID]
	if rule == nil {
		t.Fatalf("rule %s (%s) is not among the loaded rules", info.RuleMetadata[0].ID, info.RuleMetadata[0].Title)
	}
	for _, tc := range info.Tests {
		if tc.Type != "evtx" {
			continue
		}
		events := readEvents(t, filepath.Join(root, tc.Path))
		got := 0
		for i := range events {
			if rule.Match(&events[i]) {
				got++
			}
		}
		want := tc.MatchCount
		switch {
		case want == 0 && got == 0:
			t.Errorf("rule %s (%s) does not fire on %s (%d events)", rule.ID, rule.Title, tc.Path, len(events))
		case want > 0 && got != want:
			t.Errorf("rule %s (%s) fires %d times on %s (%d events), want %d", rule.ID, rule.Title, got, tc.Path, len(events), want)
		}
	}
}
