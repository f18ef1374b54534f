package report

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// referenceEventsTable is how the timeline table was written before it
// was streamed: every row built, columns fitted, then WriteTable. The
// streamed table must give the same bytes.
func referenceEventsTable(w io.Writer, events []*event.Process, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = 120
	}
	recovered := false
	for i := range events {
		recovered = recovered || events[i].Recovered
	}
	rows := make([][]string, 0, len(events))
	for _, p := range events {
		pid := ""
		if n, ok := p.Number(event.FieldProcessId); ok {
			pid = strconv.FormatUint(n, 10)
		}
		row := []string{p.Timestamp.UTC().Format(timeShort), p.Computer, p.User, pid, p.Image, p.CommandLine}
		if recovered {
			mark := ""
			if p.Recovered {
				mark = "yes"
			}
			row = append(row[:1], append([]string{mark}, row[1:]...)...)
		}
		rows = append(rows, row)
	}
	header := []string{"Time (UTC)", "Host", "User", "PID", "Image", "Command line"}
	caps := []int{0, 16, 24, 0, 32, -1}
	if recovered {
		header = append(header[:1], append([]string{"Recovered"}, header[1:]...)...)
		caps = append(caps[:1], append([]int{0}, caps[1:]...)...)
	}
	if !opts.Full {
		referenceFitColumns(rows, header, width, caps)
	}
	return WriteTable(w, header, rows)
}

func referenceFitColumns(rows [][]string, header []string, width int, caps []int) {
	used := 1 + 3*len(header)
	flex := -1
	for c, limit := range caps {
		if limit < 0 {
			flex = c
			continue
		}
		n := utf8.RuneCountInString(header[c])
		for _, r := range rows {
			n = max(n, utf8.RuneCountInString(SafeText(r[c])))
		}
		if limit > 0 {
			n = min(n, limit)
			for _, r := range rows {
				r[c] = ShortenLeft(r[c], n)
			}
		}
		used += n
	}
	if flex >= 0 {
		room := max(width-used, 20)
		for _, r := range rows {
			r[flex] = Shorten(r[flex], room)
		}
	}
}

// textPieces are the kinds of text the table must measure: plain, wide
// (CJK, emoji), zero-width and combining, control characters, invalid
// UTF-8, bidirectional controls, U+FFFD, the ellipsis itself.
var textPieces = []string{"a", "cmd.exe", `C:\Windows\System32\`, " ", "-enc", "世界", "🙂", "\u0301", "\u200b", "\x1b[31m",
	"\t", "\n", "\r", "\x00", "\x7f", "\u0085", "\xff", "\xed\xa0\x80", "\u202e", "\ufffd", "…", "─", "é", "ｱ"}

func randomText(r *rand.Rand, maxPieces int) string {
	var b strings.Builder
	for range r.IntN(maxPieces + 1) {
		if r.IntN(3) == 0 {
			b.WriteString(strings.Repeat("x", r.IntN(30)))
		}
		b.WriteString(textPieces[r.IntN(len(textPieces))])
	}
	return b.String()
}

func randomTimeline(r *rand.Rand, n int, plain bool) []*event.Process {
	text := func(maxPieces int) string {
		if plain {
			return strings.Repeat("p", r.IntN(maxPieces*8))
		}
		return randomText(r, maxPieces)
	}
	events := make([]*event.Process, n)
	for i := range events {
		p := &event.Process{Timestamp: time.Date(2024, 3, 1, 0, 0, i, r.IntN(1e9), time.UTC),
			Computer: text(4), Recovered: r.IntN(5) == 0}
		switch r.IntN(20) {
		case 0:
			p.Timestamp = time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)
		case 1:
			p.Timestamp = time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if r.IntN(4) > 0 {
			p.SetNumber(event.FieldProcessId, r.Uint64()>>r.IntN(64))
		}
		p.User, p.Image, p.CommandLine = text(5), text(8), text(30)
		events[i] = p
	}
	return events
}

// checkSameTable writes events both ways and compares the bytes.
func checkSameTable(t *testing.T, name string, events []*event.Process, opts Options) {
	t.Helper()
	var want, got bytes.Buffer
	if err := referenceEventsTable(&want, events, opts); err != nil {
		t.Fatal(err)
	}
	if err := WriteEvents(&got, Table, records(events), opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("%s: line %d differs:\n got %q\nwant %q", name, i+1, g[i], w[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", name, len(g), len(w))
	}
}

// TestEventTableMatchesReference: the streamed table is byte for byte the
// table laid out from all rows, for hostile and plain text, any width,
// shortened or --full, narrow or East Asian ambiguous widths.
func TestEventTableMatchesReference(t *testing.T) {
	for _, eastAsian := range []bool{false, true} {
		saved := twwidth.IsEastAsian()
		twwidth.SetEastAsian(eastAsian)
		r := rand.New(rand.NewPCG(3, 4))
		for _, n := range []int{0, 1, 2, 7, 300} {
			for _, plain := range []bool{false, true} {
				events := randomTimeline(r, n, plain)
				for _, width := range []int{0, 30, 100, 160, 400} {
					for _, full := range []bool{false, true} {
						name := fmt.Sprintf("eastAsian=%v n=%d plain=%v width=%d full=%v", eastAsian, n, plain, width, full)
						checkSameTable(t, name, events, Options{Width: width, Full: full})
					}
				}
			}
		}
		twwidth.SetEastAsian(saved)
	}
}

// TestEventTableNeedsItsRows: a layout that does not match the stream is
// an error, not a misaligned table.
func TestEventTableNeedsItsRows(t *testing.T) {
	events := pointers(sampleEvents())
	table := NewEventTable(Options{})
	table.Add(&events[0])
	err := WriteEventStream(io.Discard, Table, SliceStream(events), table, Options{})
	if err == nil || !strings.Contains(err.Error(), "laid out for 1 rows, given 2") {
		t.Errorf("got %v", err)
	}
	if err := WriteEventStream(io.Discard, Table, SliceStream(events), nil, Options{}); err == nil {
		t.Error("a table without layout was written")
	}
}

// FuzzEventTable: for any text, the streamed table equals the reference.
func FuzzEventTable(f *testing.F) {
	f.Add("WS01", `CORP\alice`, `C:\Windows\System32\cmd.exe`, "cmd /c whoami", uint16(120), false)
	f.Add("\xff世界", "\u202e\x1b", "🙂\u0301"+strings.Repeat("é", 40), strings.Repeat("\xed\xa0\x80x", 30), uint16(60), true)
	f.Fuzz(func(t *testing.T, host, user, image, cmd string, width uint16, recovered bool) {
		base := sampleEvents()
		var events []*event.Process
		for i := range 3 {
			p := base[i%2]
			p.Computer, p.User, p.Image, p.CommandLine = host[:len(host)*i/2], user, image[:len(image)*i/2], cmd[:len(cmd)*i/2]
			p.Recovered = recovered && i == 1
			events = append(events, &p)
		}
		for _, full := range []bool{false, true} {
			checkSameTable(t, "fuzz", events, Options{Width: int(width % 500), Full: full})
		}
	})
}

// BenchmarkEventTable: measuring and writing the timeline table, per
// event, for plain and hostile text.
func BenchmarkEventTable(b *testing.B) {
	for _, plain := range []bool{true, false} {
		events := randomTimeline(rand.New(rand.NewPCG(5, 6)), 10_000, plain)
		b.Run(fmt.Sprintf("plain=%v", plain), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteEvents(io.Discard, Table, records(events), Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
		})
	}
}

// TestShortenFastPaths: printable ASCII is cut without converting to
// runes, with the same result as the rune path.
func TestShortenFastPaths(t *testing.T) {
	viaRunes := func(s string, n int, left bool) string {
		runes := []rune(s)
		if n <= 1 || len(runes) <= n {
			return s
		}
		if left {
			return "…" + string(runes[len(runes)-n+1:])
		}
		return string(runes[:n-1]) + "…"
	}
	for _, s := range []string{"", "a", `C:\Windows\System32\cmd.exe /c whoami`, "é\xff世界 and more text \x00", strings.Repeat("x", 300)} {
		for _, n := range []int{0, 1, 2, 5, 20, 40, 400} {
			if got, want := ShortenLeft(s, n), viaRunes(s, n, true); got != want {
				t.Errorf("ShortenLeft(%q, %d) = %q, want %q", s, n, got, want)
			}
			if got, want := Shorten(s, n), viaRunes(s, n, false); got != want {
				t.Errorf("Shorten(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}

// records wraps process events as timeline records.
func records(events []*event.Process) []event.Record {
	out := make([]event.Record, len(events))
	for i, p := range events {
		out[i].Process = p
	}
	return out
}
