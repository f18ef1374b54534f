package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// contextFile is a corpus file with several findings that have context.
const contextFile = "EVTX-ATTACK-SAMPLES/Execution/sysmon_exec_from_vss_persistence.evtx"

type jsonFinding struct {
	ID      string
	Sources []string
	Event   struct{ Computer, CommandLine string }
	Context struct {
		Before, After, Ancestry, Children []map[string]any
	}
}

func parseJSONL(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var fs []jsonFinding
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var f jsonFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		fs = append(fs, f)
	}
	return fs
}

// TestScanWorkersIdentical: every format gives the same bytes whatever
// the number of workers, on the whole corpus.
func TestScanWorkersIdentical(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	for _, format := range []string{"jsonl", "table", "csv", "html"} {
		one, _, code1 := runCLI(t, "scan", "-q", "-f", format, "-j", "1", dir)
		eight, _, code8 := runCLI(t, "scan", "-q", "-f", format, "-j", "8", dir)
		if code1 != exitFindings || code8 != exitFindings {
			t.Errorf("%s: exit codes %d and %d, want %d", format, code1, code8, exitFindings)
		}
		if one != eight {
			t.Errorf("%s: output differs between -j 1 and -j 8", format)
		}
		if len(one) < 1000 {
			t.Errorf("%s: only %d bytes of output", format, len(one))
		}
	}
}

// TestScanContextOnCorpus: findings on the corpus carry context, and the
// context CSV rows are keyed by the ids of the CSV findings.
func TestScanContextOnCorpus(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"), contextFile)
	out, _, code := runCLI(t, "scan", "-q", "-f", "jsonl", path)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	fs := parseJSONL(t, out)
	withContext := 0
	for _, f := range fs {
		if len(f.Context.Before)+len(f.Context.After)+len(f.Context.Children) > 0 {
			withContext++
		}
		if len(f.Context.Ancestry) == 0 {
			t.Errorf("%s: no ancestry entry at all", f.ID)
		}
	}
	if withContext < len(fs)/2 {
		t.Errorf("%d of %d findings have timeline or children context", withContext, len(fs))
	}

	dir := t.TempDir()
	csvPath, ctxPath := filepath.Join(dir, "findings.csv"), filepath.Join(dir, "context.csv")
	if _, errOut, code := runCLI(t, "scan", "-q", "-o", csvPath, "--context-csv", ctxPath, path); code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ids := map[string]bool{}
	for _, row := range readCSV(t, csvPath)[1:] {
		ids[row[0]] = true
	}
	rows := readCSV(t, ctxPath)
	if len(ids) != len(fs) || len(rows) < 2 {
		t.Fatalf("%d findings in the CSV, %d in JSONL; %d context rows", len(ids), len(fs), len(rows)-1)
	}
	for _, row := range rows[1:] {
		if !ids[row[0]] {
			t.Errorf("context row for unknown finding %q", row[0])
		}
	}

	// --context 0 drops the timeline, not the ancestry.
	out, _, _ = runCLI(t, "scan", "-q", "-f", "jsonl", "--context", "0", path)
	for _, f := range parseJSONL(t, out) {
		if len(f.Context.Before)+len(f.Context.After) != 0 || len(f.Context.Ancestry) == 0 {
			t.Errorf("--context 0: %d before, %d after, %d ancestors", len(f.Context.Before), len(f.Context.After), len(f.Context.Ancestry))
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestScanDedupe: a log given twice is read once; a copy of it under
// another name gives the same findings, each listing both files.
func TestScanDedupe(t *testing.T) {
	src := filepath.Join(testshared.Dir(t, "corpus", "evtx"), contextFile)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	orig, copyPath := filepath.Join(dir, "Sysmon.evtx"), filepath.Join(dir, "backup", "Sysmon (copy).evtx")
	os.MkdirAll(filepath.Dir(copyPath), 0o755)
	if err := os.WriteFile(orig, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	single, _, _ := runCLI(t, "scan", "-q", "-f", "jsonl", orig)
	twice, _, _ := runCLI(t, "scan", "-q", "-f", "jsonl", orig, orig)
	if single != twice {
		t.Error("the same file named twice changed the findings")
	}
	copied, errOut, _ := runCLI(t, "scan", "-f", "jsonl", orig, copyPath)
	want, got := parseJSONL(t, single), parseJSONL(t, copied)
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("%d findings with the copy, %d without", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || len(got[i].Sources) != 2 || got[i].Sources[0] != orig || got[i].Sources[1] != copyPath {
			t.Errorf("finding %s: sources %q", got[i].ID, got[i].Sources)
		}
		if len(got[i].Context.Before) != len(want[i].Context.Before) || len(got[i].Context.Children) != len(want[i].Context.Children) {
			t.Errorf("finding %s: the copy changed the context", got[i].ID)
		}
	}
	if !strings.Contains(errOut, "copies of reported records merged") {
		t.Errorf("summary does not count merged copies:\n%s", errOut)
	}
}

// TestScanSummaryAndExitCodes: the summary on stderr (none with -q, no
// progress bar when stderr is not a terminal), and the exit codes.
func TestScanSummaryAndExitCodes(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"), contextFile)
	_, errOut, code := runCLI(t, "scan", "-o", os.DevNull, path)
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	for _, want := range []string{"scanned 1 files", "records", "process events", "findings (", "suppressed", "problems", "MiB/s"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "\r") {
		t.Error("a progress bar was drawn on a stderr that is not a terminal")
	}
	if _, errOut, _ := runCLI(t, "scan", "-q", "-o", os.DevNull, path); errOut != "" {
		t.Errorf("-q printed %q", errOut)
	}
	if _, _, code := runCLI(t, "scan", "-q", "--fail-level", "critical", "-o", os.DevNull, path); code != exitOK {
		t.Errorf("--fail-level critical without critical findings: exit %d, want 0", code)
	}
	missing := filepath.Join(t.TempDir(), "missing.evtx")
	if _, _, code := runCLI(t, "scan", "-q", "-o", os.DevNull, path, missing); code != exitFindings {
		t.Errorf("findings and an unreadable input: exit %d, want %d", code, exitFindings)
	}
	if _, _, code := runCLI(t, "scan", "-q", "--fail-level", "critical", "-o", os.DevNull, path, missing); code != exitInput {
		t.Errorf("no findings at the fail level and an unreadable input: exit %d, want %d", code, exitInput)
	}
	for _, args := range [][]string{
		{"scan", "--context", "-1", path},
		{"scan", "--context-window", "0s", path},
		{"scan", "--context-window", "soon", path},
		{"scan", "-f", "xml", path},
	} {
		if _, _, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	help, _, _ := runCLI(t, "scan", "--help")
	for _, flag := range []string{"--context ", "--context-window", "--context-csv", "--no-progress", "--quiet", "html", "Exit codes"} {
		if !strings.Contains(help, flag) {
			t.Errorf("scan --help does not mention %q", flag)
		}
	}
}

// TestScanHTMLFile: -o report.html picks the HTML format.
func TestScanHTMLFile(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"), contextFile)
	out := filepath.Join(t.TempDir(), "report.html")
	if _, errOut, code := runCLI(t, "scan", "-q", "-o", out, path); code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || strings.Count(string(b), `<tr class="finding"`) < 2 {
		t.Errorf("not an HTML report with findings: %.200s", b)
	}
}

// TestProgressBar: the bar counts bytes, files and findings, and a message
// printed through it clears the bar's line first.
func TestProgressBar(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx", "DeepBlueCLI")
	var buf strings.Builder
	found := 0
	p := newProgress(&buf, walk.Paths([]string{dir}).Inputs, func() int { return found })
	if p.totalFiles != 11 {
		t.Fatalf("%d files, want 11", p.totalFiles)
	}
	for i := 1; i <= 3; i++ {
		found += 2
		p.file(nil)
		p.update(int64(i) * p.bar.GetMax64() / 3)
		time.Sleep(120 * time.Millisecond)
	}
	p.Write([]byte("evtxhunt: problem: something\n"))
	p.finish()
	out := buf.String()
	for _, want := range []string{"files 3/11, 6 findings", "MB/s", "evtxhunt: problem: something\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output lacks %q:\n%q", want, out)
		}
	}
	var nilBar *progress
	nilBar.file(nil)
	nilBar.update(1)
	nilBar.finish()
}
