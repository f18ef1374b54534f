package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// readBack writes findings as JSONL and reads them back.
func readBack(t testing.TB, fs []findings.Finding) ([]byte, []findings.Finding) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteFindings(&buf, JSONL, fs, Options{}); err != nil {
		t.Fatal(err)
	}
	var back []findings.Finding
	err := ReadFindingsJSONL(bytes.NewReader(buf.Bytes()), "sample.jsonl", func(f *findings.Finding) error {
		back = append(back, *f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), back
}

// TestFindingsJSONRoundTrip: findings read back from JSONL give every
// report byte for byte as the findings they were written from: each
// format, the context CSV, and the record keys and rule metadata.
func TestFindingsJSONRoundTrip(t *testing.T) {
	fs := sampleFindings()
	_, back := readBack(t, fs)
	if len(back) != len(fs) {
		t.Fatalf("%d findings read back, want %d", len(back), len(fs))
	}
	for i := range fs {
		a, b := &fs[i], &back[i]
		if a.RecordKey() != b.RecordKey() || a.ID != b.ID || a.RuleID != b.RuleID || a.Level != b.Level ||
			a.Event != b.Event || b.Raw != nil || a.Context.MoreChildren != b.Context.MoreChildren {
			t.Errorf("finding %d read back as %+v, want %+v", i, *b, *a)
		}
	}
	for _, tt := range []struct {
		format Format
		opts   Options
	}{{Table, Options{}}, {Table, Options{Full: true, Color: true, Width: 80}}, {CSV, Options{}}, {CSV, Options{RawCSV: true}},
		{JSON, Options{}}, {JSONL, Options{}}, {HTML, Options{}}} {
		var want, got bytes.Buffer
		if err := WriteFindings(&want, tt.format, fs, tt.opts); err != nil {
			t.Fatal(err)
		}
		if err := WriteFindings(&got, tt.format, back, tt.opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s %+v: findings read back write differently:\n%s\n--- want\n%s", tt.format, tt.opts, got.Bytes(), want.Bytes())
		}
	}
	var want, got bytes.Buffer
	if err := WriteContextCSV(&want, findings.List(fs), false); err != nil {
		t.Fatal(err)
	}
	if err := WriteContextCSV(&got, findings.List(back), false); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Error("the context CSV of findings read back differs")
	}
}

// otherEventLine is a finding on an event of a shape neither a process
// event nor a general record has (a key a later version might add).
func otherEventLine(t *testing.T) []byte {
	t.Helper()
	line, _ := readBack(t, sampleFindings()[3:])
	line = bytes.TrimSuffix(line, []byte("\n"))
	other := `{"Timestamp":"2024-03-01T09:30:16.1234567Z","Computer":"WS01.corp.local","Channel":"Security",` +
		`"Provider":"Microsoft-Windows-Security-Auditing","EventID":4624,"Version":2,"EventRecordID":78,` +
		`"EventData":{"TargetUserName":"bob","LogonType":"10","Image":"not a process field here"},"SourceFile":"logs/Security.evtx","Future":1}`
	start := bytes.Index(line, []byte(`,"event":{`)) + len(`,"event":`)
	end := bytes.Index(line, []byte(`,"context":`))
	line = bytes.Replace(line, []byte(`"timestamp_desc":"Process Creation"`), []byte(`"timestamp_desc":"Event Logged"`), 1)
	start, end = start+len("Event Logged")-len("Process Creation"), end+len("Event Logged")-len("Process Creation")
	out := append([]byte(nil), line[:start]...)
	out = append(out, other...)
	return append(out, line[end:]...)
}

// TestFindingsJSONOtherEvent: a finding whose event the process shape
// cannot hold is read with its System values typed and its event kept, and
// written back unchanged; every format can show it.
func TestFindingsJSONOtherEvent(t *testing.T) {
	line := otherEventLine(t)
	var f findings.Finding
	if err := UnmarshalFinding(line, &f); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	if f.Raw == nil || f.Event.EventID != 4624 || f.Event.Computer != "WS01.corp.local" || f.Event.EventRecordID != 78 ||
		f.Event.Timestamp.IsZero() || f.Event.Image != "" {
		t.Fatalf("event read as %+v, raw %+v", f.Event, f.Raw)
	}
	if !strings.Contains(string(f.Raw.Event), "TargetUserName") || f.Raw.TimestampDesc != "Event Logged" {
		t.Errorf("raw parts %+v", f.Raw)
	}
	if got := AppendFindingJSON(nil, &f); !bytes.Equal(got, line) {
		t.Errorf("written back as\n%s\nwant\n%s", got, line)
	}
	for _, format := range []Format{Table, CSV, JSON, HTML} {
		var buf bytes.Buffer
		if err := WriteFindings(&buf, format, []findings.Finding{f}, Options{}); err != nil || !strings.Contains(buf.String(), "WS01.corp.local") {
			t.Errorf("%s: %v, host not shown", format, err)
		}
	}
}

// TestReadFindingsErrors: every defect stops the reading with an error
// naming the file, the line and what is wrong.
func TestReadFindingsErrors(t *testing.T) {
	good, _ := readBack(t, sampleFindings())
	lines := strings.SplitAfter(string(good), "\n")
	first := strings.TrimSuffix(lines[0], "\n")
	replace := func(old, new string) string {
		if !strings.Contains(first, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return lines[0] + strings.Replace(first, old, new, 1) + "\n"
	}
	noContext := strings.Index(lines[1], `,"context":`)
	if noContext < 0 {
		t.Fatal("fixture line 2 has no context")
	}
	tests := []struct {
		name, input string
		line        int
		want        string
	}{
		{"not JSON", lines[0] + "{not json\n", 2, "not JSON"},
		{"an array", "[1,2]\n", 1, "array"},
		{"missing id", replace(`"id":"1f2e3d4c5b6a7988",`, ""), 2, "missing id"},
		{"empty id", replace(`"id":"1f2e3d4c5b6a7988"`, `"id":""`), 2, "missing id"},
		{"id not a string", replace(`"id":"1f2e3d4c5b6a7988"`, `"id":7`), 2, "id"},
		{"missing record", replace(`"record":"0123456789abcdef0011223344556677",`, ""), 2, "record"},
		{"bad record", replace(`"record":"0123456789abcdef0011223344556677"`, `"record":"xyz"`), 2, "record"},
		{"sources not a list", replace(`"sources":["logs/Security.evtx","backup/Security (copy).evtx"]`, `"sources":"x"`), 2, "sources"},
		{"missing sources", replace(`"sources":["logs/Security.evtx","backup/Security (copy).evtx"],`, ""), 2, "missing sources"},
		{"unknown key", replace(`"id":`, `"colour":"red","id":`), 2, "colour"},
		{"bad level", replace(`"level":"high","rule"`, `"level":"severe","rule"`), 2, "level"},
		{"event not an object", replace(`"event":{`, `"event":["x"],"x":{`), 2, ""},
		{"bad event value", replace(`"EventRecordID":1001,"Image"`, `"EventRecordID":"many","Image"`), 2, "event"},
		{"missing context", lines[1][:noContext] + "}\n", 1, "missing context"},
		{"bad context time", replace(`"Timestamp":"2024-03-01T09:28:15.1234567Z"`, `"Timestamp":"soon"`), 2, "context before"},
		{"edited message", replace(`"message":"[high]`, `"message":"[low]`), 2, "not as evtxhunt writes"},
		{"two values", lines[0] + first + " {}\n", 2, "more than one"},
		{"empty line", lines[0] + "\n" + lines[1], 2, "empty line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := ReadFindingsJSONL(strings.NewReader(tt.input), "shard-2.jsonl", func(*findings.Finding) error { n++; return nil })
			var le *LineError
			if !errors.As(err, &le) || le.File != "shard-2.jsonl" || le.Line != tt.line || !strings.Contains(err.Error(), tt.want) ||
				!strings.HasPrefix(err.Error(), "shard-2.jsonl:") {
				t.Errorf("error %v; want shard-2.jsonl:%d mentioning %q", err, tt.line, tt.want)
			}
			if n != tt.line-1 {
				t.Errorf("%d findings delivered before the bad line %d", n, tt.line)
			}
		})
	}
}

func TestReadFindingsLines(t *testing.T) {
	good, _ := readBack(t, sampleFindings())
	crlf := strings.ReplaceAll(string(good), "\n", "\r\n")
	noFinalNewline := strings.TrimSuffix(string(good), "\n")
	for name, input := range map[string]string{"lf": string(good), "crlf": crlf, "no final newline": noFinalNewline, "empty file": ""} {
		n := 0
		err := ReadFindingsJSONL(strings.NewReader(input), "x.jsonl", func(*findings.Finding) error { n++; return nil })
		want := len(sampleFindings())
		if input == "" {
			want = 0
		}
		if err != nil || n != want {
			t.Errorf("%s: %d findings, %v; want %d", name, n, err, want)
		}
	}
	stop := errors.New("stop")
	if err := ReadFindingsJSONL(bytes.NewReader(good), "x", func(*findings.Finding) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("the callback's error came back as %v", err)
	}
	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 1000
	err := ReadFindingsJSONL(bytes.NewReader(good), "long.jsonl", func(*findings.Finding) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "long.jsonl:1: line longer than 1000 bytes") {
		t.Errorf("long line: %v", err)
	}
}

// FuzzUnmarshalFinding: merge reads files from other machines; whatever a
// line holds, reading it fails cleanly or gives a finding that writes the
// line again.
func FuzzUnmarshalFinding(f *testing.F) {
	good, _ := readBack(f, sampleFindings())
	for _, line := range bytes.Split(bytes.TrimSpace(good), []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"id":"x","record":"00000000000000000000000000000000","level":"low","rule":{},"sources":[],"event":{"EventData":{}},"context":{"before":[],"after":[],"ancestry":[],"children":[]}}`))
	f.Add([]byte(`{"event":{"Timestamp":"x","Foo":1}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var fd findings.Finding
		if UnmarshalFinding(line, &fd) != nil {
			return
		}
		if got := AppendFindingJSON(nil, &fd); !bytes.Equal(got, line) {
			t.Fatalf("accepted %q but writes %q", line, got)
		}
		var again findings.Finding
		if err := UnmarshalFinding(line, &again); err != nil || again.RecordKey() != fd.RecordKey() {
			t.Fatalf("reading the same line again: %v", err)
		}
		_ = event.FormatTime(fd.Event.Timestamp)
	})
}

// TestFindingsJSONGeneral: a finding on a record that is not a process
// creation, with its session and its records, is read back typed whole
// and written again byte for byte.
func TestFindingsJSONGeneral(t *testing.T) {
	fs := sampleFindings()
	var g *findings.Finding
	for i := range fs {
		if fs[i].General != nil {
			g = &fs[i]
		}
	}
	if g == nil {
		t.Fatal("no general finding in the sample")
	}
	line := AppendFindingJSON(nil, g)
	var f findings.Finding
	if err := UnmarshalFinding(line, &f); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	if f.General == nil || f.Raw != nil || f.General.EventID != 7045 || len(f.General.Items) != len(g.General.Items) ||
		f.Event.User != g.Event.User {
		t.Errorf("read back as event %+v general %+v raw %v", f.Event, f.General, f.Raw)
	}
	a := AppendFindingJSON(nil, &fs[0])
	var p findings.Finding
	if err := UnmarshalFinding(a, &p); err != nil || p.Session == nil || len(p.Records) != 2 {
		t.Errorf("session and records not read back: %v, %+v, %+v", err, p.Session, p.Records)
	}
}
