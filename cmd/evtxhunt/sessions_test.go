package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/sessionreport"
	"github.com/evtxhunt/evtxhunt/internal/logonstory"
)

// The command's report on the generated story is the golden one of
// package sessionreport (JSONL and table). The sessions need the decoders
// to fill Result.Selected; until they do, the test skips.
func TestSessionsGolden(t *testing.T) {
	dir := t.TempDir()
	logonstory.Write(t, dir)
	for _, tc := range []struct{ format, golden string }{
		{"jsonl", "story.jsonl"},
		{"table", "story.table"},
	} {
		out, errOut, code := runCLI(t, "sessions", "-f", tc.format, "-j", "2", dir)
		if code != 0 {
			t.Fatalf("-f %s: exit %d: %s", tc.format, code, errOut)
		}
		if tc.format == "jsonl" && !strings.Contains(out, `"Known":true`) {
			t.Fatalf("no session rebuilt from a story with 7 logons")
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "analyzer", "sessionreport", "testdata", tc.golden))
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Errorf("sessions -f %s differs from %s:\n%s", tc.format, tc.golden, out)
		}
	}
}

// What does not need the logon records works already: the process
// creations of a logon id without a 4624 get their row, filters and
// formats apply, and the CSV has the documented header.
func TestSessionsProcessRows(t *testing.T) {
	dir := t.TempDir()
	logonstory.Write(t, dir)
	out, errOut, code := runCLI(t, "sessions", "-f", "jsonl", "--user", "dave", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var row struct {
		Kind, Host, User, LogonId, Start string
		Processes                        int
		Session                          map[string]any
	}
	if err := json.Unmarshal([]byte(out), &row); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if row.Kind != "session" || row.User != `CORP\dave` || row.LogonId != "0x77777" || row.Processes != 1 ||
		row.Start != "2024-03-12T11:00:00.0000000Z" || row.Session["Known"] != false {
		t.Errorf("row %+v", row)
	}
	out, _, _ = runCLI(t, "sessions", "-f", "csv", "--host", "WS01", "--since", "2024-03-12T10:59:00Z", "--until", "2024-03-12T11:30:00Z", dir)
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) < 2 || strings.Join(records[0], ",") != strings.Join(sessionreport.CSVColumns, ",") {
		t.Fatalf("csv %v, %v", records, err)
	}
	for _, r := range records[1:] {
		if r[1] != "WS01.corp.example.com" {
			t.Errorf("--host WS01 kept %v", r)
		}
	}
	out, _, _ = runCLI(t, "sessions", "--host", "WS03", dir)
	if out != "Logon sessions: none\n" {
		t.Errorf("no session: %q", out)
	}
	out, _, _ = runCLI(t, "sessions", "-f", "json", "--host", "WS02", dir)
	var array []map[string]any
	if err := json.Unmarshal([]byte(out), &array); err != nil || len(array) != 1 {
		t.Errorf("json: %v, %s", err, out)
	}
}

func TestSessionsUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sessions"}, "requires at least 1 arg"},
		{[]string{"sessions", "-f", "html", "."}, `unknown format "html"`},
		{[]string{"sessions", "--since", "yesterday", "."}, "--since"},
		{[]string{"sessions", "--event-id", "4624", "."}, "unknown flag: --event-id"},
		{[]string{"sessions", "--until", "2024-03-01", "--since", "2024-03-02", "."}, "--until is before --since"},
	}
	for _, tc := range tests {
		_, errOut, code := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errOut, exitUsage, tc.want)
		}
	}
}
