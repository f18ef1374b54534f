package sigma

import (
	"strings"
	"unicode/utf8"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// ReadsField reports whether matching the rule on a process event can
// read field f: a selection item on f, a fieldref comparing with f, or a
// keyword search (which reads every string field). A rule that never
// applies to a process creation (see canMatchProcess: a keyword rule
// bound to Security 5142, say) reads none of its fields, so the memo key
// of process events holds only what the process rules read, not the
// GUIDs and times that make every Sysmon event unique. The channel and
// event id, which a rule's log source binds, are read by every match
// whatever this says. A caller that fills f after a first match (the
// scanner fills a 4688 event's ParentCommandLine from its parent) runs
// these rules after filling, the others before.
func (r *Rule) ReadsField(f event.Field) bool {
	return r.anyProcessItem(func(it *item) bool { return it.readsField(f) })
}

// anyProcessItem reports whether the rule can apply to a process creation
// and pred holds for one of its selection items.
func (r *Rule) anyProcessItem(pred func(*item) bool) bool {
	if r == nil || r.det == nil || !r.canMatchProcess() {
		return false
	}
	for _, s := range r.det.sels {
		for _, alt := range s.alts {
			for _, it := range alt {
				if pred(it) {
					return true
				}
			}
		}
	}
	return false
}

func (it *item) readsField(f event.Field) bool {
	if it.ref.any {
		return !f.IsNumber()
	}
	if it.ref.known && it.ref.field == f {
		return true
	}
	for _, m := range it.ms {
		if matcherReads(m, f) {
			return true
		}
	}
	return false
}

// matcherReads reports whether m reads field f of the event besides the
// value it is given (a fieldref does).
func matcherReads(m matcher, f event.Field) bool {
	switch m := m.(type) {
	case fieldrefMatcher:
		return m.other.any || (m.other.known && m.other.field == f)
	case anyMatcher:
		for _, x := range m {
			if matcherReads(x, f) {
				return true
			}
		}
	}
	return false
}

// ReadsFieldWithin is ReadsField for a value of f made only of the
// characters of alphabet (ASCII, either case standing for both): a keyword
// search reads such a value only if one of its values could match text of
// those characters. A wildcard value with a literal character outside the
// alphabet cannot (an ASCII character matches only itself, in either case);
// any other kind of value (a regular expression, a number) is taken to
// could. So a keyword search for "mimikatz" does not read a process GUID,
// and the memo need not key on one.
func (r *Rule) ReadsFieldWithin(f event.Field, alphabet string) bool {
	return r.anyProcessItem(func(it *item) bool { return it.readsFieldWithin(f, alphabet) })
}

func (it *item) readsFieldWithin(f event.Field, alphabet string) bool {
	if !it.ref.any {
		return it.readsField(f)
	}
	if f.IsNumber() {
		return false
	}
	for _, m := range it.ms {
		if mayMatchWithin(m, alphabet) {
			return true
		}
	}
	return false
}

// mayMatchWithin reports whether m could match some text made only of the
// characters of alphabet.
func mayMatchWithin(m matcher, alphabet string) bool {
	switch m := m.(type) {
	case patternMatcher:
		return m.pat.literalsWithin(alphabet)
	case anyMatcher:
		for _, x := range m {
			if mayMatchWithin(x, alphabet) {
				return true
			}
		}
		return false
	}
	return true
}

// literalsWithin reports whether every literal character of the pattern
// is in alphabet (in either ASCII case): only then can it match text made
// of those characters. Wildcards and dash slots are taken to match.
func (p *pattern) literalsWithin(alphabet string) bool {
	for _, sg := range p.segs {
		for _, t := range sg {
			if t.kind != tokLiteral {
				continue
			}
			for _, c := range t.lit {
				if !inAlphabet(c, alphabet) {
					return false
				}
			}
		}
	}
	return true
}

func inAlphabet(c rune, alphabet string) bool {
	if c >= utf8.RuneSelf {
		return false
	}
	b := byte(c)
	upper := b
	if 'a' <= b && b <= 'z' {
		upper = b - 'a' + 'A'
	}
	return strings.IndexByte(alphabet, lowerASCII(b)) >= 0 || strings.IndexByte(alphabet, upper) >= 0
}
