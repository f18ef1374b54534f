package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Format is an output format.
type Format string

// The output formats.
const (
	Table Format = "table"
	CSV   Format = "csv"
	JSON  Format = "json"
	JSONL Format = "jsonl"
)

// ParseFormat checks a format name against the allowed ones.
func ParseFormat(s string, allowed ...Format) (Format, error) {
	names := make([]string, len(allowed))
	for i, f := range allowed {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// Options tune the writers.
type Options struct {
	// Full shows long values whole in tables instead of shortening them.
	Full bool
	// Width is the terminal width tables aim for (0: 120).
	Width int
	// RawCSV writes CSV cells verbatim, without formula neutralization.
	RawCSV bool
	// Workers bounds the goroutines that render JSON in parallel (0: one
	// per CPU).
	Workers int
	// Color colours finding levels in tables with ANSI escapes (for a
	// terminal only).
	Color bool
	// AllEvents writes timelines in the layout of every kind of record
	// (timeline --events all): CSV with the System columns, a summary and
	// the payload as JSON; a table with the event and its summary.
	AllEvents bool
}

// SafeText makes attacker-controlled text safe to print on a terminal:
// control characters (C0, DEL, C1), invalid UTF-8 and Unicode
// bidirectional controls are shown as visible escapes.
func SafeText(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == utf8.RuneError:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true
	}
	return false
}

// CSVCell neutralizes a cell a spreadsheet would evaluate as a formula
// (leading =, +, -, @, tab or CR) by prefixing a single quote. A lone "-"
// is not a formula and stays as it is.
func CSVCell(s string, raw bool) string {
	if raw || s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@':
		if len(s) > 1 {
			return "'" + s
		}
	case '\t', '\r':
		return "'" + s
	}
	return s
}

// Shorten cuts s to at most n runes, marking the cut with an ellipsis.
func Shorten(s string, n int) string {
	if n <= 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	if printableASCII(s) {
		return s[:n-1] + "…"
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}
