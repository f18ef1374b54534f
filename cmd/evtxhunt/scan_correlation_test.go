package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeLogonLog writes a Security log with evtxhunt synth: 12 failed
// network logons of bob from 203.0.113.66 within two minutes, then his
// successful logon from there; alice mistyping her password twice then
// logging on.
func writeLogonLog(t *testing.T, dir string) string {
	t.Helper()
	t0 := time.Date(2024, 3, 12, 8, 0, 0, 0, time.UTC)
	var lines []string
	logon := func(at time.Duration, id int, user, ip string) {
		lines = append(lines, fmt.Sprintf(`{"Timestamp":%q,"Computer":"DC01.corp.example.com","EventID":%d,"EventData":{"TargetUserName":%q,"TargetDomainName":"CORP","LogonType":3,"IpAddress":%q,"WorkstationName":"X"}}`,
			t0.Add(at).Format(time.RFC3339Nano), id, user, ip))
	}
	for i := range 12 {
		logon(time.Duration(i)*10*time.Second, 4625, "bob", "203.0.113.66")
	}
	logon(3*time.Minute, 4624, "bob", "203.0.113.66")
	logon(time.Hour, 4625, "alice", "10.1.2.3")
	logon(time.Hour+20*time.Second, 4625, "alice", "10.1.2.3")
	logon(time.Hour+40*time.Second, 4624, "alice", "10.1.2.3")
	in := filepath.Join(dir, "logons.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "Security.evtx")
	if _, errOut, code := runCLI(t, "synth", "-o", out, in); code != 0 {
		t.Fatalf("synth exited %d: %s", code, errOut)
	}
	return out
}

// TestScanCorrelations: the built-in correlations find the password
// guessing and the brute force followed by a success, and nothing for
// the user who mistyped twice; their base rules report nothing alone;
// the findings go through every format and merge back.
func TestScanCorrelations(t *testing.T) {
	dir := t.TempDir()
	log := writeLogonLog(t, dir)
	out, errOut, code := runCLI(t, "scan", "-f", "jsonl", "--fail-level", "high", log)
	if code != exitFindings {
		t.Fatalf("scan exited %d, want %d (a high correlation finding): %s", code, exitFindings, errOut)
	}
	var titles []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		switch {
		case strings.Contains(line, `"title":"Password Guessing Against One Account"`):
			titles = append(titles, "guessing")
			if !strings.Contains(line, `"type":"event_count","condition":"gte 10","timespan":"5m0s","group":[{"field":"IpAddress","value":"203.0.113.66"},{"field":"TargetUserName","value":"bob"}],"count":12,"total":12`) {
				t.Errorf("guessing finding: %s", line)
			}
		case strings.Contains(line, `"title":"Brute Force Followed by a Successful Logon"`):
			titles = append(titles, "brute force")
			if !strings.Contains(line, `"type":"temporal_ordered"`) || !strings.Contains(line, `"value":"bob"`) || !strings.Contains(line, `"level":"high"`) {
				t.Errorf("brute force finding: %s", line)
			}
		default:
			titles = append(titles, line)
		}
	}
	if strings.Join(titles, ",") != "guessing,brute force" && strings.Join(titles, ",") != "brute force,guessing" {
		t.Fatalf("findings: %q", titles)
	}
	if strings.Contains(out, "alice") {
		t.Error("alice's two typos gave a finding")
	}
	// The table shows the correlation; merging the JSONL gives it back.
	table, _, _ := runCLI(t, "scan", log)
	if !strings.Contains(table, "Correlation event_count 12 (gte 10) within 5m0s; IpAddress=203.0.113.66, TargetUserName=bob") {
		t.Errorf("table:\n%s", table)
	}
	jsonl := filepath.Join(dir, "f.jsonl")
	if err := os.WriteFile(jsonl, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	merged, errOut, code := runCLI(t, "merge", "-f", "jsonl", jsonl)
	if code != 0 && code != exitFindings || merged != out {
		t.Errorf("merge exited %d (%s), output differs:\n%s\n--- want\n%s", code, errOut, merged, out)
	}
	// A copy of the log is not fed twice: the same two findings (their
	// records those of the file read first), and no base-rule hit counted
	// as a merged copy.
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(dir, "copy", "Security.evtx")
	if err := os.MkdirAll(filepath.Dir(cp), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	both, errOut, _ := runCLI(t, "scan", "-f", "jsonl", log, cp)
	if n := strings.Count(both, "\n"); n != 2 || !strings.Contains(errOut, " 2 findings (1 high, 1 medium)") || !strings.Contains(errOut, " 0 copies of reported records merged") {
		t.Errorf("log and its copy: %d findings\n%s\n%s", n, both, errOut)
	}
	// An allowlist entry on the correlation's id and a group-by field
	// suppresses its finding; one naming another value does not.
	for _, tc := range []struct {
		user  string
		found bool
	}{{"BOB", false}, {"carol", true}} {
		allow := filepath.Join(dir, "allow-"+tc.user+".yml")
		entry := "- rule: 54abb59f-847b-4d07-81ef-3f53291cddc3\n  where:\n    TargetUserName: " + tc.user + "\n    IpAddress|cidr: 203.0.113.0/24\n  reason: pen test\n"
		if err := os.WriteFile(allow, []byte(entry), 0o644); err != nil {
			t.Fatal(err)
		}
		got, errOut, _ := runCLI(t, "scan", "-f", "jsonl", "--allowlist", allow, log)
		if strings.Contains(got, "Password Guessing") != tc.found || !strings.Contains(got, "Brute Force Followed") {
			t.Errorf("allowlist %s: %s\n%s", tc.user, got, errOut)
		}
	}
}
