package sessionreport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/internal/logonstory"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// storyIndex builds the sessions of the generated story, its Security
// records read with the Velocidex library, its process creations through
// the pipeline.
func storyIndex(t *testing.T) *sessions.Index {
	r := logonstory.Read(t, logonstory.Write(t, ""), sessions.Selection())
	b := sessions.NewBuilder(sessions.Options{})
	for i := range r.Velocidex {
		b.Add(&r.Velocidex[i])
	}
	for i := range r.Processes {
		b.AddProcess(&r.Processes[i])
	}
	return b.Finish()
}

func render(t *testing.T, rows []Row, f report.Format, opts Options) string {
	var b bytes.Buffer
	if err := Write(&b, f, rows, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

// The story's report, as JSONL and as a table, is the golden one (the
// command's test compares its own output with the same files).
func TestStoryGolden(t *testing.T) {
	rows := Rows(storyIndex(t), &filter.Filter{})
	golden(t, "story.jsonl", render(t, rows, report.JSONL, Options{}))
	golden(t, "story.table", render(t, rows, report.Table, Options{}))
	for _, line := range strings.Split(strings.TrimSpace(render(t, rows, report.JSONL, Options{})), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not JSON: %s", line)
		}
	}
	var array []map[string]any
	if err := json.Unmarshal([]byte(render(t, rows, report.JSON, Options{})), &array); err != nil || len(array) != len(rows) {
		t.Errorf("JSON: %d rows, %v", len(array), err)
	}
}

// CSV has the documented columns, one row per session and failed-logon
// group, and the Findings column only when asked for.
func TestCSV(t *testing.T) {
	rows := Rows(storyIndex(t), &filter.Filter{})
	for _, findings := range []bool{false, true} {
		records, err := csv.NewReader(strings.NewReader(render(t, rows, report.CSV, Options{Findings: findings}))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != len(rows)+1 || (records[0][len(records[0])-1] == "Findings") != findings {
			t.Fatalf("findings %v: %d records, header %v", findings, len(records), records[0])
		}
		byID := map[string][]string{}
		for _, r := range records[1:] {
			byID[r[0]+" "+r[3]+" "+r[2]+" "+r[16]] = r
		}
		rdp := byID[`session 0x5a1f0 CORP\alice 2024-03-12T08:14:03.0010000Z`]
		col := func(name string) string {
			for i, c := range CSVColumns {
				if c == name {
					return rdp[i]
				}
			}
			t.Fatalf("no column %s", name)
			return ""
		}
		if rdp == nil || col("LogonType") != "10" || col("SourceAddress") != "198.51.100.23" || col("SourceWorkstation") != "DESKTOP-X9" ||
			col("Elevated") != "true" || col("DurationSeconds") != "948" || col("Processes") != "2" || col("ClientName") != "JUMP01" ||
			col("EventRecordIDs") == "" || col("Known") != "true" {
			t.Errorf("rdp row %v", rdp)
		}
		failed := byID[`failed_logons  CORP\administrator 2024-03-12T08:16:00.0000000Z`]
		if failed == nil || failed[22] != "3" || !strings.Contains(failed[23], "0xc000006d/0xc000006a=2") || failed[4] != "3" {
			t.Errorf("failed row %v", failed)
		}
	}
}

// --host, --user, --since and --until keep the sessions of those hosts and
// users whose span meets the range; a session without a logoff may reach
// any later time.
func TestRowsFiltered(t *testing.T) {
	x := storyIndex(t)
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	tests := []struct {
		name string
		f    filter.Filter
		want string // sessions' logon ids, then failed groups' users
	}{
		{"host", filter.Filter{Hosts: []string{"ws02"}}, "0x2b000"},
		{"user", filter.Filter{Users: []string{"carol"}}, "0x3e8a0"},
		{"user and host", filter.Filter{Users: []string{"bob"}, Hosts: []string{"WS01"}}, "0x3e8a0"},
		{"range", filter.Filter{Since: at("2024-03-12T09:30:00Z"), Until: at("2024-03-12T11:00:00Z")}, "0x1a001 0x1a002 0x3e8a0 0x77777"},
		{"range in a session", filter.Filter{Since: at("2024-03-12T08:29:00Z"), Until: at("2024-03-12T08:29:30Z"), Users: []string{"alice"}}, "0x1a001 0x1a002 0x5a1f0"},
		{"failed logons in range", filter.Filter{Since: at("2024-03-12T08:17:00Z"), Until: at("2024-03-12T08:19:00Z"), Hosts: []string{"WS01"}}, "0x1a001 0x1a002 0x5a1f0 CORP\\guest"},
	}
	for _, tc := range tests {
		var got []string
		for _, r := range Rows(x, &tc.f) {
			if r.Kind == KindSession {
				got = append(got, r.Session.LogonId)
			} else {
				got = append(got, r.User)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
		}
	}
}

// Text from the logs cannot reach the terminal raw nor run in a
// spreadsheet.
func TestHostileText(t *testing.T) {
	b := sessions.NewBuilder(sessions.Options{})
	e := &event.Event{System: event.System{Timestamp: time.Date(2024, 3, 12, 8, 0, 0, 0, time.UTC), Computer: "WS\x1b[2J01",
		Channel: "Security", Provider: event.SecurityProvider, EventID: 4624, EventRecordID: 1}, Kind: event.EventData,
		Items: []event.Item{{Name: "TargetUserName", Value: "=cmd|' /C calc'!A0"}, {Name: "TargetLogonId", Value: "0x42"},
			{Name: "LogonType", Value: "10"}, {Name: "WorkstationName", Value: "evil\u202e\x07"}, {Name: "IpAddress", Value: "@1"}}}
	b.Add(e)
	rows := Rows(b.Finish(), &filter.Filter{})
	table := render(t, rows, report.Table, Options{})
	if strings.ContainsAny(table, "\x1b\x07\u202e") || !strings.Contains(table, `WS\x1b[2J01`) || !strings.Contains(table, `evil\u202e\x07`) {
		t.Errorf("table:\n%s", table)
	}
	csvText := render(t, rows, report.CSV, Options{})
	if !strings.Contains(csvText, "'=cmd") || !strings.Contains(csvText, ",'@1,") {
		t.Errorf("csv:\n%s", csvText)
	}
	if raw := render(t, rows, report.CSV, Options{Options: report.Options{RawCSV: true}}); !strings.Contains(raw, ",=cmd") {
		t.Errorf("raw csv:\n%s", raw)
	}
}

// The Findings hook adds a column and a field with each row's count.
func TestFindingsHook(t *testing.T) {
	rows := Rows(storyIndex(t), &filter.Filter{Hosts: []string{"WS02"}})
	rows[0].Findings = 4
	if table := render(t, rows, report.Table, Options{Findings: true}); !strings.Contains(table, "Findings") || !strings.Contains(table, "| 4 ") {
		t.Errorf("table:\n%s", table)
	}
	if line := render(t, rows, report.JSONL, Options{Findings: true}); !strings.Contains(line, `"Processes":1,"Findings":4,"Session":`) {
		t.Errorf("jsonl: %s", line)
	}
	if line := render(t, rows, report.JSONL, Options{}); strings.Contains(line, "Findings") {
		t.Errorf("jsonl without the hook: %s", line)
	}
}
