package sessionreport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/logonstory"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// storyIndex builds the sessions of the generated story, its Security
// records read with the Velocidex library, its process creations through
// the pipeline.
func storyIndex(t *testing.T) *sessions.Index {
	x, _ := storyScan(t)
	return x
}

// storyScan builds the sessions of the generated story as storyIndex
// does and scans the story with the built-in rules as evtxhunt scan
// does: every process creation, and the records the rules' log sources
// name, read through the pipeline.
func storyScan(t *testing.T) (*sessions.Index, *findings.Results) {
	set, errs := detections.Load(detections.Config{})
	for _, e := range errs {
		if !e.Note {
			t.Fatalf("built-in rule: %v", e)
		}
	}
	ruled := set.Selection()
	want := &event.Selection{}
	want.Merge(ruled)
	want.Merge(sessions.Selection())
	r := logonstory.Read(t, logonstory.Write(t, ""), want)
	b := sessions.NewBuilder(sessions.Options{})
	for i := range r.Velocidex {
		b.Add(&r.Velocidex[i])
	}
	scanner, err := findings.NewScanner(set, findings.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Processes {
		b.AddProcess(&r.Processes[i])
		scanner.Scan(&r.Processes[i])
	}
	for i := range r.Selected {
		if e := &r.Selected[i]; ruled.Wants(e.Channel, e.EventID) {
			scanner.ScanEvent(e)
		}
	}
	res, err := scanner.Finish()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Close() })
	return b.Finish(), res
}

// storyRows are the rows of the story's report, with the findings of the
// built-in rules counted in them.
func storyRows(t *testing.T, f *filter.Filter) []Row {
	x, res := storyScan(t)
	rows := Rows(x, f)
	if _, err := CountFindings(rows, x, res); err != nil {
		t.Fatal(err)
	}
	return rows
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
	rows := storyRows(t, &filter.Filter{})
	opts := Options{Findings: true}
	golden(t, "story.jsonl", render(t, rows, report.JSONL, opts))
	golden(t, "story.table", render(t, rows, report.Table, opts))
	for _, line := range strings.Split(strings.TrimSpace(render(t, rows, report.JSONL, opts)), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not JSON: %s", line)
		}
	}
	var array []map[string]any
	if err := json.Unmarshal([]byte(render(t, rows, report.JSON, opts)), &array); err != nil || len(array) != len(rows) {
		t.Errorf("JSON: %d rows, %v", len(array), err)
	}
}

// CSV has the documented columns, one row per session and failed-logon
// group, and the findings columns only when asked for.
func TestCSV(t *testing.T) {
	rows := storyRows(t, &filter.Filter{})
	for _, withFindings := range []bool{false, true} {
		records, err := csv.NewReader(strings.NewReader(render(t, rows, report.CSV, Options{Findings: withFindings}))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := CSVColumns
		if withFindings {
			header = append(slices.Clone(CSVColumns), FindingColumns...)
		}
		if len(records) != len(rows)+1 || !slices.Equal(records[0], header) {
			t.Fatalf("findings %v: %d records, header %v", withFindings, len(records), records[0])
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
		if !withFindings {
			continue
		}
		if got := rdp[len(CSVColumns):]; !slices.Equal(got, []string{"4", "high"}) {
			t.Errorf("rdp row's findings %v, want 4 high", got)
		}
		if got := failed[len(CSVColumns):]; !slices.Equal(got, []string{"", ""}) {
			t.Errorf("failed row's findings %v, want none", got)
		}
		if bob := byID[`session 0x3e8a0 CORP\bob 2024-03-12T09:00:00.0000000Z`]; bob == nil || !slices.Equal(bob[len(CSVColumns):], []string{"0", ""}) {
			t.Errorf("bob's session %v, want 0 findings", bob)
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

// The built-in rules' findings on the story count in the sessions of
// their logon ids: four in alice's RDP session (two on one PowerShell
// command, its 4648 and a SAM hive saved), two in her network logon, one
// in carol's, none elsewhere; the table and JSON show them.
func TestStoryFindings(t *testing.T) {
	x, res := storyScan(t)
	rows := Rows(x, &filter.Filter{})
	c, err := CountFindings(rows, x, res)
	if err != nil || c != (FindingCounts{Total: 7, InRows: 7}) {
		t.Fatalf("counts %+v, %v", c, err)
	}
	got := sessionFindings(rows)
	want := map[string]string{
		`CORP\alice 0x5a1f0 08:14`: "4 high",
		`CORP\alice 0x6b000 08:20`: "2 critical",
		`CORP\carol 0x3e8a0 10:00`: "1 medium",
	}
	if !maps.Equal(got, want) {
		t.Errorf("findings per session %v, want %v", got, want)
	}
	table := render(t, rows, report.Table, Options{Findings: true})
	if !strings.Contains(table, "| Findings ") || !strings.Contains(table, "| 4 (high) ") || !strings.Contains(table, "| 1         | 0            |") {
		t.Errorf("table:\n%s", table)
	}
	line := render(t, rows[3:4], report.JSONL, Options{Findings: true})
	if !strings.Contains(line, `"Processes":2,"Findings":4,"FindingsLevel":"high","Session":`) {
		t.Errorf("jsonl: %s", line)
	}
	if line := render(t, rows[:1], report.JSONL, Options{Findings: true}); !strings.Contains(line, `"Findings":0,"Session":`) {
		t.Errorf("jsonl without findings: %s", line)
	}
	if line := render(t, rows, report.JSONL, Options{}); strings.Contains(line, "Findings") {
		t.Errorf("jsonl without Options.Findings: %s", line)
	}
	// Rows the filters leave out count nothing; the findings are still read.
	rows = Rows(x, &filter.Filter{Hosts: []string{"WS02"}})
	if c, err := CountFindings(rows, x, res); err != nil || c != (FindingCounts{Total: 7}) || rows[0].Findings != 0 {
		t.Errorf("WS02 only: %+v, %v, %+v", c, err, rows[0])
	}
}

// A finding counts in the row Lookup gives its event: by time among the
// sessions of a reused logon id, in the row of process creations no
// session explains after a logoff, under the host's short name and any
// spelling of the logon id; findings without a logon id, or whose logon
// id has no row, count nowhere.
func TestCountFindingsMatching(t *testing.T) {
	x := storyIndex(t)
	const ws01 = "WS01.corp.example.com"
	at := func(hh, mm int) time.Time { return time.Date(2024, 3, 12, hh, mm, 0, 0, time.UTC) }
	finding := func(host string, t time.Time, logonID string, l sigma.Level) findings.Finding {
		return findings.Finding{Level: l, Event: event.Process{Computer: host, Timestamp: t, LogonId: logonID}}
	}
	list := findings.List{
		finding(ws01, at(9, 5), "0x3e8a0", sigma.Low),             // bob's session of the reused id
		finding("ws01", at(10, 30), "256160", sigma.High),         // carol's, short name, decimal
		finding(ws01, at(10, 31), "0X3E8A0", sigma.Informational), // carol's again
		finding(ws01, at(8, 40), "0x5a1f0", sigma.Medium),         // after alice's logoff: "no 4624" row
		finding(ws01, at(8, 2), "0x3e7", sigma.Low),               // built-in row
		finding(ws01, at(8, 3), "", sigma.Critical),               // no logon id
		finding(ws01, at(8, 4), "0x123456", sigma.Critical),       // no row for this id
		finding("WS09", at(8, 4), "0x5a1f0", sigma.Critical),      // unknown host
		finding(ws01, at(9, 30), "0x3e8a0", sigma.Critical),       // between bob's logoff and carol's logon
	}
	rows := Rows(x, &filter.Filter{})
	c, err := CountFindings(rows, x, list)
	if err != nil || c != (FindingCounts{Total: 9, InRows: 5}) {
		t.Fatalf("counts %+v, %v", c, err)
	}
	got := sessionFindings(rows)
	want := map[string]string{
		`CORP\bob 0x3e8a0 09:00`:          "1 low",
		`CORP\carol 0x3e8a0 10:00`:        "2 high",
		`CORP\alice 0x5a1f0 08:40`:        "1 medium",
		`NT AUTHORITY\SYSTEM 0x3e7 08:01`: "1 low",
	}
	if !maps.Equal(got, want) {
		t.Errorf("findings per row %v, want %v", got, want)
	}
	// Counting again starts afresh.
	if c, _ := CountFindings(rows, x, findings.List{}); c.Total != 0 || slices.ContainsFunc(rows, func(r Row) bool { return r.Findings != 0 }) {
		t.Errorf("recount: %+v", c)
	}
}

// sessionFindings maps "user logon-id start" of each session row with
// findings to "count level".
func sessionFindings(rows []Row) map[string]string {
	got := map[string]string{}
	for _, r := range rows {
		if r.Kind == KindSession && r.Findings > 0 {
			got[r.User+" "+r.Session.LogonId+" "+r.Start.Format("15:04")] = fmt.Sprintf("%d %s", r.Findings, r.FindingsLevel)
		}
	}
	return got
}
