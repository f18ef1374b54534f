package sigma

import "testing"

// BenchmarkLoadPublicRules measures loading and compiling the 1,416
// public rules (YAML, validation, matchers).
func BenchmarkLoadPublicRules(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		loadPublicRules(b)
	}
}

// BenchmarkNewRuleSetPublic measures building the prefilter index of the
// 1,416 public rules.
func BenchmarkNewRuleSetPublic(b *testing.B) {
	rules, _ := loadPublicRules(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		NewRuleSet(rules)
	}
}
