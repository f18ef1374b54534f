package sigma

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// ruleYAML wraps a detection section (YAML, without the "detection:"
// line, indented by 4) into a complete rule.
func ruleYAML(detection string) string {
	var b strings.Builder
	b.WriteString("title: test rule\nid: 00000000-0000-0000-0000-000000000001\nlevel: high\n")
	b.WriteString("logsource:\n    category: process_creation\n    product: windows\ndetection:\n")
	for _, line := range strings.Split(strings.Trim(detection, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

// compileRule compiles one rule from its detection section or fails the
// test.
func compileRule(t testing.TB, detection string, opts Options) *Rule {
	t.Helper()
	rules, errs := ParseRules([]byte(ruleYAML(detection)), "test.yml", opts)
	if len(errs) > 0 {
		t.Fatalf("rule does not load: %v\n%s", errs[0], ruleYAML(detection))
	}
	if len(rules) != 1 {
		t.Fatalf("got %d rules, want 1", len(rules))
	}
	return rules[0]
}

// sysmonEvent builds a Sysmon 1 event with the given fields (Sigma names).
func sysmonEvent(fields map[string]string) *event.Process {
	p := &event.Process{EventID: event.SysmonProcessCreate, Channel: event.SysmonChannel, Provider: event.SysmonProvider}
	setFields(p, fields)
	return p
}

func setFields(p *event.Process, fields map[string]string) {
	for name, v := range fields {
		f, ok := event.Lookup(name)
		if !ok {
			panic(fmt.Sprintf("test uses unknown field %q", name))
		}
		if !p.Set(f, v) {
			panic(fmt.Sprintf("test sets %s to non-number %q", name, v))
		}
	}
}

// matchCase is one table entry: a detection, an event, the expected
// answer.
type matchCase struct {
	name  string
	det   string
	event map[string]string
	want  bool
}

func runMatchCases(t *testing.T, cases []matchCase, opts Options) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := compileRule(t, tc.det, opts)
			p := sysmonEvent(tc.event)
			if got := r.Match(p); got != tc.want {
				t.Errorf("Match = %v, want %v\nevent: %v\ndetection:\n%s", got, tc.want, tc.event, tc.det)
			}
			// The prefilter must agree with the rule.
			set := NewRuleSet([]*Rule{r})
			if got := len(set.Match(p, nil)) == 1; got != tc.want {
				t.Errorf("RuleSet.Match = %v, want %v", got, tc.want)
			}
		})
	}
}

// globRegexp translates a parsed value to an anchored, case-sensitive Go
// regular expression, as an independent oracle for the pattern matcher.
func globRegexp(s sigmaString) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, t := range s {
		switch t.kind {
		case tokLiteral:
			b.WriteString(regexp.QuoteMeta(t.lit))
		case tokAnyOne:
			b.WriteString(".")
		case tokAnyMany:
			b.WriteString(".*")
		case tokDash:
			b.WriteString("[-/\u2013\u2014\u2015]")
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}
