package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// slackFile is a corpus file whose chunk slack holds deleted 4688 records.
const slackFile = "EVTX-to-MITRE-Attack/TA0003-Persistence/T1543.003-Create or Modify System Process-Windows Service/ID4688-Service abuse with Failure Command.evtx"

func TestCarveFlag(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"), slackFile)
	plain, _, code := runCLI(t, "timeline", "-f", "jsonl", path)
	carved, _, codeCarved := runCLI(t, "timeline", "--carve", "-f", "jsonl", path)
	if code != exitOK || codeCarved != exitOK {
		t.Fatalf("exit codes %d and %d, want 0", code, codeCarved)
	}
	if strings.Contains(plain, `"Recovered":true`) {
		t.Errorf("timeline without --carve printed recovered events")
	}
	var recovered int
	for _, line := range strings.Split(strings.TrimSpace(carved), "\n") {
		if strings.Contains(line, `"Recovered":true`) {
			recovered++
		} else if !strings.Contains(plain, line) {
			t.Errorf("--carve changed an allocated event: %s", line)
		}
	}
	if recovered < 5 { // slack_recovered.tsv: 5 recovered 4688 records
		t.Errorf("--carve recovered %d 4688 events, want at least 5", recovered)
	}

	out, _, _ := runCLI(t, "stats", "--carve", "-f", "json", path)
	var rows []struct{ Recovered, Recovered4688 *int }
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("stats --carve -f json: %v\n%s", err, out)
	}
	if r := rows[0]; r.Recovered == nil || *r.Recovered < 24 || *r.Recovered4688 != recovered {
		t.Errorf("stats --carve: Recovered %v, Recovered4688 %v; want >= 24 and %d", r.Recovered, r.Recovered4688, recovered)
	}
	for _, cmd := range []string{"timeline", "stats", "scan"} {
		help, _, _ := runCLI(t, cmd, "--help")
		if !strings.Contains(help, "--carve") {
			t.Errorf("%s --help does not document --carve", cmd)
		}
	}
}

// TestInterrupted: a cancelled run (Ctrl-C) exits 130, says what it had
// read and writes no report.
func TestInterrupted(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	outPath := filepath.Join(t.TempDir(), "timeline.csv")
	for _, args := range [][]string{
		{"timeline", "-o", outPath, dir},
		{"stats", "-o", outPath, dir},
		{"scan", "-o", outPath, dir},
	} {
		var out, errOut bytes.Buffer
		code := runContext(ctx, args, strings.NewReader(""), &out, &errOut)
		if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted") {
			t.Errorf("%v: exit %d, stderr %q; want %d and a line saying it was interrupted", args, code, errOut.String(), exitInterrupted)
		}
		if _, err := os.Stat(outPath); !os.IsNotExist(err) {
			t.Errorf("%v: a report was written after the interruption", args)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(outPath), ".*")); len(left) > 0 {
			t.Errorf("%v: temporary files left: %v", args, left)
		}
	}
	help, _, _ := runCLI(t, "--help")
	if !strings.Contains(help, "130") {
		t.Errorf("root --help does not document exit code 130")
	}
}

// TestArchivesReadInPlace: logs inside a zip (stored and deflated) and a
// .gz file are read in place, named archive!/path, with the same counts
// as the files themselves.
func TestArchivesReadInPlace(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.LoadCounts(testshared.Dir(t, "corpus", "truth", "counts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rels := []string{
		"EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1027-Obfuscated Files or Information/ID4688-Obfuscated payload transfer via service name - Tchopper.evtx",
		"EVTX-ATTACK-SAMPLES/Privilege Escalation/UACME_59_Sysmon.evtx",
		slackFile,
	}
	tmp := t.TempDir()
	archive := filepath.Join(tmp, "triage.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, rel := range rels {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		method := zip.Deflate
		if i == 1 {
			method = zip.Store
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "Logs/" + rel, Method: method})
		w.Write(data)
		if i == 0 {
			var gz bytes.Buffer
			gw := gzip.NewWriter(&gz)
			gw.Write(data)
			gw.Close()
			os.WriteFile(filepath.Join(tmp, "single.evtx.gz"), gz.Bytes(), 0o644)
		}
	}
	zw.Close()
	os.WriteFile(archive, buf.Bytes(), 0o644)

	out, errOut, code := runCLI(t, "stats", "-f", "json", tmp)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []struct {
		Path                           string
		Bytes                          int64
		Records, Security4688, Sysmon1 int
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(rels)+1 {
		t.Fatalf("%d files read, want %d: %s", len(rows), len(rels)+1, out)
	}
	for _, r := range rows {
		rel := strings.TrimPrefix(r.Path, archive+"!/Logs/")
		if strings.HasSuffix(r.Path, ".gz!/single.evtx") {
			rel = rels[0]
		}
		w, ok := want[rel]
		if !ok {
			t.Errorf("unexpected input name %q", r.Path)
			continue
		}
		if got := (truth.Counts{Bytes: int(r.Bytes), Records: r.Records, N4688: r.Security4688, NSysmon1: r.Sysmon1}); got != w {
			t.Errorf("%s: %v, want %v", r.Path, got, w)
		}
	}
}
