package sigma

import (
	"testing"
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

// BenchmarkRuleSetMatch measures one event against the small set and
// against all 1,416 public rules; the prefilter keeps the second within
// about twice the first.
func BenchmarkRuleSetMatch(b *testing.B) {
	rules, errs := loadPublicRules(b)
	if len(Errors(errs)) > 0 {
		b.Fatal(errs[0])
	}
	b.Run("small", func(b *testing.B) { benchmarkRuleSet(b, smallRuleSet(rules)) })
	b.Run("public", func(b *testing.B) { benchmarkRuleSet(b, rules) })
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
