package correlation

import (
	"testing"
	"time"
)

// BenchmarkObserve feeds logon-failure matches of many sources and
// accounts, ten a second, to the built-in rules: one match per iteration.
func BenchmarkObserve(b *testing.B) {
	set, bases := loadBuiltin(b)
	ids := map[string]string{}
	for _, r := range bases {
		ids[r.name] = r.id
	}
	s := newLogonStream(ids)
	field := s.field
	e := NewEngine(set, Options{}, nil)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		at := t0.Add(time.Duration(i) * 100 * time.Millisecond)
		e.Observe(s.next(), at, field, Ref{Time: at, Computer: "DC01", Channel: "Security", EventID: 4625, EventRecordID: uint64(i)})
	}
	e.Flush()
}

// BenchmarkParseBuiltin parses the built-in correlation files.
func BenchmarkParseBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadBuiltin(b)
	}
}
