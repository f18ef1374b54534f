package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mergeFixture scans one sample log and returns its JSONL findings.
func mergeFixture(t *testing.T) string {
	t.Helper()
	out, errOut, code := runCLI(t, "scan", "-q", "-f", "jsonl", "../../samples/demo/WS02-Security.evtx")
	if code != exitFindings || strings.Count(out, "\n") < 3 {
		t.Fatalf("scan: exit %d, %d findings: %s", code, strings.Count(out, "\n"), errOut)
	}
	return out
}

// TestMergeErrors: a bad input stops merge with exit code 2, names the
// file and line and what is wrong, and writes no report.
func TestMergeErrors(t *testing.T) {
	shareRuleLoads(t)
	good := mergeFixture(t)
	lines := strings.SplitAfter(good, "\n")
	dir := t.TempDir()
	goodFile := filepath.Join(dir, "good.jsonl")
	writeFile(t, goodFile, []byte(good))
	edit := func(old, new string) string {
		re := regexp.MustCompile(old)
		if !re.MatchString(lines[1]) {
			t.Fatalf("fixture line 2 lacks %q", old)
		}
		return lines[0] + re.ReplaceAllLiteralString(lines[1], new) + strings.Join(lines[2:], "")
	}
	tests := []struct {
		name, content, want string
	}{
		{"bad JSON", lines[0] + "{\"id\": oops\n", ":2: not JSON"},
		{"missing id", edit(`"id":"[0-9a-f]+",`, ""), ":2: missing id"},
		{"empty id", edit(`"id":"[0-9a-f]+"`, `"id":""`), ":2: missing id"},
		{"unknown field", edit(`"id":`, `"ident":`), ":2: not a finding: unknown field \"ident\""},
		{"wrong shape", edit(`"sources":\[`, `"sources":7,"x":[`), ":2: sources: a JSON number where a []string belongs"},
		{"not an object", lines[0] + "[]\n", ":2: a JSON array where a finding object belongs"},
		{"edited level", edit(`"level":"high","rule"`, `"level":"low","rule"`), ":2: not as evtxhunt writes a finding from byte"},
		{"empty line", lines[0] + "\n" + lines[1], ":2: empty line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".jsonl")
			writeFile(t, bad, []byte(tt.content))
			out := filepath.Join(dir, "out.html")
			_, errOut, code := runCLI(t, "merge", "-o", out, goodFile, bad)
			if code != exitUsage || !strings.Contains(errOut, bad+tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d naming %s%s", code, errOut, exitUsage, bad, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a report was written despite the bad input")
				os.Remove(out)
			}
		})
	}
	missing := filepath.Join(dir, "missing.jsonl")
	if _, errOut, code := runCLI(t, "merge", goodFile, missing); code != exitUsage || !strings.Contains(errOut, missing) {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

// TestMergeExitCodes: merge exits as scan does: 1 with findings at or
// above --fail-level, 0 without, and 0 with nothing to merge.
func TestMergeExitCodes(t *testing.T) {
	shareRuleLoads(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "f.jsonl")
	writeFile(t, file, []byte(mergeFixture(t)))
	empty := filepath.Join(dir, "empty.jsonl")
	writeFile(t, empty, nil)
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"merge", "-q", "-f", "jsonl", file}, exitFindings, ""},
		{[]string{"merge", "-q", "-f", "jsonl", "--fail-level", "critical", file}, exitOK, ""},
		{[]string{"merge", "-q", "-f", "jsonl", "--fail-level", "high", file, empty}, exitFindings, ""},
		{[]string{"merge", "-f", "jsonl", empty}, exitOK, "\x00"},
		{[]string{"merge"}, exitUsage, ""},
		{[]string{"merge", "--sort", "colour", file}, exitUsage, ""},
		{[]string{"merge", "-f", "xml", file}, exitUsage, ""},
		{[]string{"merge", "--fail-level", "severe", file}, exitUsage, ""},
	}
	for _, tt := range tests {
		out, errOut, code := runCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, errOut)
		}
		if tt.out == "\x00" && out != "" {
			t.Errorf("%v: wrote %q, want nothing", tt.args, out)
		}
	}
	_, errOut, _ := runCLI(t, "merge", "-f", "jsonl", "-o", filepath.Join(dir, "twice.jsonl"), file, file)
	if !strings.Contains(errOut, "evtxhunt: merged ") || !strings.Contains(errOut, "copies merged") {
		t.Errorf("no merge summary on stderr: %q", errOut)
	}
	if got, want := readString(t, filepath.Join(dir, "twice.jsonl")), readString(t, file); got != want {
		t.Errorf("merging a file with itself changed it:\n%s", firstDifference(got, want))
	}
}
