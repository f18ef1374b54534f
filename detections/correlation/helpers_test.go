package correlation

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// t0 is the time test streams start at.
var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// baseLookup resolves references to base rules whose id is the reference
// itself, for the names listed.
func baseLookup(names ...string) func(string) (string, bool) {
	return func(ref string) (string, bool) {
		for _, n := range names {
			if n == ref {
				return n, true
			}
		}
		return "", false
	}
}

// mustSet parses the correlation documents of text and resolves them
// against base rules named bases, failing the test on any error.
func mustSet(t testing.TB, text string, bases ...string) *Set {
	t.Helper()
	rules, errs := ParseFile([]byte(text), "test.yml")
	for _, e := range errs {
		t.Fatalf("parse: %v", e)
	}
	set, rerrs := Resolve(rules, baseLookup(bases...))
	for _, e := range rerrs {
		t.Fatalf("resolve: %v", e)
	}
	return set
}

// rec is one base-rule match of a test stream.
type rec struct {
	rule   string
	at     time.Duration // after t0
	fields map[string]string
	id     uint64 // the record id; 0: its position in the stream, from 1
}

// mk returns a record of a test stream.
func mk(rule string, at time.Duration, fields map[string]string) rec {
	return rec{rule: rule, at: at, fields: fields}
}

// fieldsOf returns rec's fields as Observe wants them.
func (r rec) fieldsOf() func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := r.fields[name]
		return v, ok
	}
}

// kv builds a field map from "Name=value" pairs.
func kv(pairs ...string) map[string]string {
	m := map[string]string{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}

// run feeds recs in order and
// flushes, returning the findings and the engine.
func run(t testing.TB, set *Set, opts Options, recs []rec) ([]*Finding, *Engine) {
	t.Helper()
	var out []*Finding
	e := NewEngine(set, opts, func(f *Finding) { out = append(out, f) })
	for i, r := range recs {
		id := r.id
		if id == 0 {
			id = uint64(i + 1)
		}
		e.Observe(r.rule, t0.Add(r.at), r.fieldsOf(), Ref{Time: t0.Add(r.at), Computer: "DC01",
			Channel: "Security", EventID: 4625, EventRecordID: id, File: "Security.evtx"})
	}
	e.Flush()
	return out, e
}

// summary renders findings compactly and in a fixed order, for
// comparisons: "rule group count/records first..last".
func summary(fs []*Finding) []string {
	var out []string
	for _, f := range fs {
		var g []string
		for _, v := range f.Group {
			g = append(g, v.Field+"="+v.Value)
		}
		out = append(out, fmt.Sprintf("%s [%s] %d/%d %s..%s", f.RuleID, strings.Join(g, ","), f.Count, f.Records,
			f.First.Sub(t0), f.Last.Sub(t0)))
	}
	sort.Strings(out)
	return out
}

// eventCountRule is an event_count rule over base rule "fail" by User.
func eventCountRule(timespan, condition string) string {
	return fmt.Sprintf(`title: count
id: count
correlation:
  type: event_count
  rules: [fail]
  group-by: [User]
  timespan: %s
  condition: {%s}
`, timespan, condition)
}

// every returns n records of rule for user, one every step from start.
func every(rule, user string, n int, start, step time.Duration) []rec {
	var out []rec
	for i := range n {
		out = append(out, rec{rule: rule, at: start + time.Duration(i)*step, fields: kv("User=" + user)})
	}
	return out
}
