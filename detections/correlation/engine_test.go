package correlation

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

const (
	sec = time.Second
	mn  = time.Minute
)

// TestEventCountConditions checks every comparison and the window edge on
// event_count: the findings (rule [group] count/records first..last) of
// each stream.
func TestEventCountConditions(t *testing.T) {
	at := func(offsets ...time.Duration) []rec {
		var out []rec
		for _, o := range offsets {
			out = append(out, rec{rule: "fail", at: o, fields: kv("User=bob")})
		}
		return out
	}
	tests := []struct {
		name, timespan, cond string
		recs                 []rec
		want                 []string
	}{
		{"edge: exactly timespan after the first is in", "5m", "gte: 3", at(0, 2*mn, 5*mn),
			[]string{"count [User=bob] 3/3 0s..5m0s"}},
		{"edge: a nanosecond later is out", "5m", "gte: 3", at(0, 2*mn, 5*mn+1), nil},
		{"gte below", "5m", "gte: 3", at(0, mn), nil},
		{"gt equal is not enough", "5m", "gt: 3", at(0, mn, 2*mn), nil},
		{"gt above", "5m", "gt: 3", at(0, mn, 2*mn, 3*mn), []string{"count [User=bob] 4/4 0s..3m0s"}},
		{"eq exact", "5m", "eq: 3", at(0, mn, 2*mn), []string{"count [User=bob] 3/3 0s..2m0s"}},
		{"eq exceeded: decided on the whole window", "5m", "eq: 3", at(0, mn, 2*mn, 3*mn), []string{
			// anchor 0 holds 4: no; anchors 1m..3m hold 3: the first fires
			"count [User=bob] 3/3 1m0s..3m0s"}},
		{"lt: a sparse window fires", "5m", "lt: 3", at(0, mn), []string{"count [User=bob] 2/2 0s..1m0s"}},
		{"lt: a full window does not, its tail does", "5m", "lt: 3", at(0, mn, 2*mn), []string{"count [User=bob] 2/2 1m0s..2m0s"}},
		{"lte", "5m", "lte: 2", at(0, mn, 10*mn), []string{"count [User=bob] 1/1 10m0s..10m0s", "count [User=bob] 2/2 0s..1m0s"}},
		{"range gt 2 lte 4 at 2", "5m", "gt: 2, lte: 4", at(0, mn), nil},
		{"range gt 2 lte 4 at 3", "5m", "gt: 2, lte: 4", at(0, mn, 2*mn), []string{"count [User=bob] 3/3 0s..2m0s"}},
		{"range gt 2 lte 4 at 4", "5m", "gt: 2, lte: 4", at(0, mn, 2*mn, 3*mn), []string{"count [User=bob] 4/4 0s..3m0s"}},
		{"sliding: the window starts at the record that makes it", "5m", "gte: 3", at(0, 4*mn, 6*mn, 8*mn),
			[]string{"count [User=bob] 3/3 4m0s..8m0s"}},
		{"one finding per window, not per record", "5m", "gte: 5", every("fail", "bob", 30, 0, 20*sec),
			[]string{"count [User=bob] 14/14 5m20s..9m40s", "count [User=bob] 16/16 0s..5m0s"}},
		{"days apart", "1h", "gte: 2", at(0, 24*time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustSet(t, eventCountRule(tt.timespan, tt.cond), "fail")
			got, _ := run(t, set, Options{}, tt.recs)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", s, tt.want)
			}
		})
	}
}

// TestGroupBy checks grouping: separate groups, case-insensitive values
// shown as first logged, absent fields as the empty value, several fields.
func TestGroupBy(t *testing.T) {
	rule := `title: g
id: g
correlation:
  type: event_count
  rules: [fail]
  group-by: [Ip, User]
  timespan: 5m
  condition: {gte: 2}
`
	tests := []struct {
		name string
		recs []rec
		want []string
	}{
		{"different users are different groups", []rec{
			mk("fail", 0, kv("Ip=1.1.1.1", "User=bob")), mk("fail", sec, kv("Ip=1.1.1.1", "User=amy"))}, nil},
		{"case does not matter, the first spelling is shown", []rec{
			mk("fail", 0, kv("Ip=1.1.1.1", "User=Bob")), mk("fail", sec, kv("Ip=1.1.1.1", "User=BOB"))},
			[]string{"g [Ip=1.1.1.1,User=Bob] 2/2 0s..1s"}},
		{"absent and empty are the same group", []rec{
			mk("fail", 0, kv("Ip=1.1.1.1")), mk("fail", sec, kv("Ip=1.1.1.1", "User="))},
			[]string{"g [Ip=1.1.1.1,User=] 2/2 0s..1s"}},
		{"values do not run into each other", []rec{
			mk("fail", 0, kv("Ip=1.1.1.1", "User=x")), mk("fail", sec, kv("Ip=1.1.1.1x", "User="))}, nil},
		{"non-ASCII values fold too", []rec{
			mk("fail", 0, kv("Ip=1", "User=ÄRGER")), mk("fail", sec, kv("Ip=1", "User=ärger"))},
			[]string{"g [Ip=1,User=ÄRGER] 2/2 0s..1s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := run(t, mustSet(t, rule, "fail"), Options{}, tt.recs)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", s, tt.want)
			}
		})
	}
}

// TestNoGroupBy checks that a rule without group-by counts every record
// in one group.
func TestNoGroupBy(t *testing.T) {
	set := mustSet(t, `title: all
id: all
correlation: {type: event_count, rules: [fail], timespan: 1m, condition: {gte: 3}}
`, "fail")
	got, _ := run(t, set, Options{}, []rec{mk("fail", 0, kv("User=a")), mk("fail", sec, kv("User=b")), mk("fail", 2*sec, nil)})
	if s := summary(got); !slices.Equal(s, []string{"all [] 3/3 0s..2s"}) {
		t.Errorf("findings: %q", s)
	}
}

// TestValueCount checks distinct values: case-insensitive, repeated values
// counted once, records without the field skipped, values listed.
func TestValueCount(t *testing.T) {
	rule := `title: spray
id: spray
correlation:
  type: value_count
  rules: [fail]
  group-by: [Ip]
  timespan: 5m
  condition: {field: User, gte: 3}
`
	users := func(names ...string) []rec {
		var out []rec
		for i, n := range names {
			f := kv("Ip=10.0.0.9", "User="+n)
			if n == "-" {
				delete(f, "User")
			}
			out = append(out, mk("fail", time.Duration(i)*sec, f))
		}
		return out
	}
	tests := []struct {
		name       string
		recs       []rec
		want       []string
		values     []string
		wantSkiped int64
	}{
		{"three accounts", users("amy", "bob", "cy"), []string{"spray [Ip=10.0.0.9] 3/3 0s..2s"}, []string{"amy", "bob", "cy"}, 0},
		{"one account many times", users("bob", "bob", "bob", "bob"), nil, nil, 0},
		{"case folds", users("bob", "BOB", "Bob", "amy"), nil, nil, 0},
		{"repeats are counted as records", users("amy", "bob", "amy", "cy"), []string{"spray [Ip=10.0.0.9] 3/4 0s..3s"}, []string{"amy", "bob", "cy"}, 0},
		{"records without the field are skipped", users("amy", "-", "bob", "-"), nil, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, e := run(t, mustSet(t, rule, "fail"), Options{}, tt.recs)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", s, tt.want)
			}
			if len(got) == 1 && !slices.Equal(got[0].Values, tt.values) {
				t.Errorf("values %q, want %q", got[0].Values, tt.values)
			}
			if e.Skipped != tt.wantSkiped {
				t.Errorf("skipped %d, want %d", e.Skipped, tt.wantSkiped)
			}
		})
	}
}

// TestTemporal checks temporal (any order) against temporal_ordered (the
// listed order), with and without a count condition.
func TestTemporal(t *testing.T) {
	rule := func(typ, cond string) string {
		return `title: seq
id: seq
correlation:
  type: ` + typ + `
  rules: [a, b, c]
  group-by: [Host]
  timespan: 5m
` + cond
	}
	indent := func(cond string) string {
		if cond == "" {
			return ""
		}
		return "  " + cond
	}
	seq := func(steps ...any) []rec { // rule, offset pairs; an untyped 0 is an int
		var out []rec
		for i := 0; i+1 < len(steps); i += 2 {
			at, _ := steps[i+1].(time.Duration)
			out = append(out, mk(steps[i].(string), at, kv("Host=ws1")))
		}
		return out
	}
	tests := []struct {
		name, typ, cond string
		recs            []rec
		want            []string
		rules           []string
	}{
		{"temporal in order", "temporal", "", seq("a", 0, "b", mn, "c", 2*mn), []string{"seq [Host=ws1] 3/3 0s..2m0s"}, []string{"a", "b", "c"}},
		{"temporal any order", "temporal", "", seq("c", 0, "a", mn, "b", 2*mn), []string{"seq [Host=ws1] 3/3 0s..2m0s"}, []string{"a", "b", "c"}},
		{"temporal missing one", "temporal", "", seq("a", 0, "b", mn, "b", 2*mn), nil, nil},
		{"temporal one too late", "temporal", "", seq("a", 0, "b", mn, "c", 5*mn+sec), nil, nil},
		{"temporal two of three", "temporal", "condition: {gte: 2}\n", seq("a", 0, "c", mn), []string{"seq [Host=ws1] 2/2 0s..1m0s"}, []string{"a", "c"}},
		{"ordered in order", "temporal_ordered", "", seq("a", 0, "b", mn, "c", 2*mn), []string{"seq [Host=ws1] 3/3 0s..2m0s"}, []string{"a", "b", "c"}},
		{"ordered out of order", "temporal_ordered", "", seq("c", 0, "a", mn, "b", 2*mn), nil, nil},
		{"ordered swapped pair", "temporal_ordered", "", seq("a", 0, "c", mn, "b", 2*mn), nil, nil},
		{"ordered with noise between", "temporal_ordered", "", seq("b", 0, "a", mn, "c", 90*sec, "b", 2*mn, "a", 3*mn, "c", 4*mn),
			[]string{"seq [Host=ws1] 3/5 1m0s..4m0s"}, []string{"a", "b", "c"}},
		{"ordered: same instant counts as listed order", "temporal_ordered", "", seq("c", mn, "b", mn, "a", mn),
			[]string{"seq [Host=ws1] 3/3 1m0s..1m0s"}, []string{"a", "b", "c"}},
		{"ordered: the window starts at the first rule", "temporal_ordered", "", seq("a", 0, "b", 4*mn, "c", 6*mn), nil, nil},
		{"ordered prefix condition", "temporal_ordered", "condition: {gte: 2}\n", seq("a", 0, "b", mn), []string{"seq [Host=ws1] 2/2 0s..1m0s"}, []string{"a", "b"}},
		{"ordered: an unfinished sequence (lt 3)", "temporal_ordered", "condition: {lt: 3}\n", seq("a", 0, "b", mn), []string{"seq [Host=ws1] 2/2 0s..1m0s"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := run(t, mustSet(t, rule(tt.typ, indent(tt.cond)), "a", "b", "c"), Options{}, tt.recs)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", s, tt.want)
			}
			if len(got) == 1 && !slices.Equal(got[0].Rules, tt.rules) {
				t.Errorf("matched rules %q, want %q", got[0].Rules, tt.rules)
			}
		})
	}
}

// TestAliases checks that an alias reads a different field per rule.
func TestAliases(t *testing.T) {
	set := mustSet(t, `title: alias
id: alias
correlation:
  type: temporal
  rules: [scan, conn]
  group-by: [ip]
  timespan: 1m
  aliases:
    ip:
      scan: SourceIp
      conn: DestinationIp
`, "scan", "conn")
	tests := []struct {
		name string
		recs []rec
		want []string
	}{
		{"same address under both names", []rec{
			mk("scan", 0, kv("SourceIp=10.1.1.1", "DestinationIp=10.9.9.9")),
			mk("conn", sec, kv("SourceIp=10.9.9.9", "DestinationIp=10.1.1.1"))},
			[]string{"alias [ip=10.1.1.1] 2/2 0s..1s"}},
		{"the plain field name is not used", []rec{
			mk("scan", 0, kv("SourceIp=10.1.1.1")), mk("conn", sec, kv("SourceIp=10.1.1.1"))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := run(t, set, Options{}, tt.recs)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", s, tt.want)
			}
		})
	}
}

// TestOutOfOrder feeds random streams in time order and shuffled within
// less than the lateness: the findings must be the same, ids included.
func TestOutOfOrder(t *testing.T) {
	set := mustSet(t, eventCountRule("5m", "gte: 4")+"---\n"+`title: spray
id: spray
correlation:
  type: value_count
  rules: [fail]
  group-by: [Ip]
  timespan: 3m
  condition: {field: User, gte: 3}
---
title: ord
id: ord
correlation:
  type: temporal_ordered
  rules: [fail, ok]
  group-by: [User]
  timespan: 2m
`, "fail", "ok")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		var recs []rec
		for i := range 400 {
			r := rec{rule: "fail", at: time.Duration(i)*7*sec + time.Duration(rng.IntN(7000))*time.Millisecond,
				fields: kv("User=u"+string(rune('a'+rng.IntN(5))), "Ip=10.0.0."+string(rune('0'+rng.IntN(4))))}
			if rng.IntN(6) == 0 {
				r.rule = "ok"
			}
			recs = append(recs, r)
		}
		slices.SortStableFunc(recs, func(a, b rec) int { return int(a.at - b.at) })
		for i := range recs {
			recs[i].id = uint64(i + 1)
		}
		want := ids(run(t, set, Options{Lateness: 3 * mn}, recs))
		// Arrival order by time plus a jitter under 2 minutes: no record
		// comes after one more than 2 minutes newer.
		shuffled := slices.Clone(recs)
		jitter := map[uint64]time.Duration{}
		for _, r := range shuffled {
			jitter[r.id] = time.Duration(rng.Int64N(int64(2 * mn)))
		}
		slices.SortFunc(shuffled, func(a, b rec) int { return int(a.at + jitter[a.id] - b.at - jitter[b.id]) })
		if slices.EqualFunc(shuffled, recs, func(a, b rec) bool { return a.id == b.id }) {
			t.Fatal("the shuffle left the stream in order")
		}
		got := ids(run(t, set, Options{Lateness: 3 * mn}, shuffled))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("round %d: in order %d findings, shuffled %d:\n%q\n%q", round, len(want), len(got), want, got)
		}
		if _, e := run(t, set, Options{Lateness: sec}, shuffled); e.Late == 0 {
			t.Fatalf("round %d: with a lateness under the disorder no record came late", round)
		}
	}
}

// ids returns the sorted ids and counts of findings.
func ids(fs []*Finding, _ *Engine) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+f.RuleID+" "+string(rune('0'+f.Count%10)))
	}
	slices.Sort(out)
	return out
}

// TestLateRecords checks records older than a decided window: counted as
// late, still correlated among themselves.
func TestLateRecords(t *testing.T) {
	set := mustSet(t, eventCountRule("5m", "gte: 3"), "fail")
	recs := append(every("fail", "bob", 3, 2*time.Hour, mn), every("fail", "bob", 4, 0, mn)...) // an older file read second
	got, e := run(t, set, Options{Lateness: mn}, recs)
	want := []string{"count [User=bob] 3/3 2h0m0s..2h2m0s", "count [User=bob] 4/4 0s..3m0s"}
	if s := summary(got); !slices.Equal(s, want) {
		t.Errorf("findings:\n got %q\nwant %q", s, want)
	}
	if e.Late != 0 {
		t.Errorf("late %d, want 0: the newer windows were not decided yet", e.Late)
	}
	recs = append(every("fail", "bob", 3, 0, mn), mk("fail", 20*mn, kv("User=bob")), mk("fail", 30*sec, kv("User=bob")))
	if _, e := run(t, set, Options{Lateness: mn}, recs); e.Late != 1 {
		t.Errorf("late %d, want 1", e.Late)
	}
}
