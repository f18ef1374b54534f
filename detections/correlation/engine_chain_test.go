package correlation

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// chainRules is the specification's example in small: three failures of
// one user, then a success of that user, within the timespans.
const chainRules = `title: Failures then success
id: outer
correlation:
  type: temporal_ordered
  rules: [many_failures, success]
  group-by: [User]
  timespan: 10m
level: high
---
title: Many failures
id: inner
name: many_failures
correlation:
  type: event_count
  rules: [failure]
  group-by: [User]
  timespan: 5m
  condition: {gte: 3}
`

// TestChain checks a correlation over a correlation: the inner findings
// are not reported (generate defaults to false) but feed the outer one at
// the time their condition was met.
func TestChain(t *testing.T) {
	set := mustSet(t, chainRules, "failure", "success")
	fail := func(at time.Duration) rec { return mk("failure", at, kv("User=bob")) }
	ok := func(at time.Duration) rec { return mk("success", at, kv("User=bob")) }
	tests := []struct {
		name string
		recs []rec
		want []string
	}{
		{"failures then success", []rec{fail(0), fail(mn), fail(2 * mn), ok(3 * mn)}, []string{"outer [User=bob] 2/4 0s..3m0s"}},
		{"success between the failures counts from the third", []rec{fail(0), fail(mn), ok(90 * sec), fail(2 * mn), ok(3 * mn)},
			[]string{"outer [User=bob] 2/4 0s..3m0s"}},
		{"success before the third failure only", []rec{fail(0), fail(mn), ok(90 * sec), fail(2 * mn)}, nil},
		{"two failures then success", []rec{fail(0), fail(mn), ok(3 * mn)}, nil},
		{"success too late", []rec{fail(0), fail(mn), fail(2 * mn), ok(12*mn + sec)}, nil},
		{"success of someone else", []rec{fail(0), fail(mn), fail(2 * mn), mk("success", 3*mn, kv("User=amy"))}, nil},
		{"success arriving before the failures it follows", []rec{ok(3 * mn), fail(0), fail(mn), fail(2 * mn)},
			[]string{"outer [User=bob] 2/4 0s..3m0s"}},
		{"long after other traffic", append(every("failure", "zed", 200, 0, 10*sec), fail(40*mn), fail(41*mn), fail(42*mn), ok(50*mn)),
			[]string{"outer [User=bob] 2/4 40m0s..50m0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, e := run(t, set, Options{}, tt.recs)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", s, tt.want)
			}
			if e.Quiet == 0 && len(tt.want) > 0 {
				t.Error("the inner correlation fired nothing")
			}
			for _, f := range got {
				if len(f.Refs) != 4 || f.Refs[0].Time != t0 && f.First != t0.Add(40*mn) {
					t.Errorf("refs %v: want the three failures and the success", f.Refs)
				}
			}
		})
	}
}

// TestChainCompleted checks the time an inner finding is fed at: when its
// condition was first met, not its window's first or last record.
func TestChainCompleted(t *testing.T) {
	set := mustSet(t, strings.Replace(chainRules, "level: high", "level: high\ngenerate: true", 1), "failure", "success")
	got, _ := run(t, set, Options{}, every("failure", "bob", 5, 0, mn))
	if len(got) != 1 || got[0].RuleID != "inner" {
		t.Fatalf("findings %q, want the inner one (generate: true reports it)", summary(got))
	}
	if want := t0.Add(2 * mn); !got[0].Completed.Equal(want) {
		t.Errorf("completed %v, want %v (the third failure)", got[0].Completed, want)
	}
}

// TestGenerate checks which base rules are suppressed: those no
// correlation referring to them says generate: true for.
func TestGenerate(t *testing.T) {
	text := `title: a
id: a
correlation: {type: event_count, rules: [x, y], group-by: [U], timespan: 1m, condition: {gte: 2}}
---
title: b
id: b
correlation: {type: event_count, rules: [y, z], group-by: [U], timespan: 1m, condition: {gte: 2}, generate: true}
`
	set := mustSet(t, text, "x", "y", "z", "w")
	for id, want := range map[string]bool{"x": true, "y": false, "z": false, "w": false} {
		if got := set.Suppressed(id); got != want {
			t.Errorf("Suppressed(%s) = %v, want %v", id, got, want)
		}
	}
	if got := set.SuppressedRules(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("SuppressedRules = %q", got)
	}
	if got := set.BaseRules(); !slices.Equal(got, []string{"x", "y", "z"}) {
		t.Errorf("BaseRules = %q", got)
	}
	if !set.Wants("y") || set.Wants("w") {
		t.Error("Wants is wrong")
	}
}

// TestCaps checks the memory caps: early decisions, findings still made.
func TestCaps(t *testing.T) {
	set := mustSet(t, eventCountRule("1h", "gte: 3"), "fail")
	t.Run("MaxGroups closes the least recently fed group", func(t *testing.T) {
		recs := append(every("fail", "a", 3, 0, sec), every("fail", "b", 2, 10*sec, sec)...)
		recs = append(recs, every("fail", "c", 2, 20*sec, sec)...)
		recs = append(recs, every("fail", "b", 1, 30*sec, sec)...)
		got, e := run(t, set, Options{MaxGroups: 2}, recs)
		want := []string{"count [User=a] 3/3 0s..2s", "count [User=b] 3/3 10s..30s"}
		if s := summary(got); !slices.Equal(s, want) || e.Evicted != 1 {
			t.Errorf("findings %q, evicted %d; want %q, 1", s, e.Evicted, want)
		}
	})
	t.Run("MaxGroupRecords splits a burst", func(t *testing.T) {
		got, e := run(t, set, Options{MaxGroupRecords: 5}, every("fail", "a", 12, 0, sec))
		want := []string{"count [User=a] 6/6 0s..5s", "count [User=a] 6/6 6s..11s"}
		if s := summary(got); !slices.Equal(s, want) || e.Split == 0 {
			t.Errorf("findings %q, split %d; want %q", s, e.Split, want)
		}
	})
	t.Run("MaxMemory closes the least recently fed group of any rule", func(t *testing.T) {
		recs := append(every("fail", "a", 3, 0, sec), every("fail", "b", 3, 10*sec, sec)...)
		oneGroup := groupBytes + 8 + 4*recordBytes // three records, a buffer of four
		got, e := run(t, set, Options{MaxMemory: oneGroup + groupBytes/2}, recs)
		want := []string{"count [User=a] 3/3 0s..2s", "count [User=b] 3/3 10s..12s"}
		if s := summary(got); !slices.Equal(s, want) || e.Evicted != 1 {
			t.Errorf("findings %q, evicted %d; want %q, 1", s, e.Evicted, want)
		}
	})
}

// TestFindingIDs checks ids are stable across runs and differ between
// windows, and that a finding lists its earliest MaxRefs records.
func TestFindingIDs(t *testing.T) {
	set := mustSet(t, eventCountRule("5m", "gte: 3"), "fail")
	recs := append(every("fail", "a", 30, 0, sec), every("fail", "a", 3, time.Hour, sec)...)
	first, _ := run(t, set, Options{MaxRefs: 7}, recs)
	again, _ := run(t, set, Options{MaxRefs: 7}, recs)
	if len(first) != 2 || first[0].ID != again[0].ID || first[1].ID != again[1].ID || first[0].ID == first[1].ID {
		t.Fatalf("ids %q then %q", ids(first, nil), ids(again, nil))
	}
	f := first[0]
	if len(f.Refs) != 7 || f.Records != 30 || f.Refs[0].EventRecordID != 1 || f.Refs[6].EventRecordID != 7 {
		t.Errorf("refs %v of %d records, want the first 7 of 30", f.Refs, f.Records)
	}
	if r := f.Refs[0]; r.Computer != "DC01" || r.Channel != "Security" || r.File != "Security.evtx" || r.EventID != 4625 || !r.Time.Equal(t0) {
		t.Errorf("ref %+v", r)
	}
	if f.Level != "informational" || f.Source != "test.yml:1" || f.Condition != "gte 3" || f.Timespan != 5*mn {
		t.Errorf("metadata %+v", f)
	}
	if msg := f.Message(); msg != `[informational] count: 30 records (gte 3) within 5m0s, User="a"` {
		t.Errorf("message %q", msg)
	}
}

// TestFlushReuse checks that an engine is empty after Flush and can be fed
// again.
func TestFlushReuse(t *testing.T) {
	set := mustSet(t, eventCountRule("5m", "gte: 2"), "fail")
	var n int
	e := NewEngine(set, Options{}, func(*Finding) { n++ })
	for round := range 2 {
		for _, r := range every("fail", "a", 2, 0, sec) {
			e.Observe(r.rule, t0.Add(r.at), r.fieldsOf(), Ref{Time: t0.Add(r.at)})
		}
		e.Flush()
		if n != round+1 || e.held != 0 || e.used != 0 {
			t.Fatalf("round %d: %d findings, %d records and %d bytes held", round, n, e.held, e.used)
		}
	}
	e.Observe("unknown", t0, nil, Ref{})
	if e.Observed != 4 {
		t.Errorf("observed %d, want 4: matches of other rules are ignored", e.Observed)
	}
}
