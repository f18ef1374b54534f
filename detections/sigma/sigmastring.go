package sigma

import (
	"strings"
	"unicode/utf8"
)

// tokenKind is the kind of one piece of a Sigma string value.
type tokenKind uint8

const (
	tokLiteral tokenKind = iota // plain text
	tokAnyOne                   // ? : exactly one character
	tokAnyMany                  // * : any run of characters
	tokDash                     // windash slot: one of the dash characters
)

type token struct {
	kind tokenKind
	lit  string
}

// sigmaString is a value of a rule after escape processing: literal text
// and wildcards.
type sigmaString []token

// parseSigmaString reads a value's wildcards and escapes: * and ? are
// wildcards; \*, \? and \\ stand for the plain character; a backslash
// before any other character (or at the end) is a plain backslash.
func parseSigmaString(raw string) sigmaString {
	var out sigmaString
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, token{kind: tokLiteral, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && (raw[i+1] == '*' || raw[i+1] == '?' || raw[i+1] == '\\'):
			lit.WriteByte(raw[i+1])
			i++
		case c == '*':
			flush()
			if n := len(out); n == 0 || out[n-1].kind != tokAnyMany {
				out = append(out, token{kind: tokAnyMany})
			}
		case c == '?':
			flush()
			out = append(out, token{kind: tokAnyOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return out
}

// literalString returns s from plain text alone, or false when s has
// wildcards or dash slots.
func (s sigmaString) literalString() (string, bool) {
	var b strings.Builder
	for _, t := range s {
		if t.kind != tokLiteral {
			return "", false
		}
		b.WriteString(t.lit)
	}
	return b.String(), true
}

// windashChars are the characters the windash modifier makes
// interchangeable: hyphen-minus, slash, en dash, em dash, horizontal bar.
const windashChars = "-/\u2013\u2014\u2015"

func isDash(r rune) bool { return strings.ContainsRune(windashChars, r) }

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// windash turns every dash that starts an option into a dash slot: a dash
// character not preceded by a word character and followed by one (" -e",
// "/c"), so "Get-Item" keeps its hyphen.
func (s sigmaString) windash() sigmaString {
	var out sigmaString
	for _, t := range s {
		if t.kind != tokLiteral {
			out = append(out, t)
			continue
		}
		start := 0
		for i := 0; i < len(t.lit); {
			r, size := utf8.DecodeRuneInString(t.lit[i:])
			if isDash(r) && !wordBefore(t.lit, i) && wordAfter(t.lit, i+size) {
				if i > start {
					out = append(out, token{kind: tokLiteral, lit: t.lit[start:i]})
				}
				out = append(out, token{kind: tokDash})
				start = i + size
			}
			i += size
		}
		if start < len(t.lit) {
			out = append(out, token{kind: tokLiteral, lit: t.lit[start:]})
		}
	}
	return out
}

// wordBefore reports whether the character before offset i of a literal
// is a word character. Like the regular expression \B[-/]\b applied to each
// literal part, a dash at the start of a part (after a wildcard) may be an
// option dash and a dash at its end may not.
func wordBefore(lit string, i int) bool { return i > 0 && isWordByte(lit[i-1]) }

// wordAfter reports whether the character at offset i is a word character.
func wordAfter(lit string, i int) bool { return i < len(lit) && isWordByte(lit[i]) }
