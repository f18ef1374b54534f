package sigma

import (
	"unicode/utf8"
)

// patternKind selects the fast path of a pattern made of plain text.
type patternKind uint8

const (
	patExact patternKind = iota
	patPrefix
	patSuffix
	patContains
	patGlob // anything with ?, dash slots or inner *
)

// segment is the part of a pattern between two * wildcards.
type segment []token

// pattern is a compiled wildcard value: plain text, ? and dash slots,
// split at * into segments. Literals are stored folded unless cased.
type pattern struct {
	kind  patternKind
	lit   string    // the text of the fast paths
	segs  []segment // patGlob: len(segs)-1 is the number of * wildcards
	cased bool
}

// compilePattern compiles s, anchored at both ends (the contains,
// startswith and endswith modifiers add * to s before).
func compilePattern(s sigmaString, cased bool) *pattern {
	p := &pattern{cased: cased}
	seg := segment{}
	for _, t := range s {
		if t.kind == tokAnyMany {
			p.segs = append(p.segs, seg)
			seg = segment{}
			continue
		}
		if t.kind == tokLiteral && !cased {
			t.lit = foldString(t.lit)
		}
		if n := len(seg); t.kind == tokLiteral && n > 0 && seg[n-1].kind == tokLiteral {
			seg[n-1].lit += t.lit
			continue
		}
		seg = append(seg, t)
	}
	p.segs = append(p.segs, seg)
	if !cased && p.caseless() {
		// Nothing to fold: compare bytes, which is much faster for
		// non-ASCII text.
		p.cased = true
	}
	p.kind = patGlob
	for _, sg := range p.segs {
		if len(sg) > 1 || len(sg) == 1 && sg[0].kind != tokLiteral {
			return p
		}
	}
	text := func(sg segment) string {
		if len(sg) == 0 {
			return ""
		}
		return sg[0].lit
	}
	switch n := len(p.segs); {
	case n == 1:
		p.kind, p.lit = patExact, text(p.segs[0])
	case n == 2 && len(p.segs[0]) == 0:
		p.kind, p.lit = patSuffix, text(p.segs[1])
	case n == 2 && len(p.segs[1]) == 0:
		p.kind, p.lit = patPrefix, text(p.segs[0])
	case n == 3 && len(p.segs[0]) == 0 && len(p.segs[2]) == 0:
		p.kind, p.lit = patContains, text(p.segs[1])
	}
	return p
}

// match reports whether the whole of s matches the pattern.
func (p *pattern) match(s string) bool {
	switch p.kind {
	case patExact:
		end, ok := matchAt(s, 0, p.lit, p.cased)
		return ok && end == len(s)
	case patPrefix:
		_, ok := matchAt(s, 0, p.lit, p.cased)
		return ok
	case patSuffix:
		return hasSuffixAt(s, 0, p.lit, p.cased)
	case patContains:
		_, ok := indexAt(s, 0, p.lit, p.cased)
		return ok
	}
	return p.matchGlob(s)
}

func (p *pattern) matchGlob(s string) bool {
	segs := p.segs
	end, ok := p.segmentAt(s, 0, segs[0])
	if !ok {
		return false
	}
	if len(segs) == 1 {
		return end == len(s)
	}
	pos := end
	for _, sg := range segs[1 : len(segs)-1] {
		if pos, ok = p.findSegment(s, pos, sg); !ok {
			return false
		}
	}
	last := segs[len(segs)-1]
	for i := pos; i <= len(s); {
		if end, ok := p.segmentAt(s, i, last); ok && end == len(s) {
			return true
		}
		if i == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

// segmentAt matches one segment at offset i and returns the offset past it.
func (p *pattern) segmentAt(s string, i int, sg segment) (int, bool) {
	for _, t := range sg {
		switch t.kind {
		case tokLiteral:
			end, ok := matchAt(s, i, t.lit, p.cased)
			if !ok {
				return 0, false
			}
			i = end
		case tokAnyOne, tokDash:
			if i >= len(s) {
				return 0, false
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if t.kind == tokDash && !isDash(r) {
				return 0, false
			}
			i += size
		}
	}
	return i, true
}

// findSegment finds the leftmost match of a segment at or after from and
// returns the offset past it. The leftmost match is always the right one:
// a segment matches a fixed number of characters, so an earlier match
// leaves more room for what follows.
func (p *pattern) findSegment(s string, from int, sg segment) (int, bool) {
	if len(sg) == 0 {
		return from, true
	}
	for i := from; i <= len(s); {
		if sg[0].kind == tokLiteral {
			start, ok := indexAt(s, i, sg[0].lit, p.cased)
			if !ok {
				return 0, false
			}
			i = start
		}
		if end, ok := p.segmentAt(s, i, sg); ok {
			return end, true
		}
		if i >= len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return 0, false
}

// caseless reports whether no literal of the pattern has a letter with
// another case.
func (p *pattern) caseless() bool {
	for _, sg := range p.segs {
		for _, t := range sg {
			if t.kind == tokLiteral && !allCaseless(t.lit) {
				return false
			}
		}
	}
	return true
}

// requirement returns the literal texts every match of the pattern
// contains, as clauses of unbound needles.
func (p *pattern) requirement() requirement {
	var rs []requirement
	for _, sg := range p.segs {
		for _, t := range sg {
			if t.kind == tokLiteral {
				mode := sigmaFold
				if p.cased {
					mode = exactCase
				}
				rs = append(rs, textClause(spellings(t.lit, mode)))
			}
		}
	}
	return allOf(rs)
}
