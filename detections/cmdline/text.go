package cmdline

// ASCII helpers that work on the command line in place, so checks that do
// not fire allocate nothing.

func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLetter(c byte) bool { return isLower(c) || isUpper(c) }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }
func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func lowerByte(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold compares ASCII strings case-insensitively.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerByte(a[i]) != lowerByte(b[i]) {
			return false
		}
	}
	return true
}

// hasSuffixFold reports whether s ends with the lower-case suffix,
// ignoring ASCII case.
func hasSuffixFold(s, lowerSuffix string) bool {
	if len(s) < len(lowerSuffix) {
		return false
	}
	return equalFold(s[len(s)-len(lowerSuffix):], lowerSuffix)
}

// indexFold returns the index of the first occurrence of the lower-case
// needle in s at or after from, ignoring ASCII case, or -1.
func indexFold(s, lowerNeedle string, from int) int {
	if lowerNeedle == "" {
		return from
	}
	first := lowerNeedle[0]
	for i := from; i+len(lowerNeedle) <= len(s); i++ {
		if lowerByte(s[i]) != first {
			continue
		}
		j := 1
		for j < len(lowerNeedle) && lowerByte(s[i+j]) == lowerNeedle[j] {
			j++
		}
		if j == len(lowerNeedle) {
			return i
		}
	}
	return -1
}

// isDash reports whether the rune starting at s[i] is a character Windows
// programs accept as an option prefix: - or /, or the en dash, em dash and
// horizontal bar (U+2013..U+2015, which PowerShell treats as dashes). It
// returns the width of the character, 0 when it is none of them.
func dashWidth(s string, i int) int {
	switch {
	case s[i] == '-' || s[i] == '/':
		return 1
	case i+2 < len(s) && s[i] == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0x93 || s[i+2] == 0x94 || s[i+2] == 0x95):
		return 3
	}
	return 0
}
