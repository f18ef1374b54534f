package truth

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Value rules: how a decoded payload value may equal the truth's where
// the truth's parsers render the same value differently (see the corpus
// README). SameValue names the rule that matched.
const (
	RuleExact  = "exact"
	RuleHex    = "hex"    // 0x-numbers equal, zero padding aside
	RuleTime   = "time"   // the same instant with 7 or 9 fractional digits
	RuleBool   = "bool"   // true/True, false/False
	RuleFloat  = "float"  // the same float to 7 significant digits (3.199234e+003)
	RuleBinary = "binary" // the same bytes, as hex or Base64
	// RuleNewline: the same text once CR LF and lone CR become LF. The
	// truth went through an XML parser, whose end-of-line handling turns
	// the CR LF of values (script blocks, privilege lists) into LF; the
	// record holds CR LF and evtxhunt keeps it.
	RuleNewline = "newline"
)

// SameValue reports whether got, a value as evtxhunt renders it, equals
// want, the truth's value, and by which rule.
func SameValue(got, want string) (string, bool) {
	switch {
	case got == want:
		return RuleExact, true
	case sameHex(got, want):
		return RuleHex, true
	case sameTime(got, want):
		return RuleTime, true
	case sameBool(got, want):
		return RuleBool, true
	case sameFloat(got, want):
		return RuleFloat, true
	case sameBinary(got, want):
		return RuleBinary, true
	case strings.ContainsRune(got, '\r') && xmlNewlines(got) == want:
		return RuleNewline, true
	}
	return "", false
}

func sameHex(got, want string) bool {
	if !strings.HasPrefix(got, "0x") || !strings.HasPrefix(strings.ToLower(want), "0x") {
		return false
	}
	return numeric(got, want)
}

func sameTime(got, want string) bool {
	g, err1 := time.Parse(time.RFC3339Nano, got)
	w, err2 := time.Parse(time.RFC3339Nano, want)
	return err1 == nil && err2 == nil && g.Equal(w)
}

func sameBool(got, want string) bool {
	return (got == "true" || got == "false") && strings.EqualFold(got, want)
}

func sameFloat(got, want string) bool {
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 != nil || err2 != nil || !strings.ContainsAny(got+want, ".eE") {
		return false
	}
	return strconv.FormatFloat(g, 'e', 6, 64) == strconv.FormatFloat(w, 'e', 6, 64)
}

// sameBinary compares got, upper-case hex, with want as hex in any case
// or as Base64.
func sameBinary(got, want string) bool {
	g, err := hex.DecodeString(got)
	if err != nil || got != strings.ToUpper(got) {
		return false
	}
	if strings.EqualFold(got, want) {
		return true
	}
	w, err := base64.StdEncoding.Strict().DecodeString(want)
	return err == nil && string(g) == string(w)
}

// xmlNewlines applies XML end-of-line handling: CR LF and CR become LF.
func xmlNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
