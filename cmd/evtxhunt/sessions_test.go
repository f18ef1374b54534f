package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
	header := append(slices.Clone(sessionreport.CSVColumns), sessionreport.FindingColumns...)
	if err != nil || len(records) < 2 || !slices.Equal(records[0], header) {
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

// The findings of the generated story count in the sessions of their
// logon ids, with the rule flags of scan: alice's RDP session holds four
// (the Sysmon and Security records of one PowerShell command give one
// finding per rule), her network logon two, carol's one, bob's none; the
// stderr note counts them all.
func TestSessionsFindings(t *testing.T) {
	dir := t.TempDir()
	logonstory.Write(t, dir)
	findingsOf := func(args ...string) map[string]string {
		t.Helper()
		out, errOut, code := runCLI(t, append(append([]string{"sessions", "-f", "jsonl"}, args...), dir)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var row struct {
				Kind, User, LogonId, Start, FindingsLevel string
				Findings                                  *int
			}
			if err := json.Unmarshal([]byte(line), &row); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			if row.Kind != "session" {
				continue
			}
			if row.Findings == nil {
				t.Fatalf("no Findings in %s", line)
			}
			key := row.User + " " + row.LogonId + " " + row.Start[11:16]
			got[key] = fmt.Sprintf("%d %s", *row.Findings, row.FindingsLevel)
		}
		return got
	}
	got := findingsOf()
	for key, want := range map[string]string{
		`CORP\alice 0x5a1f0 08:14`: "4 high",
		`CORP\alice 0x6b000 08:20`: "2 critical",
		`CORP\carol 0x3e8a0 10:00`: "1 medium",
		`CORP\bob 0x3e8a0 09:00`:   "0 ",
		`CORP\alice 0x5a1f0 08:40`: "0 ",
	} {
		if got[key] != want {
			t.Errorf("%s: %q findings, want %q (all: %v)", key, got[key], want, got)
		}
	}
	got = findingsOf("--min-level", "critical")
	if got[`CORP\alice 0x6b000 08:20`] != "1 critical" || got[`CORP\alice 0x5a1f0 08:14`] != "0 " {
		t.Errorf("--min-level critical: %v", got)
	}
	// A rule of one's own, without the built-in ones: whoami.exe runs
	// once, in dave's logon id that no 4624 explains.
	rule := filepath.Join(t.TempDir(), "whoami.yml")
	if err := os.WriteFile(rule, []byte(`title: whoami
id: 7d1f3c2e-0b1a-4c55-9d3e-5a0e2f6b9c11
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\whoami.exe'}
  condition: sel
level: low
`), 0o644); err != nil {
		t.Fatal(err)
	}
	got = findingsOf("--no-builtin", "-r", rule)
	if got[`CORP\dave 0x77777 11:00`] != "1 low" || got[`CORP\alice 0x5a1f0 08:14`] != "0 " {
		t.Errorf("-r whoami.yml: %v", got)
	}
	_, errOut, _ := runCLI(t, "sessions", "--host", "WS02", dir)
	if !strings.Contains(errOut, "evtxhunt: note: 7 findings, 0 of them in the sessions listed") {
		t.Errorf("stderr: %q", errOut)
	}
	// An allowlist entry for the PowerShell command leaves two findings
	// out of alice's RDP session, and says so.
	list := filepath.Join(t.TempDir(), "allow.yml")
	if err := os.WriteFile(list, []byte("- where:\n    Image|endswith: '\\powershell.exe'\n  reason: admin script\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got = findingsOf("--allowlist", list)
	if got[`CORP\alice 0x5a1f0 08:14`] != "2 high" || got[`CORP\alice 0x6b000 08:20`] != "2 critical" {
		t.Errorf("--allowlist: %v", got)
	}
	_, errOut, _ = runCLI(t, "sessions", "--allowlist", list, dir)
	if !strings.Contains(errOut, "5 findings, 5 of them") || !strings.Contains(errOut, "(admin script): 2 suppressed") {
		t.Errorf("--allowlist stderr: %q", errOut)
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
		{[]string{"sessions", "--no-builtin", "."}, "--no-builtin needs rules"},
		{[]string{"sessions", "--min-level", "severe", "."}, "--min-level"},
		{[]string{"sessions", "--allowlist", "/nonexistent/allow.yml", "."}, "--allowlist"},
	}
	for _, tc := range tests {
		_, errOut, code := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errOut, exitUsage, tc.want)
		}
	}
}

// The Findings column agrees with scan: on the demo (two hosts logging
// process creations to both Security and Sysmon, merged into one finding
// each), every finding scan ties to a session (context.session) counts
// in that session's row, and nowhere else; levels agree too.
func TestSessionsFindingsAgreeWithScan(t *testing.T) {
	demo := filepath.Join("..", "..", "samples", "demo")
	scanOut, _, code := runCLI(t, "scan", "-q", "-f", "jsonl", demo)
	if code != exitFindings {
		t.Fatalf("scan exit %d", code)
	}
	levels := map[string]int{"informational": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
	type tally struct {
		n   int
		top string
	}
	want := map[string]*tally{}
	add := func(m map[string]*tally, key string, n int, level string) {
		tl := m[key]
		if tl == nil {
			tl = &tally{}
			m[key] = tl
		}
		tl.n += n
		if tl.top == "" || levels[level] > levels[tl.top] {
			tl.top = level
		}
	}
	findingsTotal := 0
	for _, line := range strings.Split(strings.TrimSpace(scanOut), "\n") {
		var f struct {
			Level string
			Event struct {
				Computer string
			}
			Context struct {
				Session *struct {
					LogonId, LogonTime string
					Known              bool
				}
			}
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatal(err)
		}
		findingsTotal++
		if s := f.Context.Session; s != nil {
			add(want, strings.ToLower(f.Event.Computer)+" "+s.LogonId+" "+s.LogonTime, 1, f.Level)
		}
	}
	out, errOut, code := runCLI(t, "sessions", "-f", "jsonl", demo)
	if code != 0 {
		t.Fatalf("sessions exit %d: %s", code, errOut)
	}
	got := map[string]*tally{}
	inRows := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var row struct {
			Kind, Host, FindingsLevel string
			Findings                  int
			Session                   struct{ LogonId, LogonTime string }
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		if row.Kind == "session" && row.Findings > 0 {
			add(got, strings.ToLower(row.Host)+" "+row.Session.LogonId+" "+row.Session.LogonTime, row.Findings, row.FindingsLevel)
			inRows += row.Findings
		}
	}
	if len(want) == 0 || inRows == 0 {
		t.Fatal("no finding of the demo in a session")
	}
	for key, w := range want {
		if g := got[key]; g == nil || *g != *w {
			t.Errorf("session %s: sessions counts %+v, scan %+v", key, g, w)
		}
	}
	for key, g := range got {
		if want[key] == nil {
			t.Errorf("session %s: sessions counts %+v, scan none", key, g)
		}
	}
	note := fmt.Sprintf("evtxhunt: note: %d findings, %d of them in the sessions listed", findingsTotal, inRows)
	if !strings.Contains(errOut, note) {
		t.Errorf("stderr %q lacks %q", errOut, note)
	}
}

// TestSessionsProcessesCountOnce: a copy of a log adds no process to any
// session, and on the samples (Security and Sysmon of WS01) the 4688 and
// Sysmon 1 of one process creation count once: no session's Processes
// exceeds the larger of its 4688 and Sysmon 1 counts (never their sum; a
// creation counts in the session of its record read first, so some move
// between sessions).
func TestSessionsProcessesCountOnce(t *testing.T) {
	dir := t.TempDir()
	paths := logonstory.Write(t, dir)
	processes := func(paths ...string) map[string]int {
		out, errOut, code := runCLI(t, append([]string{"sessions", "-f", "jsonl"}, paths...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		got := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var row struct {
				Kind, Host, LogonId, Start string
				Processes                  int
			}
			if err := json.Unmarshal([]byte(line), &row); err != nil {
				t.Fatalf("%v: %q", err, line)
			}
			if row.Kind == "session" {
				got[row.Host+" "+row.LogonId+" "+row.Start] = row.Processes
			}
		}
		return got
	}
	once := processes(dir)
	copyDir := filepath.Join(t.TempDir(), "copy")
	if err := os.MkdirAll(copyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(copyDir, filepath.Base(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if twice := processes(dir, copyDir); !maps.Equal(once, twice) {
		t.Errorf("a copy of the logs changed the counts:\n%v\n%v", once, twice)
	}

	demo := filepath.Join("..", "..", "samples", "demo")
	counts := map[string]map[uint32]int{} // host and logon id -> event id -> records
	tl, _, _ := runCLI(t, "timeline", "-f", "jsonl", demo)
	for _, line := range strings.Split(strings.TrimSpace(tl), "\n") {
		var e struct {
			Computer, LogonId string
			EventID           uint32
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		k := e.Computer + " " + strings.ToLower(e.LogonId)
		if counts[k] == nil {
			counts[k] = map[uint32]int{}
		}
		counts[k][e.EventID]++
	}
	checked := 0
	for key, n := range processes(demo) {
		f := strings.Fields(key)
		c := counts[f[0]+" "+strings.ToLower(f[1])]
		if c == nil || c[4688] == 0 || c[1] == 0 || n == 0 {
			continue
		}
		lo, hi := min(c[4688], c[1]), max(c[4688], c[1])
		if n > hi || n < lo/2 {
			t.Errorf("%s: %d processes from %d 4688 and %d Sysmon 1 records", key, n, c[4688], c[1])
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no session of the samples has both 4688 and Sysmon 1 records")
	}
}
