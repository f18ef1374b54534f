package sigma

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// matcher tests one value of a selection item against the field value of
// an event.
type matcher interface {
	match(v value, rec record) bool
}

// patternMatcher: a wildcard value (plain values and the contains,
// startswith, endswith, windash and encoding modifiers end up here).
type patternMatcher struct{ pat *pattern }

func (m patternMatcher) match(v value, _ record) bool {
	return v.present && m.pat.match(v.text())
}

// numberMatcher: a plain numeric value compared numerically (so 0x3e7
// equals 999 and 0x00000ea0 equals 0xea0), falling back to the text.
type numberMatcher struct {
	n   uint64
	pat *pattern
}

func (m numberMatcher) match(v value, _ record) bool {
	if !v.present {
		return false
	}
	if n, ok := v.number(); ok && n == m.n {
		return true
	}
	if v.isNum {
		return false // another number: its decimal text is not the value's either
	}
	return m.pat.match(v.str)
}

// nullMatcher: the null value, true when the event lacks the field.
type nullMatcher struct{}

func (nullMatcher) match(v value, _ record) bool { return !v.present }

// existsMatcher: the exists modifier.
type existsMatcher struct{ want bool }

func (m existsMatcher) match(v value, _ record) bool { return v.present == m.want }

// compareMatcher: the lt, lte, gt and gte modifiers.
type compareMatcher struct {
	op string
	n  float64
}

func (m compareMatcher) match(v value, _ record) bool {
	if !v.present {
		return false
	}
	u, ok := v.number()
	if !ok {
		return false
	}
	f := float64(u)
	switch m.op {
	case "lt":
		return f < m.n
	case "lte":
		return f <= m.n
	case "gt":
		return f > m.n
	}
	return f >= m.n
}

// cidrMatcher: the cidr modifier.
type cidrMatcher struct{ prefix netip.Prefix }

func (m cidrMatcher) match(v value, _ record) bool {
	if !v.present {
		return false
	}
	s := v.text()
	if !strings.ContainsAny(s, ".:") {
		return false // not an address ("-", say); ParseAddr would allocate its error
	}
	a, err := netip.ParseAddr(s)
	return err == nil && m.prefix.Contains(a.Unmap())
}

// fieldrefMatcher: the fieldref modifier, comparing with another field of
// the same event (equal, or with contains/startswith/endswith).
type fieldrefMatcher struct {
	other  fieldRef
	anchor string // "", "contains", "startswith", "endswith"
	cased  bool
}

func (m fieldrefMatcher) match(v value, rec record) bool {
	o := m.other.get(rec)
	if !v.present || !o.present {
		return false
	}
	s, sub := v.text(), o.text()
	switch m.anchor {
	case "startswith":
		return rawPrefix(s, sub, m.cased)
	case "endswith":
		for i := 0; i <= len(s); i++ {
			if (i == len(s) || utf8.RuneStart(s[i])) && rawEqual(s[i:], sub, m.cased) {
				return true
			}
		}
		return false
	case "contains":
		for i := 0; i <= len(s); i++ {
			if (i == len(s) || utf8.RuneStart(s[i])) && rawPrefix(s[i:], sub, m.cased) {
				return true
			}
		}
		return false
	}
	return rawEqual(s, sub, m.cased)
}

// rawPrefixLen compares two unfolded strings rune by rune and returns how
// many bytes of s match all of prefix.
func rawPrefixLen(s, prefix string, cased bool) (int, bool) {
	if cased {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			return len(prefix), true
		}
		return 0, false
	}
	i := 0
	for _, want := range prefix {
		if i >= len(s) {
			return 0, false
		}
		got, size := utf8.DecodeRuneInString(s[i:])
		if foldRune(got) != foldRune(want) {
			return 0, false
		}
		i += size
	}
	return i, true
}

func rawPrefix(s, prefix string, cased bool) bool {
	_, ok := rawPrefixLen(s, prefix, cased)
	return ok
}

func rawEqual(a, b string, cased bool) bool {
	n, ok := rawPrefixLen(a, b, cased)
	return ok && n == len(a)
}
