package correlation

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseValid parses rules written as the specification's examples and
// checks every attribute read.
func TestParseValid(t *testing.T) {
	text := `title: Base
name: failed_login
logsource: {product: windows, service: security}
detection: {sel: {EventID: 4625}, condition: sel}
---
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
name: many_failed
status: test
description: d
author: me
date: 2024-01-01
modified: 2024-02-01
references: [https://example.org]
falsepositives: one
tags: [attack.credential-access, attack.t1110, custom.tag]
level: HIGH
custom_attribute: kept out of the way
correlation:
  type: value_count
  rules:
    - failed_login
    - 5638f7c0-ac70-491d-8465-2a65075e0d86
  group-by:
    - ComputerName
    - WorkstationName
  timespan: 1d
  condition:
    field: User
    gt: 100
    lte: 200
  aliases:
    ComputerName:
      failed_login: Computer
generate: true
`
	rules, errs := ParseFile([]byte(text), "rules.yml")
	if len(errs) > 0 || len(rules) != 1 {
		t.Fatalf("rules %d, errors %v", len(rules), errs)
	}
	r := rules[0]
	checks := []struct {
		what string
		ok   bool
	}{
		{"id", r.ID == "0e95725d-7320-415d-80f7-004da920fc11"},
		{"name", r.Name == "many_failed"},
		{"title", r.Title == "Many failed logins"},
		{"metadata", r.Status == "test" && r.Description == "d" && r.Author == "me" && r.Date == "2024-01-01" && r.Modified == "2024-02-01"},
		{"lists", slices.Equal(r.References, []string{"https://example.org"}) && slices.Equal(r.FalsePositives, []string{"one"})},
		{"level folded", r.Level == "high"},
		{"attack tags", slices.Equal(r.AttackTags(), []string{"attack.credential-access", "attack.t1110"})},
		{"type", r.Type == ValueCount && r.Type.String() == "value_count"},
		{"rules", slices.Equal(r.Rules, []string{"failed_login", "5638f7c0-ac70-491d-8465-2a65075e0d86"})},
		{"group-by", slices.Equal(r.GroupBy, []string{"ComputerName", "WorkstationName"})},
		{"timespan", r.Timespan == 24*time.Hour},
		{"condition", r.Condition.Field == "User" && r.Condition.Min == 101 && r.Condition.Max == 200 && r.Condition.String() == "gt 100 and lte 200"},
		{"condition holds", !r.Condition.Holds(100) && r.Condition.Holds(101) && r.Condition.Holds(200) && !r.Condition.Holds(201)},
		{"alias", r.fieldFor("ComputerName", 0) == "Computer" && r.fieldFor("ComputerName", 1) == "ComputerName" && r.fieldFor("WorkstationName", 0) == "WorkstationName"},
		{"generate", r.Generate},
		{"location", r.Location() == "rules.yml:6"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong in %+v", c.what, r)
		}
	}
}

// TestParseDefaults checks what a rule gets when it leaves attributes out.
func TestParseDefaults(t *testing.T) {
	rules, errs := ParseFile([]byte(`title: t
id: x
correlation:
  type: temporal
  rules: [a, b, c]
  timespan: 30s
  generate: false
`), "f.yml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	r := rules[0]
	if r.Level != "informational" || r.Generate || len(r.GroupBy) != 0 || r.Timespan != 30*time.Second {
		t.Errorf("defaults wrong: %+v", r)
	}
	if c := r.Condition; c.Min != 3 || c.Max != math.MaxInt64 || c.Bounded() || c.String() != "all 3 rules" {
		t.Errorf("temporal default condition %+v (%s)", c, c)
	}
}

// TestParseErrors checks that every mistake is an error naming its line.
func TestParseErrors(t *testing.T) {
	const head = "title: t\nid: x\n"
	section := func(lines ...string) string {
		return head + "correlation:\n  " + strings.Join(lines, "\n  ") + "\n"
	}
	ok := []string{"type: event_count", "rules: [a]", "group-by: [U]", "timespan: 5m", "condition: {gte: 2}"}
	with := func(replace map[string]string, extra ...string) string {
		var lines []string
		for _, l := range ok {
			key, _, _ := strings.Cut(l, ":")
			if r, found := replace[key]; found {
				if r != "" {
					lines = append(lines, r)
				}
				continue
			}
			lines = append(lines, l)
		}
		return section(append(lines, extra...)...)
	}
	tests := []struct {
		name, text string
		line       int
		want       string
	}{
		{"not YAML", "title: [", 1, "invalid YAML"},
		{"duplicate key", head + "title: u\n", 3, `duplicate key "title"`},
		{"alias", "a: &x 1\nb: *x\ncorrelation: {}\n", 2, "aliases"},
		{"not a map", "- correlation\n", 0, ""},
		{"no title", "id: x\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n", 1, "missing title"},
		{"no id", "title: t\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n", 1, "missing id"},
		{"empty id", "title: t\nid: ''\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n", 2, "id is empty"},
		{"long title", "title: " + strings.Repeat("x", 257) + "\nid: x\ncorrelation: {type: event_count, rules: [a], timespan: 5m, condition: {gte: 1}}\n", 1, "longer than 256"},
		{"bad level", with(nil) + "level: severe\n", 9, `unknown level "severe"`},
		{"bad status", with(nil) + "status: done\n", 9, `unknown status "done"`},
		{"misspelt attribute", with(nil) + "descriptio: x\n", 9, `did you mean "description"`},
		{"section key at the top", with(nil) + "timespan: 5m\n", 9, "belongs in the correlation section"},
		{"logsource", with(nil) + "logsource: {product: windows}\n", 9, "has no logsource"},
		{"tags not a list", with(nil) + "tags: attack.t1110\n", 9, "tags must be a list"},
		{"correlation not a map", head + "correlation: event_count\n", 3, "correlation must be a map"},
		{"no type", with(map[string]string{"type": ""}), 4, "has no type"},
		{"bad type", with(map[string]string{"type": "type: value_sum"}), 4, `unknown correlation type "value_sum"`},
		{"no rules", with(map[string]string{"rules": ""}), 4, "has no rules"},
		{"empty rules", with(map[string]string{"rules": "rules: []"}), 5, "rules is empty"},
		{"rule twice", with(map[string]string{"rules": "rules: [a, a]"}), 5, `"a" is listed twice`},
		{"rule not a string", with(map[string]string{"rules": "rules: [{a: 1}]"}), 5, "list of strings"},
		{"temporal of one", section("type: temporal", "rules: [a]", "timespan: 5m"), 5, "at least two rules"},
		{"group-by twice", with(map[string]string{"group-by": "group-by: [U, U]"}), 6, `lists "U" twice`},
		{"group-by a string", with(map[string]string{"group-by": "group-by: U"}), 6, "group-by must be a list"},
		{"no timespan", with(map[string]string{"timespan": ""}), 4, "has no timespan"},
		{"timespan unit", with(map[string]string{"timespan": "timespan: 5w"}), 7, "whole number followed by s, m, h or d"},
		{"timespan upper case", with(map[string]string{"timespan": "timespan: 5M"}), 7, "whole number followed"},
		{"timespan compound", with(map[string]string{"timespan": "timespan: 1h30m"}), 7, "whole number followed"},
		{"timespan zero", with(map[string]string{"timespan": "timespan: 0s"}), 7, "longer than zero"},
		{"timespan huge", with(map[string]string{"timespan": "timespan: 9999999d"}), 7, "longer than the 366 days"},
		{"timespan number", with(map[string]string{"timespan": "timespan: 300"}), 7, "whole number followed"},
		{"no condition", with(map[string]string{"condition": ""}), 4, "needs a condition"},
		{"condition string", with(map[string]string{"condition": "condition: a and b"}), 8, "expressions over rule names are not supported"},
		{"condition unknown", with(map[string]string{"condition": "condition: {gteq: 2}"}), 8, `did you mean "gte"`},
		{"condition negative", with(map[string]string{"condition": "condition: {gte: -1}"}), 8, "whole number from 0"},
		{"condition float", with(map[string]string{"condition": "condition: {gte: 1.5}"}), 8, "must be a whole number"},
		{"condition hex", with(map[string]string{"condition": "condition: {gte: 0x10}"}), 8, "whole number from 0"},
		{"condition empty", with(map[string]string{"condition": "condition: {}"}), 8, "must be a map"},
		{"condition only field", section("type: value_count", "rules: [a]", "timespan: 5m", "condition: {field: U}"), 7, "has no comparison"},
		{"condition impossible", with(map[string]string{"condition": "condition: {gt: 5, lt: 3}"}), 8, "can never be true"},
		{"condition zero only", with(map[string]string{"condition": "condition: {lt: 1}"}), 8, "at least one record"},
		{"condition eq 0", with(map[string]string{"condition": "condition: {eq: 0}"}), 8, "at least one record"},
		{"condition max int", with(map[string]string{"condition": "condition: {gt: 9223372036854775807}"}), 8, "can never be true"},
		{"value_count without field", section("type: value_count", "rules: [a]", "timespan: 5m", "condition: {gte: 2}"), 7, "needs the field"},
		{"field on event_count", with(map[string]string{"condition": "condition: {gte: 2, field: U}"}), 8, "only used by value_count"},
		{"field list", section("type: value_count", "rules: [a]", "timespan: 5m", "condition: {gte: 2, field: [U, V]}"), 7, "name one field"},
		{"temporal condition over the rules", section("type: temporal", "rules: [a, b]", "timespan: 5m", "condition: {gte: 3}"), 7, "at most its 2 rules"},
		{"ordered attribute", with(nil, "ordered: true"), 9, "use type: temporal_ordered"},
		{"unknown section key", with(nil, "groupby: [U]"), 9, `did you mean "group-by"`},
		{"generate twice", with(nil, "generate: true") + "generate: false\n", 9, "generate is given twice"},
		{"generate not a bool", with(nil, "generate: yes please"), 9, "true or false"},
		{"alias not used", with(nil, "aliases: {ip: {a: SourceIp}}"), 9, `"ip" is used neither in group-by`},
		{"alias of another rule", with(map[string]string{"group-by": "group-by: [ip]"}, "aliases: {ip: {b: SourceIp}}"), 9, `names rule "b", which is not in rules`},
		{"alias empty field", with(map[string]string{"group-by": "group-by: [ip]"}, "aliases: {ip: {a: ''}}"), 9, "is empty"},
		{"alias not a map", with(map[string]string{"group-by": "group-by: [ip]"}, "aliases: [ip]"), 9, "aliases must be a map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, errs := ParseFile([]byte(tt.text), "bad.yml")
			if tt.name == "not a map" { // not a correlation document: nothing to parse
				if len(rules) != 0 || len(errs) != 0 {
					t.Errorf("rules %v errors %v", rules, errs)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("no error; rules %+v", rules)
			}
			e := errs[0]
			if e.Line != tt.line || !strings.Contains(e.Reason, tt.want) || e.File != "bad.yml" {
				t.Errorf("got %v (line %d), want line %d and %q", e, e.Line, tt.line, tt.want)
			}
		})
	}
}

// TestParseReportsEveryProblem checks that all the problems of a rule are
// reported, in line order, with the rule id.
func TestParseReportsEveryProblem(t *testing.T) {
	_, errs := ParseFile([]byte("title: t\nid: r1\nlevel: bad\ncorrelation:\n  type: nope\n  rules: []\n  timespan: 1x\n"), "f.yml")
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
		if e.RuleID != "r1" || !strings.HasPrefix(e.Error(), "f.yml:") || !strings.Contains(e.Error(), "correlation r1: ") {
			t.Errorf("error %q", e)
		}
	}
	if !slices.Equal(lines, []int{3, 5, 6, 7}) {
		t.Errorf("lines %v, want 3, 5, 6, 7: %v", lines, errs)
	}
}

// TestIsCorrelation checks document routing.
func TestIsCorrelation(t *testing.T) {
	docs, err := decodeDocuments([]byte("title: a\ndetection: {}\n---\ntitle: b\ncorrelation: {}\n---\n- x\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := []bool{IsCorrelation(docs[0]), IsCorrelation(docs[1]), IsCorrelation(docs[2]), IsCorrelation(nil)}
	if !slices.Equal(got, []bool{false, true, false, false}) {
		t.Errorf("IsCorrelation: %v", got)
	}
	if _, errs := Parse("f.yml", docs[2]); len(errs) != 1 || !strings.Contains(errs[0].Reason, "must be a YAML map") {
		t.Errorf("Parse of a list: %v", errs)
	}
}
