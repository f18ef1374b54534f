package sigma

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSpellings bounds the case spellings of one needle.
const maxSpellings = 8

// foldMode says how a literal compares with event text.
type foldMode uint8

const (
	exactCase foldMode = iota // cased values, case-sensitive regexes
	sigmaFold                 // Sigma values: see foldRune
	regexFold                 // (?i) regexes: Unicode simple folding
)

// spellings returns the texts the prefilter searches for a literal that
// every match contains: the longest run of it the prefilter can search, in
// each of its case spellings (at most maxSpellings), or nil when there is
// none. The prefilter's automaton folds ASCII letters itself, so ASCII
// letters are written in lower case; a non-ASCII letter is spelt in each
// case it matches.
func spellings(lit string, mode foldMode) []string {
	if isASCII(lit) {
		// Fast path: ASCII needs no case spellings; under regexFold k and
		// s fold to non-ASCII letters and cannot be used.
		best := lit
		if mode == regexFold {
			best = ""
			for _, part := range strings.FieldsFunc(lit, func(r rune) bool { return r == 'k' || r == 'K' || r == 's' || r == 'S' }) {
				if len(part) > len(best) {
					best = part
				}
			}
		}
		if best == "" {
			return nil
		}
		return []string{lowerASCIIString(best)}
	}
	var best, cur [][]rune // case variants of each rune of a run
	bestLen, curStart, curEnd, count := 0, 0, 0, 1
	finish := func() {
		if curEnd-curStart > bestLen {
			best, bestLen = cur, curEnd-curStart
		}
	}
	for i := 0; i < len(lit); {
		r, size := utf8.DecodeRuneInString(lit[i:])
		var vs []rune
		if r != utf8.RuneError {
			vs = caseVariants(r, mode)
		}
		switch {
		case len(vs) == 0 || len(vs) > maxSpellings:
			finish()
			cur, curStart, count = nil, i+size, 1
		case count*len(vs) > maxSpellings:
			finish()
			cur, curStart, count = nil, i, 1
		}
		if len(vs) > 0 && len(vs) <= maxSpellings {
			cur = append(cur, vs)
			count *= len(vs)
			curEnd = i + size
		}
		i += size
	}
	finish()
	if bestLen == 0 {
		return nil
	}
	return expand(best)
}

// caseVariants returns the runes r matches under mode, with ASCII
// letters in lower case only, or nil when the prefilter cannot search for
// r: under regexFold, a letter whose case orbit mixes ASCII and non-ASCII
// runes (k, s and the Kelvin and long s signs).
func caseVariants(r rune, mode foldMode) []rune {
	if mode == exactCase {
		if r < utf8.RuneSelf {
			return []rune{unicode.ToLower(r)}
		}
		return []rune{r}
	}
	if mode == sigmaFold {
		if r < utf8.RuneSelf {
			return []rune{unicode.ToLower(r)}
		}
		want := foldRune(r)
		out := []rune{want}
		for v := unicode.SimpleFold(want); v != want; v = unicode.SimpleFold(v) {
			if foldRune(v) == want {
				out = append(out, v)
			}
		}
		return out
	}
	orbit := []rune{r}
	ascii := r < utf8.RuneSelf
	for v := unicode.SimpleFold(r); v != r; v = unicode.SimpleFold(v) {
		if (v < utf8.RuneSelf) != ascii {
			return nil
		}
		orbit = append(orbit, v)
	}
	if ascii {
		return []rune{unicode.ToLower(r)}
	}
	return orbit
}

// expand writes every combination of the rune variants.
func expand(variants [][]rune) []string {
	out := []string{""}
	for _, vs := range variants {
		var next []string
		for _, o := range out {
			for _, v := range vs {
				next = append(next, o+string(v))
			}
		}
		out = next
	}
	return out
}
