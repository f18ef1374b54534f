package correlation

import (
	"io/fs"
	"testing"
	"time"
)

// FuzzParseFile feeds rule files to the parser: it must never panic, and
// what it accepts must resolve and run over a few matches without
// panicking, leaving nothing held after Flush.
func FuzzParseFile(f *testing.F) {
	files, _ := fs.Glob(Builtin(), "*.yml")
	for _, name := range files {
		data, err := fs.ReadFile(Builtin(), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(chainRules))
	f.Add([]byte("title: t\nid: x\ncorrelation: {type: value_count, rules: [a, b], group-by: [ip], timespan: 1s, condition: {field: u, lt: 3}, aliases: {ip: {a: s, b: d}}}\n"))
	f.Add([]byte("title: t\nid: x\ncorrelation: {type: temporal_ordered, rules: [a, b, c], timespan: 2d, condition: {gt: 1, lte: 2}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, _ := ParseFile(data, "fuzz.yml")
		own := map[string]bool{}
		for _, r := range rules {
			own[r.ID], own[r.Name] = true, true
		}
		set, _ := Resolve(rules, func(ref string) (string, bool) { return ref, !own[ref] })
		e := NewEngine(set, Options{MaxGroups: 3, MaxGroupRecords: 4, MaxMemory: 4096}, func(*Finding) {})
		values := []string{"x", "X", "", "ÿ"}
		for i := range 60 {
			for _, id := range set.BaseRules() {
				at := time.Unix(int64(i*i%97)*13, 0)
				e.Observe(id, at, func(string) (string, bool) { return values[i%len(values)], i%5 != 0 }, Ref{Time: at, EventRecordID: uint64(i)})
			}
		}
		e.Flush()
		if e.held != 0 || e.used != 0 {
			t.Fatalf("%d records, %d bytes held after Flush", e.held, e.used)
		}
	})
}
