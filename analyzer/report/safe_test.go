package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
)

// hostile is text an attacker can plant in a log: terminal escapes that
// recolour, clear, retitle or hyperlink, cursor tricks, bidi overrides,
// C1 controls and broken UTF-8.
var hostile = []string{
	"\x1b[2J\x1b[Hcleared",
	"\x1b]0;new title\x07",
	"\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
	"ok\rOVERWRITTEN",
	"back\bspace\x7f",
	"nul\x00byte",
	"c1 csi \u009b31m",
	"evil\u202etxt.exe",
	"isolate\u2066x\u2069",
	"broken \xff\xfe utf8",
	"line\nbreak\ttab",
}

// checkTerminalSafe fails when out holds a byte or rune a terminal would
// act on: C0 controls other than newline, DEL, C1, bidi controls or
// invalid UTF-8.
func checkTerminalSafe(t *testing.T, what string, out []byte) {
	t.Helper()
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		if r == '\n' {
			i += size
			continue
		}
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			t.Fatalf("%s: unsafe rune %U at byte %d in:\n%s", what, r, i, out)
		}
		i += size
	}
}

func TestTablesEscapeHostileText(t *testing.T) {
	events := sampleEvents()
	var files []*pipeline.FileStats
	for i, s := range hostile {
		p := events[i%2]
		p.Computer = s
		p.User = s
		p.Image = s
		p.CommandLine = s
		events = append(events, p)
		files = append(files, &pipeline.FileStats{Path: s, Hosts: []string{s, "b" + s}})
	}
	for _, full := range []bool{false, true} {
		var buf bytes.Buffer
		if err := WriteEvents(&buf, Table, pointers(events), Options{Full: full, Width: 100}); err != nil {
			t.Fatal(err)
		}
		checkTerminalSafe(t, "timeline table", buf.Bytes())
		if full && !strings.Contains(buf.String(), `\x1b[2J\x1b[Hcleared`) {
			t.Errorf("the escape sequence is not shown escaped in the full table:\n%s", buf.String())
		}
		buf.Reset()
		if err := WriteStats(&buf, Table, files, Options{Full: full}); err != nil {
			t.Fatal(err)
		}
		checkTerminalSafe(t, "stats table", buf.Bytes())
	}
}

func TestCSVNeutralizesHostileCells(t *testing.T) {
	events := sampleEvents()
	for _, s := range []string{"=HYPERLINK(\"http://evil\")", "+1+cmd", "-2+3", "@SUM(1)", "\t=1", "\r=1"} {
		p := events[0]
		p.CommandLine = s
		events = append(events, p)
	}
	for _, raw := range []bool{false, true} {
		var buf bytes.Buffer
		if err := WriteEvents(&buf, CSV, pointers(events), Options{RawCSV: raw}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not read back: %v", err)
		}
		col := -1
		for i, name := range rows[0] {
			if name == "CommandLine" {
				col = i
			}
		}
		for _, row := range rows[1:] {
			cell := row[col]
			formula := cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && cell != "-"
			if !raw && formula {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
		if raw && !strings.Contains(buf.String(), "=HYPERLINK") {
			t.Errorf("--raw-csv changed the cells")
		}
	}
}

// FuzzSafeText: whatever the input, the output is terminal-safe, and text
// that was safe already is left exactly as it was.
func FuzzSafeText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("plain C:\\Windows\\System32\\cmd.exe /c dir")
	f.Fuzz(func(t *testing.T, s string) {
		out := SafeText(s)
		checkTerminalSafe(t, "SafeText", []byte(strings.ReplaceAll(out, "\n", "")))
		if strings.ContainsRune(out, '\n') {
			t.Fatalf("SafeText(%q) keeps a newline", s)
		}
		clean := utf8.ValidString(s)
		for _, r := range s {
			if unsafeRune(r) {
				clean = false
			}
		}
		if clean && out != s {
			t.Fatalf("SafeText changed safe text %q into %q", s, out)
		}
	})
}
