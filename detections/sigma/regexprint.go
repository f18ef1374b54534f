package sigma

import (
	"regexp/syntax"
	"strconv"
	"strings"
)

// printRegexp writes re back as text that parses (with syntax.Perl, as
// regexp.Compile does) to an expression matching exactly what re does.
// syntax.Regexp.String gives the same, but works out which character
// classes print shorter as case-folded by folding every rune of them: for
// a negated class under (?i) that is a million calls, milliseconds per
// expression, a quarter of a scan of the shared corpus. Here classes are
// written as their ranges (which already hold the folded runes), folded
// literals inside (?i:...), and every flag that changes an operator's
// meaning is spelled out where it is used, so the text does not depend on
// flags in effect around it.
func printRegexp(re *syntax.Regexp) string {
	var b strings.Builder
	writeRegexp(&b, re)
	return b.String()
}

func writeRegexp(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpNoMatch:
		b.WriteString(`[^\x00-\x{10FFFF}]`)
	case syntax.OpEmptyMatch:
		b.WriteString(`(?:)`)
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		b.WriteString("(?")
		if !fold {
			b.WriteByte('-')
		}
		b.WriteString("i:")
		for _, r := range re.Rune {
			writeRune(b, r)
		}
		b.WriteByte(')')
	case syntax.OpCharClass:
		writeClass(b, re.Rune)
	case syntax.OpAnyCharNotNL:
		b.WriteString(`(?-s:.)`)
	case syntax.OpAnyChar:
		b.WriteString(`(?s:.)`)
	case syntax.OpBeginLine:
		b.WriteString(`(?m:^)`)
	case syntax.OpEndLine:
		b.WriteString(`(?m:$)`)
	case syntax.OpBeginText:
		b.WriteString(`\A`)
	case syntax.OpEndText:
		b.WriteString(`\z`)
	case syntax.OpWordBoundary:
		b.WriteString(`\b`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`\B`)
	case syntax.OpCapture:
		b.WriteByte('(')
		if re.Name != "" {
			b.WriteString("?P<" + re.Name + ">")
		}
		writeRegexp(b, re.Sub[0])
		b.WriteByte(')')
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		writeRepeat(b, re)
	case syntax.OpConcat:
		b.WriteString("(?:")
		for _, sub := range re.Sub {
			writeRegexp(b, sub)
		}
		b.WriteByte(')')
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			writeRegexp(b, sub)
		}
		b.WriteByte(')')
	default:
		// Not an operator the parser makes; keep the library's text.
		b.WriteString("(?:" + re.String() + ")")
	}
}

// writeRepeat writes a repetition of its operand, grouped so that the
// operator applies to all of it.
func writeRepeat(b *strings.Builder, re *syntax.Regexp) {
	b.WriteString("(?:")
	writeRegexp(b, re.Sub[0])
	b.WriteByte(')')
	switch re.Op {
	case syntax.OpStar:
		b.WriteByte('*')
	case syntax.OpPlus:
		b.WriteByte('+')
	case syntax.OpQuest:
		b.WriteByte('?')
	default:
		b.WriteByte('{')
		b.WriteString(strconv.Itoa(re.Min))
		if re.Max != re.Min {
			b.WriteByte(',')
			if re.Max >= 0 {
				b.WriteString(strconv.Itoa(re.Max))
			}
		}
		b.WriteByte('}')
	}
	if re.Flags&syntax.NonGreedy != 0 {
		b.WriteByte('?')
	}
}

// writeClass writes a class of rune ranges (pairs lo, hi); an empty one
// matches nothing.
func writeClass(b *strings.Builder, ranges []rune) {
	if len(ranges) == 0 {
		b.WriteString(`[^\x00-\x{10FFFF}]`)
		return
	}
	b.WriteByte('[')
	for i := 0; i+1 < len(ranges); i += 2 {
		writeHex(b, ranges[i])
		if ranges[i+1] != ranges[i] {
			b.WriteByte('-')
			writeHex(b, ranges[i+1])
		}
	}
	b.WriteByte(']')
}

// writeRune writes one literal rune: letters and digits as themselves,
// anything else escaped.
func writeRune(b *strings.Builder, r rune) {
	if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
		b.WriteByte(byte(r))
		return
	}
	writeHex(b, r)
}

func writeHex(b *strings.Builder, r rune) {
	b.WriteString(`\x{`)
	b.WriteString(strconv.FormatInt(int64(r), 16))
	b.WriteByte('}')
}
