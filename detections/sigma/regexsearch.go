package sigma

import (
	"regexp/syntax"
)

// Rules only ask whether a regular expression matches somewhere in a
// value, never where or how long. For that question the ends of an
// unanchored expression can be cut down: a match of x{2,}y contains a
// match of x{2}y, a match of ab+ one of ab, a match of ab* one of a. The
// smaller program runs faster, and often fits Go's backtracking matcher
// (at most 500 instructions), several times faster than its NFA.

// trimForSearch returns an expression that matches some part of a text
// exactly when re does, with repetitions at either end reduced to their
// minimum. It returns re itself when nothing can be cut.
func trimForSearch(re *syntax.Regexp) *syntax.Regexp {
	re = trimEnd(re, true)
	return trimEnd(re, false)
}

// trimEnd reduces the last (or first) element of re.
func trimEnd(re *syntax.Regexp, last bool) *syntax.Regexp {
	switch re.Op {
	case syntax.OpCapture:
		sub := trimEnd(re.Sub[0], last)
		if sub == re.Sub[0] {
			return re
		}
		out := *re
		out.Sub = []*syntax.Regexp{sub}
		return &out
	case syntax.OpConcat:
		subs := append([]*syntax.Regexp(nil), re.Sub...)
		// Drop elements that always match empty, then reduce the next.
		for len(subs) > 1 {
			i := 0
			if last {
				i = len(subs) - 1
			}
			if !alwaysEmptyOK(subs[i]) {
				subs[i] = trimEnd(subs[i], last)
				break
			}
			if last {
				subs = subs[:i]
			} else {
				subs = subs[1:]
			}
		}
		if len(subs) == 1 {
			return trimEnd(subs[0], last)
		}
		out := *re
		out.Sub = subs
		return &out
	case syntax.OpPlus:
		return re.Sub[0]
	case syntax.OpRepeat:
		if re.Min >= 1 && re.Max != re.Min {
			out := *re
			out.Max = re.Min
			return &out
		}
	}
	return re
}

// alwaysEmptyOK reports whether re can match the empty string in any
// context: no assertion (^, $, \b, ...) has to hold for it to.
func alwaysEmptyOK(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpRepeat:
		return re.Min == 0 || alwaysEmptyOK(re.Sub[0])
	case syntax.OpCapture, syntax.OpPlus:
		return alwaysEmptyOK(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !alwaysEmptyOK(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if alwaysEmptyOK(sub) {
				return true
			}
		}
	}
	return false
}
