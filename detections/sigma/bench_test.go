package sigma

import (
	"testing"

	"github.com/evtxhunt/evtxhunt/detections/builtin"
)

// smallRuleSet picks a spread of 40 public rules, the size of a built-in
// rule set, as the baseline the full set is compared with.
func smallRuleSet(rules []*Rule) []*Rule {
	var out []*Rule
	step := len(rules) / 40
	for i := 0; i < len(rules) && len(out) < 40; i += step {
		out = append(out, rules[i])
	}
	return out
}

func benchmarkRuleSet(b *testing.B, rules []*Rule) {
	events := truthEvents(b)
	set := NewRuleSet(rules)
	dst := make([]*Rule, 0, len(rules))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = set.Match(&events[i%len(events)], dst[:0])
	}
}

// BenchmarkRuleSetMatch measures the cost of one corpus event against:
// 40 public rules; all 2,872 SigmaHQ Windows rules (the process_creation
// rules and the few of other log sources that apply to 4688 and Sysmon 1
// are evaluated); the built-in rules; the
// built-in rules with the public ones on top (what scan -r does).
func BenchmarkRuleSetMatch(b *testing.B) {
	rules, errs := loadPublicRules(b)
	if len(Errors(errs)) > 0 {
		b.Fatal(errs[0])
	}
	builtins, _, errs := LoadFS(builtin.FS(), "builtin:", Options{})
	if len(Errors(errs)) > 0 {
		b.Fatal(errs[0])
	}
	both, _ := Combine(builtins, rules)
	b.Run("public40", func(b *testing.B) { benchmarkRuleSet(b, smallRuleSet(rules)) })
	b.Run("public", func(b *testing.B) { benchmarkRuleSet(b, rules) })
	b.Run("builtin", func(b *testing.B) { benchmarkRuleSet(b, builtins) })
	b.Run("builtin+public", func(b *testing.B) { benchmarkRuleSet(b, both) })
}

// BenchmarkRulesNaive evaluates every public rule on every event without
// the prefilter, to show what the index saves.
func BenchmarkRulesNaive(b *testing.B) {
	rules, errs := loadPublicRules(b)
	if len(Errors(errs)) > 0 {
		b.Fatal(errs[0])
	}
	events := truthEvents(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &events[i%len(events)]
		for _, r := range rules {
			r.Match(p)
		}
	}
}
