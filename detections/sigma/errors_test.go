package sigma

import (
	"errors"
	"strings"
	"testing"
)

func TestConditionErrors(t *testing.T) {
	names := []string{"selection", "filter_a", "filter_b"}
	cases := []struct {
		cond   string
		column int
		msg    string
	}{
		{"", 1, "empty condition"},
		{"selection and", 14, "condition ends"},
		{"selection and and filter_a", 15, `found "and"`},
		{"(selection", 11, `expected ")" to close the "(" at column 1`},
		{"selection)", 10, `unexpected ")"`},
		{"selecton", 1, `unknown search identifier "selecton" (did you mean "selection"?)`},
		{"selection | count() > 5", 11, "aggregations"},
		{"1 of nothing*", 6, `"nothing*" matches no search identifier`},
		{"3 of filter_*", 6, "can never match"},
		{"0 of filter_*", 1, "count of at least 1"},
		{"filter_*", 1, `wildcard "filter_*" is only allowed after`},
		{"1 of", 5, "after \"of\""},
		{"selection or not", 17, "condition ends"},
		{"selection # comment", 11, "unexpected character"},
		{strings.Repeat("(", 300) + "selection" + strings.Repeat(")", 300), 202, "nested too deeply"},
	}
	for _, tc := range cases {
		t.Run(tc.cond, func(t *testing.T) {
			_, err := parseCondition(tc.cond, names)
			var ce *ConditionError
			if !errors.As(err, &ce) {
				t.Fatalf("parseCondition(%q) = %v, want a ConditionError", tc.cond, err)
			}
			if ce.Column != tc.column || !strings.Contains(ce.Msg, tc.msg) {
				t.Errorf("got column %d %q, want column %d containing %q", ce.Column, ce.Msg, tc.column, tc.msg)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	const head = "title: t\nid: r1\nlogsource:\n    category: process_creation\n    product: windows\n"
	cases := []struct {
		name string
		yaml string
		line int
		msg  string
		note bool
	}{
		{"unknown modifier", head + "detection:\n    sel:\n        Image|endwith: x\n    condition: sel\n", 8, `unknown modifier "endwith" (did you mean "endswith"?)`, false},
		{"unknown field near a known one", head + "detection:\n    sel:\n        Imgae: x\n    condition: sel\n", 8, `unknown field "Imgae" (did you mean "Image"?)`, false},
		{"missing condition", head + "detection:\n    sel:\n        Image: x\n", 7, "detection has no condition", false},
		{"misspelt condition", head + "detection:\n    sel:\n        Image: x\n    condtion: sel\n", 7, "detection has no condition", false},
		{"unused selection", head + "detection:\n    sel:\n        Image: x\n    sel2:\n        Image: y\n    condition: sel\n", 9, `"sel2" is not used`, false},
		{"condition error", head + "detection:\n    sel:\n        Image: x\n    condition: sel and\n", 9, "condition, column 8", false},
		{"map as value", head + "detection:\n    sel:\n        Image:\n            a: b\n    condition: sel\n", 9, "value must be", false},
		{"bad regex", head + "detection:\n    sel:\n        Image|re: '(['\n    condition: sel\n", 8, "regular expression", false},
		{"contains and startswith", head + "detection:\n    sel:\n        Image|contains|startswith: x\n    condition: sel\n", 8, "exclude each other", false},
		{"re with contains", head + "detection:\n    sel:\n        Image|re|contains: x\n    condition: sel\n", 8, `"re" cannot be combined with contains`, false},
		{"i without re", head + "detection:\n    sel:\n        Image|i: x\n    condition: sel\n", 8, "only apply to re", false},
		{"utf16 without base64", head + "detection:\n    sel:\n        Image|utf16le: x\n    condition: sel\n", 8, "followed directly by base64", false},
		{"base64 of wildcard", head + "detection:\n    sel:\n        Image|base64: 'a*'\n    condition: sel\n", 8, "cannot encode a value with wildcards", false},
		{"exists not bool", head + "detection:\n    sel:\n        Image|exists: maybe\n    condition: sel\n", 8, "exists takes true or false", false},
		{"lt not number", head + "detection:\n    sel:\n        ProcessId|lt: many\n    condition: sel\n", 8, "lt takes a number", false},
		{"cidr invalid", head + "detection:\n    sel:\n        Image|cidr: 10.0.0.0/99\n    condition: sel\n", 8, "cidr", false},
		{"unresolved placeholder", head + "detection:\n    sel:\n        User|expand: '%Admins%'\n    condition: sel\n", 8, "placeholder %Admins% has no value", false},
		{"null with modifier", head + "detection:\n    sel:\n        Image|contains: null\n    condition: sel\n", 8, "null takes no modifiers", false},
		{"empty value list", head + "detection:\n    sel:\n        Image: []\n    condition: sel\n", 8, "empty list", false},
		{"timeframe is a note", head + "detection:\n    sel:\n        Image: x\n    timeframe: 5m\n    condition: sel\n", 9, "aggregation or timeframe", true},
		{"aggregation is a note", head + "detection:\n    sel:\n        Image: x\n    condition: sel | count() by Image > 5\n", 9, "aggregation or timeframe", true},
		{"duplicate key", head + "detection:\n    sel:\n        Image: x\n        Image: y\n    condition: sel\n", 9, `duplicate key "Image" (first at line 8)`, false},
		{"alias", head + "detection:\n    sel: &a\n        Image: x\n    sel2: *a\n    condition: sel\n", 9, "aliases", false},
		{"bad level", head + "level: severe\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 6, `unknown level "severe"`, false},
		{"bad status", head + "status: done\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 6, `unknown status "done"`, false},
		{"typo in attribute", head + "levl: high\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 6, `unknown attribute "levl" (did you mean "level"?)`, false},
		{"missing id", "title: t\nlogsource:\n    category: process_creation\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 1, "missing id", false},
		{"missing title", "id: x\nlogsource:\n    category: process_creation\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 1, "missing title", false},
		{"tags not a list", head + "tags: attack.t1\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 6, "tags must be a list", false},
		{"yaml syntax", head + "detection:\n    sel:\n      - a\n     b: c\n", 6, "invalid YAML", false},
		{"unmapped category is a note", "title: t\nid: r1\nlogsource:\n    category: file_frobnicate\n    product: windows\ndetection:\n    sel:\n        TargetFilename: x\n    condition: sel\n", 4, "category file_frobnicate has no event log mapping", true},
		{"unmapped service is a note", "title: t\nid: r1\nlogsource:\n    service: frobnicator\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\n", 4, "service frobnicator has no event log mapping", true},
		{"category outside service", "title: t\nid: r1\nlogsource:\n    category: ps_script\n    service: system\n    product: windows\ndetection:\n    sel:\n        ScriptBlockText: x\n    condition: sel\n", 4, "category ps_script is not logged by service system", true},
		{"generic category without product", "title: t\nid: r1\nlogsource:\n    category: proxy\ndetection:\n    sel:\n        c-uri: x\n    condition: sel\n", 4, "not a Windows rule (logsource category proxy without a product)", true},
		{"correlation", "title: t\nid: r1\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 5m\n    condition:\n        gte: 3\n", 1, "correlation rule", true},
		{"bad correlation", "title: t\nid: r1\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 5m\n", 4, "needs a condition", false},
		{"EventID never logged", "title: t\nid: r1\nlogsource:\n    category: registry_set\n    product: windows\ndetection:\n    sel:\n        EventID: 4688\n    condition: sel\n", 4, "EventID values are never logged by log source windows/registry_set/", false},
		{"other product is a note", "title: t\nid: r1\nlogsource:\n    category: process_creation\n    product: linux\ndetection:\n    sel:\n        Image: x\n    condition: sel\n", 4, "not a Windows rule", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules, errs := ParseRules([]byte(tc.yaml), "rules/x.yml", Options{})
			if len(rules) != 0 || len(errs) != 1 {
				t.Fatalf("got %d rules and errors %v, want one error", len(rules), errs)
			}
			e := errs[0]
			if e.File != "rules/x.yml" || e.Line != tc.line || !strings.Contains(e.Reason, tc.msg) || e.Note != tc.note {
				t.Errorf("got %s (line %d, note %v), want line %d containing %q (note %v)", e, e.Line, e.Note, tc.line, tc.msg, tc.note)
			}
		})
	}
}

// TestAllProblemsOfARule: a rule with several problems gets them all, in
// line order.
func TestAllProblemsOfARule(t *testing.T) {
	data := "title: ''\nid: r9\nlevel: severe\nlogsource:\n    category: process_creation\ndetection:\n" +
		"    sel:\n        Imgae: x\n        CommandLine|containz: y\n    sel2:\n        - Image|re: '('\n    condition: sel and sel2\n"
	_, errs := ParseRules([]byte(data), "r.yml", Options{})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"r.yml:1: rule r9: title is empty",
		"r.yml:3: rule r9: unknown level \"severe\" (want informational, low, medium, high or critical)",
		"r.yml:8: rule r9: unknown field \"Imgae\" (did you mean \"Image\"?)",
		"r.yml:9: rule r9: field \"CommandLine|containz\": unknown modifier \"containz\" (did you mean \"contains\"?)",
		"r.yml:11: rule r9: field \"Image|re\": regular expression: error parsing regexp: missing closing ): `(`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadErrorFormat(t *testing.T) {
	e := &LoadError{File: "a/b.yml", Line: 12, RuleID: "r-1", Reason: "boom"}
	if got, want := e.Error(), "a/b.yml:12: rule r-1: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &LoadError{File: "a/b.yml", Reason: "unreadable"}
	if got, want := e.Error(), "a/b.yml: unreadable"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
