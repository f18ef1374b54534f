package sigma

import (
	"regexp/syntax"
	"slices"
)

// needle is a literal prerequisite: text (ASCII letters in lower case)
// that must occur in a field, ASCII-case-insensitively, for some part of a
// rule to match.
type needle struct {
	field fieldKey
	text  string
}

// fieldKey identifies the field a needle must occur in: an event.Field
// for process events, an interned field name for general events (see
// keyFunc), or one of the special keys below.
type fieldKey int32

// keyFunc gives the key of the field a reference reads, or false when
// its value cannot be scanned for needles (numbers, System values,
// derived values, fields no event has).
type keyFunc func(ref *fieldRef) (fieldKey, bool)

// processKey is the keyFunc of process events: the event.Field.
func processKey(ref *fieldRef) (fieldKey, bool) {
	if !ref.known || ref.field.IsNumber() {
		return 0, false
	}
	return fieldKey(ref.field), true
}

// clause is a disjunction of needles: one of them must occur.
type clause []needle

// requirement is a conjunction of clauses a rule (or part of one) cannot
// match without: every clause must have one of its needles in the event.
// No clauses means no prerequisite is known.
type requirement []clause

// maxClauses bounds the clauses kept per rule; the most selective are
// kept (dropping a clause of a conjunction only weakens it).
const maxClauses = 4

// maxClauseNeedles bounds the needles of one clause; a wider clause is
// hardly selective and is dropped.
const maxClauseNeedles = 4096

// score orders clauses by selectivity: a longer shortest needle first,
// then fewer needles.
func (c clause) score() (int, int) {
	m := -1
	for _, n := range c {
		if m < 0 || len(n.text) < m {
			m = len(n.text)
		}
	}
	return m, -len(c)
}

// hash identifies a clause whatever the order of its needles (a sum of
// the needles' FNV-1a hashes). A collision can only make best drop a
// distinct clause, which weakens the prerequisite but never breaks it.
func (c clause) hash() uint64 {
	var sum uint64
	for _, n := range c {
		h := uint64(14695981039346656037)
		h = (h ^ uint64(n.field)) * 1099511628211
		for i := 0; i < len(n.text); i++ {
			h = (h ^ uint64(n.text[i])) * 1099511628211
		}
		sum += h
	}
	return sum
}

// best keeps the most selective distinct clauses, at most maxClauses.
// Rules give it few clauses, so it finds copies by a linear search over
// the kept ones rather than a map, and sorts without reflection: it runs
// for every selection and condition of every rule at load.
func best(cs []clause) requirement {
	type scored struct {
		c          clause
		hash       uint64
		minLen, nn int
	}
	var inline [8]scored
	list := inline[:0]
	for _, c := range cs {
		if len(c) == 0 || len(c) > maxClauseNeedles {
			continue
		}
		h := c.hash()
		if slices.ContainsFunc(list, func(x scored) bool { return x.hash == h }) {
			continue
		}
		m, n := c.score()
		list = append(list, scored{c, h, m, n})
	}
	if len(list) == 0 {
		return nil
	}
	slices.SortStableFunc(list, func(a, b scored) int {
		if a.minLen != b.minLen {
			return b.minLen - a.minLen
		}
		return b.nn - a.nn
	})
	out := make(requirement, min(len(list), maxClauses))
	for i := range out {
		out[i] = list[i].c
	}
	return out
}

// allOf: everything must match, so every prerequisite holds.
func allOf(rs []requirement) requirement {
	var cs []clause
	for _, r := range rs {
		cs = append(cs, r...)
	}
	return best(cs)
}

// anyOf: one must match, so (A1 and A2) or (B1 and B2) needs each
// Ai or Bj; without a prerequisite for one of them there is none.
func anyOf(rs []requirement) requirement {
	if len(rs) == 0 {
		return nil
	}
	acc := rs[0]
	owned := false // whether acc's single clause may be appended to
	for _, r := range rs[1:] {
		if len(acc) == 0 || len(r) == 0 {
			return nil
		}
		if len(acc) == 1 && len(r) == 1 {
			// The common case, a list of values: one growing clause.
			if len(acc[0])+len(r[0]) > maxClauseNeedles {
				return nil
			}
			if !owned {
				acc = requirement{append(clause(nil), acc[0]...)}
				owned = true
			}
			acc[0] = append(acc[0], r[0]...)
			continue
		}
		var cs []clause
		for _, a := range acc {
			for _, b := range r {
				if len(a)+len(b) <= maxClauseNeedles {
					cs = append(cs, append(append(make(clause, 0, len(a)+len(b)), a...), b...))
				}
			}
		}
		acc, owned = best(cs), false
	}
	return acc
}

// requirement of a compiled detection, with fields keyed by kf.
func (d *detection) requirement(kf keyFunc) requirement { return d.cond.requirement(d.sels, kf) }

func (n *condNode) requirement(sels []*selection, kf keyFunc) requirement {
	var rs []requirement
	switch n.op {
	case opSel:
		return sels[n.sel].requirement(kf)
	case opNot:
		return nil
	case opAnd, opOr:
		for _, k := range n.kids {
			rs = append(rs, k.requirement(sels, kf))
		}
		if n.op == opAnd {
			return allOf(rs)
		}
		return anyOf(rs)
	}
	for _, s := range n.sels {
		rs = append(rs, sels[s].requirement(kf))
	}
	if n.need == 0 {
		return allOf(rs)
	}
	return anyOf(rs) // at least one of them must match
}

func (s *selection) requirement(kf keyFunc) requirement {
	alts := make([]requirement, 0, len(s.alts))
	for _, alt := range s.alts {
		var items []requirement
		for _, it := range alt {
			items = append(items, it.requirement(kf))
		}
		alts = append(alts, allOf(items))
	}
	return anyOf(alts)
}

func (it *item) requirement(kf keyFunc) requirement {
	if it.neq {
		return nil
	}
	key := anyField
	if !it.ref.any {
		var ok bool
		if key, ok = kf(&it.ref); !ok {
			return nil
		}
	}
	fields := []fieldKey{key}
	var rs []requirement
	for _, m := range it.ms {
		rs = append(rs, matcherRequirement(fields, m))
	}
	if it.all {
		return allOf(rs)
	}
	return anyOf(rs)
}

func matcherRequirement(fields []fieldKey, m matcher) requirement {
	switch m := m.(type) {
	case patternMatcher:
		return bind(m.pat.requirement(), fields)
	case regexMatcher:
		return bind(m.req, fields)
	case anyMatcher:
		var rs []requirement
		for _, x := range m {
			rs = append(rs, matcherRequirement(fields, x))
		}
		return anyOf(rs)
	}
	return nil
}

// unbound is the field of needles of a value before it is known which
// field (or, for keywords, fields) the value is matched against.
const unbound fieldKey = -1

// anyField is the field of keyword needles: they may occur in any string
// field of the event.
const anyField fieldKey = -2

// maxNeedleLen bounds the bytes of a needle: a longer literal is
// searched by its first maxNeedleLen bytes (any part of a text that must
// occur must occur too). Short needles keep the automata small enough to
// stay in the processor's caches.
const maxNeedleLen = 64

// textClause makes a clause of unbound needles from spellings.
func textClause(spellings []string) requirement {
	if len(spellings) == 0 {
		return nil
	}
	var c clause
	seen := map[string]bool{}
	for _, s := range spellings {
		if len(s) > maxNeedleLen {
			s = s[:maxNeedleLen]
		}
		if !seen[s] {
			seen[s] = true
			c = append(c, needle{field: unbound, text: s})
		}
	}
	return requirement{c}
}

// bind puts the unbound needles of r on fields: a needle on several
// fields may occur in any of them.
func bind(r requirement, fields []fieldKey) requirement {
	cs := make([]clause, 0, len(r))
	for _, c := range r {
		var out clause
		for _, n := range c {
			for _, f := range fields {
				out = append(out, needle{field: f, text: n.text})
			}
		}
		cs = append(cs, out)
	}
	return best(cs)
}

// regexRequirement returns the literal texts every match of a parsed Go
// regular expression contains, as a requirement with unbound needles.
func regexRequirement(re *syntax.Regexp) requirement {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return textClause(spellings(string(re.Rune), regexFold))
		}
		return textClause(spellings(string(re.Rune), exactCase))
	case syntax.OpCapture, syntax.OpPlus:
		return regexRequirement(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return regexRequirement(re.Sub[0])
		}
	case syntax.OpConcat, syntax.OpAlternate:
		var rs []requirement
		for _, sub := range re.Sub {
			rs = append(rs, regexRequirement(sub))
		}
		if re.Op == syntax.OpConcat {
			return allOf(rs)
		}
		return anyOf(rs)
	}
	return nil
}
