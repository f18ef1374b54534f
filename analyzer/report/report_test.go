package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// sampleEvents has one 4688 and one Sysmon event, with hostile text: a
// formula-looking command line, terminal escapes and a bidi override.
func sampleEvents() []event.Process {
	t0 := time.Date(2024, 3, 1, 9, 30, 15, 123456700, time.UTC)
	var a, b event.Process
	a = event.Process{Timestamp: t0, Computer: "WS01.corp.local", Channel: event.SecurityChannel,
		Provider: event.SecurityProvider, EventID: 4688, Version: 2, EventRecordID: 1001, SourceFile: "logs/Security.evtx"}
	a.Set(event.FieldImage, `C:\Windows\System32\cmd.exe`)
	a.Set(event.FieldCommandLine, "=cmd|' /C calc'!A0 \x1b[31mred\x1b[0m")
	a.Set(event.FieldProcessId, "0x1a2b")
	a.Set(event.FieldParentProcessId, "0x4d2")
	a.Set(event.FieldUser, `CORP\alice`)
	a.Set(event.FieldLogonId, "0x3e7")
	a.Set(event.FieldParentImage, `C:\Windows\explorer.exe`)
	a.Set(event.FieldIntegrityLevel, "Medium")
	b = event.Process{Timestamp: t0.Add(time.Second), Computer: "WS01.corp.local", Channel: event.SysmonChannel,
		Provider: event.SysmonProvider, EventID: 1, Version: 5, EventRecordID: 77, SourceFile: "logs/Sysmon.evtx", Recovered: true}
	b.Set(event.FieldImage, "C:\\Users\\Public\\evil\u202etxt.exe")
	b.Set(event.FieldCommandLine, "\"C:\\Users\\Public\\evil\u202etxt.exe\" -x \"quoted, with comma\"")
	b.Set(event.FieldProcessId, "4242")
	b.Set(event.FieldProcessGuid, "{11111111-2222-3333-4444-555555555555}")
	b.Set(event.FieldUser, `CORP\bob`)
	b.Set(event.FieldHashes, "SHA256=ABCDEF")
	return []event.Process{a, b}
}

func pointers(events []event.Process) []event.Record {
	out := make([]event.Record, len(events))
	for i := range events {
		out[i] = event.Record{Process: &events[i]}
	}
	return out
}

// TestWriteEventsJSONSegments: output spanning many rendering segments is
// the same as rendering the events one by one.
func TestWriteEventsJSONSegments(t *testing.T) {
	base := sampleEvents()
	var events []event.Process
	for i := range 3*jsonSegment*2 + 17 {
		p := base[i%2]
		p.EventRecordID = uint64(i)
		events = append(events, p)
	}
	for _, f := range []Format{JSON, JSONL} {
		var buf bytes.Buffer
		if err := WriteEvents(&buf, f, pointers(events), Options{}); err != nil {
			t.Fatal(err)
		}
		recs := pointers(events)
		ptrs := make([]*event.Record, len(recs))
		for i := range recs {
			ptrs[i] = &recs[i]
		}
		want := appendEventsJSON(nil, f, ptrs, 0)
		if f == JSON {
			want = append(append([]byte("["), want...), "\n]\n"...)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: segmented output differs from sequential rendering", f)
		}
	}
}

func TestWriteEventsGolden(t *testing.T) {
	for _, f := range []Format{Table, CSV, JSON, JSONL} {
		var buf bytes.Buffer
		if err := WriteEvents(&buf, f, pointers(sampleEvents()), Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "events."+string(f), buf.Bytes())
	}
	var buf bytes.Buffer
	if err := WriteEvents(&buf, CSV, pointers(sampleEvents()), Options{RawCSV: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "events-raw.csv", buf.Bytes())
}

// TestEventsJSONRoundTrip checks that the JSONL written reads back into the
// same events.
func TestEventsJSONRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	in := sampleEvents()
	if err := WriteEvents(&buf, JSONL, pointers(in), Options{}); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != len(in) {
		t.Fatalf("got %d lines, want %d", len(lines), len(in))
	}
	for i, line := range lines {
		var p event.Process
		if err := p.UnmarshalJSON(line); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if p != in[i] {
			t.Errorf("line %d: round trip gave\n%+v\nwant\n%+v", i+1, p, in[i])
		}
	}
}

func TestWriteStatsGolden(t *testing.T) {
	files := []*pipeline.FileStats{
		{Path: "logs/Security.evtx", Bytes: 69632, HeaderChunks: 1, Chunks: 1, Records: 4, N4688: 3,
			First: time.Date(2016, 9, 21, 3, 40, 37, 0, time.UTC), Last: time.Date(2016, 9, 21, 3, 41, 13, 78125000, time.UTC),
			Hosts: []string{"IE10Win7"}},
		{Path: "logs/broken.evtx", Bytes: 5000, Problems: 2, Dirty: true},
	}
	for _, f := range []Format{Table, CSV, JSON, JSONL} {
		var buf bytes.Buffer
		if err := WriteStats(&buf, f, files, Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "stats."+string(f), buf.Bytes())
	}
	// With --carve every file says how many records were recovered.
	for _, st := range files {
		st.Carved = true
	}
	files[0].Recovered, files[0].Recovered4688 = 42, 5
	for _, f := range []Format{Table, CSV, JSON, JSONL} {
		var buf bytes.Buffer
		if err := WriteStats(&buf, f, files, Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "stats-carved."+string(f), buf.Bytes())
	}
}

func TestSafeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"tab\there", `tab\there`},
		{"new\nline", `new\nline`},
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"c1\u009bx", `c1\u009bx`},
		{"ünïcödé", "ünïcödé"},
	}
	for _, tt := range tests {
		if got := SafeText(tt.in); got != tt.want {
			t.Errorf("SafeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSVCell(t *testing.T) {
	tests := []struct {
		in   string
		raw  bool
		want string
	}{
		{"=1+1", false, "'=1+1"},
		{"+cmd", false, "'+cmd"},
		{"-x", false, "'-x"},
		{"-", false, "-"},
		{"@SUM(A1)", false, "'@SUM(A1)"},
		{"\tx", false, "'\tx"},
		{"\rx", false, "'\rx"},
		{"normal", false, "normal"},
		{"=1+1", true, "=1+1"},
		{"", false, ""},
	}
	for _, tt := range tests {
		if got := CSVCell(tt.in, tt.raw); got != tt.want {
			t.Errorf("CSVCell(%q, %v) = %q, want %q", tt.in, tt.raw, got, tt.want)
		}
	}
}

func TestOutputAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := OpenOutput(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("partial"))
	o.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("after Abort the destination holds %q, want the old content", b)
	}
	o, _ = OpenOutput(path, nil)
	o.Write([]byte("new"))
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("before Commit the destination holds %q", b)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("after Commit the destination holds %q, want new", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A non-regular destination is written directly.
	o, err = OpenOutput(os.DevNull, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("x"))
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
}
