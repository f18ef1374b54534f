package correlation

import (
	"slices"
	"strings"
	"testing"
)

// corr renders a small correlation document.
func corr(id, name, typ, rules, groupBy string) string {
	doc := "title: " + id + "\nid: " + id + "\n"
	if name != "" {
		doc += "name: " + name + "\n"
	}
	doc += "correlation:\n  type: " + typ + "\n  rules: [" + rules + "]\n  group-by: [" + groupBy + "]\n  timespan: 5m\n"
	if typ == "event_count" {
		doc += "  condition: {gte: 2}\n"
	}
	return doc
}

// TestResolve checks reference resolution: which rules load, in which
// order, and the error of each that does not.
func TestResolve(t *testing.T) {
	// base rules: ids b1, b2; b1 is also called "base_one"
	lookup := func(ref string) (string, bool) {
		switch ref {
		case "b1", "base_one":
			return "b1", true
		case "b2":
			return "b2", true
		case "clash":
			return "b2", true
		}
		return "", false
	}
	tests := []struct {
		name   string
		docs   []string
		loaded []string // in dependency order
		errs   []string // one substring per error
	}{
		{"by id and by name", []string{corr("c1", "", "event_count", "b1, b2", "U"), corr("c2", "", "event_count", "base_one", "U")},
			[]string{"c1", "c2"}, nil},
		{"unknown reference", []string{corr("c1", "", "event_count", "b1, nope", "U")},
			nil, []string{`refers to rule "nope", which is not loaded`}},
		{"the same rule twice", []string{corr("c1", "", "event_count", "b1, base_one", "U")},
			nil, []string{`references "b1" and "base_one" name the same rule`}},
		{"chain after its inner rule", []string{corr("outer", "", "temporal", "inner_name, b2", "U"), corr("inner", "inner_name", "event_count", "b1", "U")},
			[]string{"inner", "outer"}, nil},
		{"chain by id", []string{corr("outer", "", "temporal", "inner, b2", "U"), corr("inner", "", "event_count", "b1", "U")},
			[]string{"inner", "outer"}, nil},
		{"cycle", []string{corr("x", "", "temporal", "y, b1", "U"), corr("y", "", "temporal", "x, b1", "U"), corr("z", "", "event_count", "b1", "U")},
			[]string{"z"}, []string{"reference cycle", "not loaded"}},
		{"self reference", []string{corr("x", "", "temporal", "x, b1", "U")}, nil, []string{"reference cycle"}},
		{"depends on a broken rule", []string{corr("outer", "", "temporal", "inner, b2", "U"), corr("inner", "", "event_count", "nope", "U")},
			nil, []string{`"nope", which is not loaded`, `correlation "inner", which is not loaded`}},
		{"duplicate id", []string{corr("c1", "", "event_count", "b1", "U"), corr("c1", "", "event_count", "b2", "U")},
			[]string{"c1"}, []string{`id "c1" is already used by the correlation at test.yml:1`}},
		{"duplicate name", []string{corr("c1", "n", "event_count", "b1", "U"), corr("c2", "n", "event_count", "b2", "U")},
			[]string{"c1"}, []string{`name "n" is already used`}},
		{"id of a base rule", []string{corr("b1", "", "event_count", "b2", "U")}, nil, []string{`id "b1" is already used by a rule`}},
		{"ambiguous reference", []string{corr("c1", "clash", "event_count", "b1", "U"), corr("c2", "", "event_count", "clash", "U")},
			[]string{"c1"}, []string{`"clash" names both a correlation and a rule`}},
		{"outer groups by a field the inner does not have", []string{corr("outer", "", "temporal", "inner, b2", "User"), corr("inner", "", "event_count", "b1", "Host")},
			[]string{"inner"}, []string{`uses field "User" of correlation "inner", which groups by [Host] only`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Join(tt.docs, "---\n")
			rules, perrs := ParseFile([]byte(text), "test.yml")
			if len(perrs) > 0 {
				t.Fatal(perrs)
			}
			set, errs := Resolve(rules, lookup)
			var loaded []string
			for _, r := range set.Rules() {
				loaded = append(loaded, r.ID)
			}
			if !slices.Equal(loaded, tt.loaded) {
				t.Errorf("loaded %q, want %q", loaded, tt.loaded)
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors %v, want %d", errs, len(tt.errs))
			}
			for i, e := range errs {
				if !strings.Contains(e.Reason, tt.errs[i]) || e.File != "test.yml" || e.Line == 0 || e.RuleID == "" {
					t.Errorf("error %d: %v, want %q", i, e, tt.errs[i])
				}
			}
		})
	}
}

// TestResolveAliasesInChains checks that an outer rule's alias may name
// the inner rule's group-by field.
func TestResolveAliasesInChains(t *testing.T) {
	text := `title: outer
id: outer
correlation:
  type: temporal
  rules: [inner, b2]
  group-by: [who]
  timespan: 5m
  aliases:
    who:
      inner: User
      b2: TargetUserName
---
` + corr("inner", "", "event_count", "b1", "User")
	set := mustSet(t, text, "b1", "b2")
	outer := set.rules[1]
	if outer.ID != "outer" || !slices.Equal(outer.inputs[0].groupBy, []string{"User"}) || !slices.Equal(outer.inputs[1].groupBy, []string{"TargetUserName"}) {
		t.Errorf("inputs %+v", outer.inputs)
	}
	if !set.rules[0].quiet || outer.quiet {
		t.Error("the inner correlation should be quiet, the outer not")
	}
}
