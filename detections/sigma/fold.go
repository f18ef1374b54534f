package sigma

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Case-insensitive comparison in evtxhunt folds ASCII letters to each other
// and non-ASCII letters by their Unicode lower case, but never a non-ASCII
// character to an ASCII one (the Kelvin sign is not a "k"). That keeps an
// ASCII character matching only itself in either case, which is what lets
// the prefilter search folded bytes.

// foldRune returns the case-folded form of r.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if l := unicode.ToLower(r); l >= utf8.RuneSelf {
		return l
	}
	return r
}

// foldString returns s with every rune folded.
func foldString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(foldRune, s)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchFoldAt compares the folded literal lit with s at offset i and
// returns the offset just past the match.
func matchFoldAt(s string, i int, lit string) (int, bool) {
	for j := 0; j < len(lit); {
		c := lit[j]
		if c < utf8.RuneSelf {
			if i >= len(s) || lowerASCII(s[i]) != c {
				return 0, false
			}
			i++
			j++
			continue
		}
		if i >= len(s) {
			return 0, false
		}
		want, wn := utf8.DecodeRuneInString(lit[j:])
		got, gn := utf8.DecodeRuneInString(s[i:])
		if foldRune(got) != want {
			return 0, false
		}
		i += gn
		j += wn
	}
	return i, true
}

// matchAt compares lit with s at offset i, folded or exactly.
func matchAt(s string, i int, lit string, cased bool) (int, bool) {
	if cased {
		if strings.HasPrefix(s[i:], lit) {
			return i + len(lit), true
		}
		return 0, false
	}
	return matchFoldAt(s, i, lit)
}

// indexAt finds the leftmost match of lit in s at or after offset from and
// returns its start.
func indexAt(s string, from int, lit string, cased bool) (int, bool) {
	if cased {
		k := strings.Index(s[from:], lit)
		return from + k, k >= 0
	}
	if lit == "" {
		return from, true
	}
	verify := func(s string, i int) bool { _, ok := matchFoldAt(s, i, lit); return ok }
	if lit[0] >= utf8.RuneSelf {
		for i := from; i < len(s); {
			if verify(s, i) {
				return i, true
			}
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		return 0, false
	}
	if a := anchorByte(lit); a >= 0 {
		return scanAnchor(s, from, lit, a, verify)
	}
	return scanLetter(s, from, lit[0], verify)
}

// anchorByte returns the offset of the first byte of lit that is not a
// letter, among its leading ASCII bytes, or -1. Such a byte is found with
// strings.IndexByte, much faster than comparing every position; the ASCII
// bytes before it each match one byte of text, so the match starts at a
// known distance before it.
func anchorByte(lit string) int {
	for j := 0; j < len(lit); j++ {
		c := lit[j]
		if c >= utf8.RuneSelf {
			return -1
		}
		if c < 'a' || c > 'z' {
			return j
		}
	}
	return -1
}

// scanAnchor finds the leftmost start at or after from where the anchor
// byte lit[a] occurs a bytes later and verify accepts.
func scanAnchor(s string, from int, lit string, a int, verify func(string, int) bool) (int, bool) {
	c := lit[a]
	for i := from + a; i < len(s); {
		k := strings.IndexByte(s[i:], c)
		if k < 0 {
			return 0, false
		}
		if start := i + k - a; verify(s, start) {
			return start, true
		}
		i += k + 1
	}
	return 0, false
}

// scanLetter finds the leftmost start at or after from where the letter c
// occurs in either case and verify accepts.
func scanLetter(s string, from int, c byte, verify func(string, int) bool) (int, bool) {
	upper := c - 'a' + 'A'
	nextLo, nextUp := -1, -1 // next offsets of each case at or after i, -1 unknown
	for i := from; i < len(s); {
		if nextLo < i {
			if k := strings.IndexByte(s[i:], c); k >= 0 {
				nextLo = i + k
			} else {
				nextLo = len(s)
			}
		}
		if nextUp < i {
			if k := strings.IndexByte(s[i:], upper); k >= 0 {
				nextUp = i + k
			} else {
				nextUp = len(s)
			}
		}
		start := min(nextLo, nextUp)
		if start >= len(s) {
			return 0, false
		}
		if verify(s, start) {
			return start, true
		}
		i = start + 1
	}
	return 0, false
}

// hasNeedle reports whether s contains a prefilter needle: ASCII letters
// of the needle (lower case) match either case, every other byte matches
// itself, as the automaton compares.
func hasNeedle(s, needle string) bool {
	if needle == "" {
		return true
	}
	verify := func(s string, i int) bool {
		if i+len(needle) > len(s) {
			return false
		}
		for j := 0; j < len(needle); j++ {
			if lowerASCII(s[i+j]) != needle[j] {
				return false
			}
		}
		return true
	}
	a := -1
	for j := 0; j < len(needle); j++ {
		if c := needle[j]; c < 'a' || c > 'z' {
			a = j
			break
		}
	}
	if a >= 0 {
		_, ok := scanAnchor(s, 0, needle, a, verify)
		return ok
	}
	_, ok := scanLetter(s, 0, needle[0], verify)
	return ok
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasSuffixAt reports whether lit matches s from some offset at or after
// from up to the end of s.
func hasSuffixAt(s string, from int, lit string, cased bool) bool {
	if cased || isASCII(lit) {
		// An ASCII literal matches exactly len(lit) bytes.
		i := len(s) - len(lit)
		if i < from {
			return false
		}
		end, ok := matchAt(s, i, lit, cased)
		return ok && end == len(s)
	}
	for i := from; i <= len(s); {
		if end, ok := matchFoldAt(s, i, lit); ok && end == len(s) {
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

// caseless reports whether r has no other case: no other rune folds to
// it or from it.
func caseless(r rune) bool {
	if r < utf8.RuneSelf {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
	}
	return unicode.SimpleFold(r) == r
}

// allCaseless reports whether every rune of s is caseless, so comparing s
// case-insensitively is comparing it exactly.
func allCaseless(s string) bool {
	for _, r := range s {
		if !caseless(r) {
			return false
		}
	}
	return true
}

// lowerASCIIString lowers the ASCII letters of s, leaving other bytes.
func lowerASCIIString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}
