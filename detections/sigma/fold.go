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
// returns its start and end.
func indexAt(s string, from int, lit string, cased bool) (int, int, bool) {
	if cased {
		k := strings.Index(s[from:], lit)
		if k < 0 {
			return 0, 0, false
		}
		return from + k, from + k + len(lit), true
	}
	if lit == "" {
		return from, from, true
	}
	first := lit[0]
	if first < utf8.RuneSelf {
		upper := first
		if 'a' <= first && first <= 'z' {
			upper = first - 'a' + 'A'
		}
		for i := from; i < len(s); i++ {
			if c := s[i]; c != first && c != upper {
				continue
			}
			if end, ok := matchFoldAt(s, i, lit); ok {
				return i, end, true
			}
		}
		return 0, 0, false
	}
	for i := from; i < len(s); {
		if end, ok := matchFoldAt(s, i, lit); ok {
			return i, end, true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return 0, 0, false
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
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
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
