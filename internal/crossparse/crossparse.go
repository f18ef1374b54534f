package crossparse

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrUnavailable is returned by a parser whose tool is not installed.
var ErrUnavailable = errors.New("parser not installed")

// TimeLayout is the normalized rendering of times: UTC, 100 ns digits.
const TimeLayout = "2006-01-02T15:04:05.0000000Z"

// Record is one event record as a parser reported it.
type Record struct {
	// System maps Element or Element/Attribute ("Provider/Name",
	// "TimeCreated/SystemTime") to the normalized value; absent and
	// empty values are left out.
	System map[string]string
	// Data are the EventData values in order; Name is empty for a bare
	// <Data> element.
	Data []Field
}

// Field is one EventData value.
type Field struct{ Name, Value string }

// DataMap returns the named Data values of r.
func (r *Record) DataMap() map[string]string {
	m := make(map[string]string, len(r.Data))
	for _, f := range r.Data {
		m[f.Name] = f.Value
	}
	return m
}

// Parser is one EVTX parser.
type Parser struct {
	Name string
	// Precision is how far apart a time it reports may be from the
	// written one.
	Precision time.Duration
	Parse     func(path string) ([]Record, error)
}

// Parsers returns the three parsers.
func Parsers() []Parser {
	return []Parser{
		// Velocidex converts the FILETIME to float64 before subtracting
		// the epoch: 53 bits of mantissa keep 1.6 µs steps.
		{Name: "velocidex", Precision: 2 * time.Microsecond, Parse: Velocidex},
		{Name: "evtxexport", Precision: 0, Parse: Evtxexport},
		{Name: "python-evtx", Precision: 2 * time.Microsecond, Parse: PythonEvtx},
	}
}

// Normalize reduces a rendered value to the form all parsers share:
// "0x..." hexadecimal becomes decimal, a GUID loses its braces and is upper
// case, a time becomes TimeLayout and a boolean is lower case. Line ends
// become "\n": the XML the external parsers print cannot keep "\r\n".
func Normalize(s string) string {
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if n, err := strconv.ParseUint(s[2:], 16, 64); err == nil {
			return strconv.FormatUint(n, 10)
		}
	}
	switch s {
	case "True", "TRUE":
		return "true"
	case "False", "FALSE":
		return "false"
	}
	if g, ok := normalizeGUID(s); ok {
		return g
	}
	if t, ok := parseTime(s); ok {
		return t.Format(TimeLayout)
	}
	return s
}

func normalizeGUID(s string) (string, bool) {
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return "", false
	}
	for i, c := range t {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return "", false
		}
	}
	return strings.ToUpper(t), true
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"}

func parseTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// FloatTime renders float Unix seconds (as Velocidex reports FILETIMEs)
// rounded to the microsecond, the precision a float64 keeps.
func FloatTime(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	sec := math.Floor(f)
	usec := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(usec)*1000).UTC().Format(TimeLayout)
}

// Same reports whether two normalized values are equal, times within
// precision.
func Same(a, b string, precision time.Duration) bool {
	if a == b {
		return true
	}
	ta, ok1 := parseTime(a)
	tb, ok2 := parseTime(b)
	if !ok1 || !ok2 {
		return false
	}
	d := ta.Sub(tb)
	return d <= precision && d >= -precision
}

// Diff lists the differences between a parsed record and the expected
// one (whose values are normalized too); System values the parser
// reports but want does not name are differences as well.
func Diff(got, want Record, precision time.Duration) []string {
	var diffs []string
	keys := make([]string, 0, len(want.System)+len(got.System))
	for k := range want.System {
		keys = append(keys, k)
	}
	for k := range got.System {
		if _, ok := want.System[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, w := got.System[k], want.System[k]
		if !Same(g, w, precision) {
			diffs = append(diffs, fmt.Sprintf("System %s = %q, want %q", k, g, w))
		}
	}
	if len(got.Data) != len(want.Data) {
		return append(diffs, fmt.Sprintf("%d Data values, want %d", len(got.Data), len(want.Data)))
	}
	for i := range want.Data {
		g, w := got.Data[i], want.Data[i]
		if g.Name != w.Name || !Same(g.Value, w.Value, precision) {
			diffs = append(diffs, fmt.Sprintf("Data %d: %s=%q, want %s=%q", i+1, g.Name, g.Value, w.Name, w.Value))
		}
	}
	return diffs
}
