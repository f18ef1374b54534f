package truth

import "testing"

// TestSameValue: each rule matches the renderings the corpus README
// lists, and nothing else.
func TestSameValue(t *testing.T) {
	for _, tc := range []struct {
		got, want, rule string // rule "" : must not match
	}{
		{"abc", "abc", RuleExact},
		{"0x1328", "0x0000000000001328", RuleHex},
		{"0x1328", "0x00001329", ""},
		{"0x1328", "4904", ""}, // decimal is not hex padding
		{"2013-10-23T17:47:23.8972500Z", "2013-10-23T17:47:23.897250000Z", RuleTime},
		{"2013-10-23T17:47:23.8972500Z", "2013-10-23T17:47:23.897250100Z", ""},
		{"false", "False", RuleBool},
		{"false", "True", ""},
		{"3199.2341", "3.199234e+003", RuleFloat},
		{"3199.2351", "3.199234e+003", ""},
		{"4E006C00", "TgBsAA==", RuleBinary},
		{"4E006C00", "4e006c00", RuleBinary},
		{"4E006C00", "TgBsAB==", ""},
		{"a\r\n\tb\rc", "a\n\tb\nc", RuleNewline},
		{"a\r\nb", "a\r\nb", RuleExact},
		{"a\nb", "a\r\nb", ""},
	} {
		rule, ok := SameValue(tc.got, tc.want)
		if ok != (tc.rule != "") || ok && rule != tc.rule {
			t.Errorf("SameValue(%q, %q) = %q, %v; want rule %q", tc.got, tc.want, rule, ok, tc.rule)
		}
	}
}
