package detections

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// The built-in correlations load, their base rules stay loaded whatever
// --min-level says, and --min-level applies to the correlations' levels.
func TestLoadCorrelations(t *testing.T) {
	set, errs := Load(Config{MinLevel: sigma.Critical})
	if bad := sigma.Errors(errs); len(bad) > 0 {
		t.Fatalf("load errors: %v", bad)
	}
	for _, c := range set.Correlations().Rules() {
		if c.Level != "critical" {
			t.Errorf("correlation %s (%s) kept at --min-level critical", c.ID, c.Level)
		}
	}
	// At high, brute force then success (high) keeps the low correlation
	// it refers to.
	set, _ = Load(Config{MinLevel: sigma.High})
	ids := map[string]bool{}
	for _, c := range set.Correlations().Rules() {
		ids[c.ID] = true
	}
	if !ids["35e5bd9f-3cb6-4773-87dd-3dfce5502e69"] || !ids["70c57a55-11df-41b1-b769-af58d7579455"] || ids["54abb59f-847b-4d07-81ef-3f53291cddc3"] {
		t.Errorf("correlations at --min-level high: %v", ids)
	}
	all, errs := Load(Config{})
	if bad := sigma.Errors(errs); len(bad) > 0 {
		t.Fatalf("load errors: %v", bad)
	}
	if n := len(all.Correlations().Rules()); n < 4 {
		t.Fatalf("%d built-in correlations loaded, want at least 4", n)
	}
	ids = map[string]bool{}
	for _, r := range all.Rules() {
		ids[r.ID] = true
	}
	for _, id := range all.Correlations().BaseRules() {
		if !ids[id] {
			t.Errorf("base rule %s is not in the set", id)
		}
	}
	none, _ := Load(Config{NoBuiltin: true})
	if n := len(none.Correlations().Rules()); n != 0 {
		t.Errorf("--no-builtin kept %d correlations", n)
	}
}

// A correlation referring to a missing rule is an error naming file, line
// and rule; one referring to a rule by name resolves.
func TestLoadCorrelationErrors(t *testing.T) {
	dir := t.TempDir()
	rules := `title: Base
id: base-1
name: my_base
logsource:
    product: windows
    service: security
detection:
    sel:
        EventID: 4625
    condition: sel
level: low
---
title: Many
id: corr-1
correlation:
    type: event_count
    rules: [my_base]
    group-by: [TargetUserName]
    timespan: 5m
    condition:
        gte: 3
level: high
---
title: Broken
id: corr-2
correlation:
    type: event_count
    rules: [nothing_here]
    timespan: 5m
    condition:
        gte: 3
level: high
`
	path := filepath.Join(dir, "c.yml")
	if err := os.WriteFile(path, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	set, errs := Load(Config{NoBuiltin: true, RulePaths: []string{path}, MinLevel: sigma.Medium})
	bad := sigma.Errors(errs)
	if len(bad) != 1 || bad[0].File != path || bad[0].Line != 24 || bad[0].RuleID != "corr-2" || !strings.Contains(bad[0].Reason, "nothing_here") {
		t.Fatalf("got errors %v, want one about corr-2 at line 24", bad)
	}
	if got := set.Correlations().Rules(); len(got) != 1 || got[0].ID != "corr-1" {
		t.Fatalf("correlations %v, want corr-1", got)
	}
	if !set.Correlations().Wants("base-1") || !set.Correlations().Suppressed("base-1") {
		t.Error("base-1 should feed corr-1 and be suppressed")
	}
	if len(set.Rules()) != 1 || set.Rules()[0].Name != "my_base" {
		t.Errorf("low base rule not kept at --min-level medium: %v", set.Rules())
	}
}
