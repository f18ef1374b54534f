package sigma

import (
	"testing"
)

// BenchmarkCommandLineAC scans the command lines of the corpus's process
// creations, one event each, with the largest automaton of the SigmaHQ
// rules (the CommandLine one, about 59,000 states): one table lookup per
// byte, and the marking of the clauses of the needles found.
func BenchmarkCommandLineAC(b *testing.B) {
	rules, errs := loadPublicRules(b)
	if len(Errors(errs)) > 0 {
		b.Fatal(errs[0])
	}
	set := NewRuleSet(rules)
	var ac *matcherAC
	for _, fs := range set.proc.scanners {
		if fs != nil && fs.ascii != nil && (ac == nil || len(fs.ascii.endStart) > len(ac.endStart)) {
			ac = fs.ascii
		}
	}
	var lines []string
	total := 0
	for _, e := range truthEvents(b) {
		if e.CommandLine != "" {
			lines = append(lines, e.CommandLine)
			total += len(e.CommandLine)
		}
	}
	bits := make([]uint64, set.proc.words)
	var m marks
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			m.reset(bits, set.proc.lists)
			ac.scan(l, &m)
		}
	}
}
