package sigma

import "testing"

// BenchmarkLoadPublicRules measures loading and compiling the 2,872
// SigmaHQ Windows rules (YAML, validation, matchers).
func BenchmarkLoadPublicRules(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		loadPublicRulesFresh(b)
	}
}

// BenchmarkNewRuleSetPublic measures indexing the 2,872 SigmaHQ Windows
// rules: the process prefilter and the buckets of the general records.
func BenchmarkNewRuleSetPublic(b *testing.B) {
	rules, _ := loadPublicRules(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		NewRuleSet(rules)
	}
}
