package correlation

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// baseRule is a built-in base rule as the tests see it: its id, name and
// a matcher for the small subset of Sigma detection the built-in base
// rules use (see compileBase). The Sigma engine matches them in evtxhunt;
// this stand-in lets the correlation tests run on events.
type baseRule struct {
	id, name string
	match    func(fields func(string) (string, bool)) bool
}

// loadBuiltin parses every built-in file: the correlation rules resolved
// into a set, and the base rules compiled for the tests. Any problem fails
// the test: built-in rules must load cleanly.
func loadBuiltin(t testing.TB) (*Set, []baseRule) {
	t.Helper()
	files, err := fs.Glob(Builtin(), "*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in files: %v", err)
	}
	var rules []*Rule
	var bases []baseRule
	for _, name := range files {
		data, err := fs.ReadFile(Builtin(), name)
		if err != nil {
			t.Fatal(err)
		}
		rs, errs := ParseFile(data, BuiltinPrefix+name)
		for _, e := range errs {
			t.Errorf("built-in correlation does not load: %v", e)
		}
		rules = append(rules, rs...)
		docs, err := decodeDocuments(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, doc := range docs {
			if !IsCorrelation(doc) {
				bases = append(bases, compileBase(t, name, doc))
			}
		}
	}
	set, errs := Resolve(rules, func(ref string) (string, bool) {
		for _, b := range bases {
			if b.id == ref || b.name == ref {
				return b.id, true
			}
		}
		return "", false
	})
	for _, e := range errs {
		t.Errorf("built-in correlation does not resolve: %v", e)
	}
	return set, bases
}

// compileBase compiles a base rule whose detection is selections of
// field: value or field: [values] (case-insensitive equality, or the
// endswith modifier) and a condition "a and not b and ...". Anything else
// fails the test, so the stand-in never silently differs from Sigma.
func compileBase(t testing.TB, file string, doc *yaml.Node) baseRule {
	t.Helper()
	var b baseRule
	if v := mapValue(doc, "id"); v != nil {
		b.id = v.Value
	}
	if v := mapValue(doc, "name"); v != nil {
		b.name = v.Value
	}
	det := mapValue(doc, "detection")
	if b.id == "" || b.name == "" || det == nil || det.Kind != yaml.MappingNode {
		t.Fatalf("%s:%d: a built-in base rule needs an id, a name and a detection", file, doc.Line)
	}
	selections := map[string]func(func(string) (string, bool)) bool{}
	var condition string
	for i := 0; i+1 < len(det.Content); i += 2 {
		k, v := det.Content[i].Value, det.Content[i+1]
		if k == "condition" {
			condition = v.Value
			continue
		}
		selections[k] = compileSelection(t, file, v)
	}
	type term struct {
		negate bool
		sel    func(func(string) (string, bool)) bool
	}
	var terms []term
	for _, part := range strings.Split(condition, " and ") {
		name, negate := strings.CutPrefix(part, "not ")
		sel, ok := selections[name]
		if !ok {
			t.Fatalf("%s:%d: condition %q is beyond the test stand-in", file, det.Line, condition)
		}
		terms = append(terms, term{negate, sel})
	}
	b.match = func(fields func(string) (string, bool)) bool {
		for _, tm := range terms {
			if tm.sel(fields) == tm.negate {
				return false
			}
		}
		return true
	}
	return b
}

func compileSelection(t testing.TB, file string, sel *yaml.Node) func(func(string) (string, bool)) bool {
	if sel.Kind != yaml.MappingNode {
		t.Fatalf("%s:%d: selection beyond the test stand-in", file, sel.Line)
	}
	type item struct {
		field, modifier string
		values          []string
	}
	var items []item
	for i := 0; i+1 < len(sel.Content); i += 2 {
		field, modifier, _ := strings.Cut(sel.Content[i].Value, "|")
		if modifier != "" && modifier != "endswith" {
			t.Fatalf("%s:%d: modifier %q beyond the test stand-in", file, sel.Line, modifier)
		}
		v := sel.Content[i+1]
		it := item{field: field, modifier: modifier}
		if v.Kind == yaml.ScalarNode {
			it.values = []string{v.Value}
		}
		for _, c := range v.Content {
			it.values = append(it.values, c.Value)
		}
		items = append(items, it)
	}
	return func(fields func(string) (string, bool)) bool {
		for _, it := range items {
			got, ok := fields(it.field)
			if !ok || !slices.ContainsFunc(it.values, func(want string) bool {
				if it.modifier == "endswith" {
					return strings.HasSuffix(strings.ToLower(got), strings.ToLower(want))
				}
				return strings.EqualFold(got, want)
			}) {
				return false
			}
		}
		return true
	}
}

// TestBuiltinRules checks what every built-in correlation must have, and
// that the base rules they refer to report nothing of their own.
func TestBuiltinRules(t *testing.T) {
	set, bases := loadBuiltin(t)
	titles := map[string]bool{}
	for _, r := range set.Rules() {
		titles[r.Title] = true
		if r.Description == "" || len(r.AttackTags()) == 0 || r.Status != "stable" || r.Author != "evtxhunt" {
			t.Errorf("%s: needs a description, ATT&CK tags, status stable and author evtxhunt", r.Location())
		}
		if !strings.HasPrefix(r.Source, BuiltinPrefix) {
			t.Errorf("%s: source %q", r.ID, r.Source)
		}
	}
	for _, want := range []string{"Password Guessing Against One Account", "Password Spraying From One Source",
		"Slow Password Spraying From One Source", "Brute Force Followed by a Successful Logon"} {
		if !titles[want] {
			t.Errorf("missing built-in correlation %q", want)
		}
	}
	for _, b := range bases {
		if !set.Suppressed(b.id) {
			t.Errorf("base rule %s (%s) is not suppressed: it would report every event", b.name, b.id)
		}
	}
	if len(set.BaseRules()) != len(bases) {
		t.Errorf("the correlations use %d base rules of the %d defined", len(set.BaseRules()), len(bases))
	}
}
