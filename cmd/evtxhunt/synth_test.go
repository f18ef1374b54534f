package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// timeline, then synth, then timeline prints the same events.
func TestSynthTimelineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.evtx")
	if _, errOut, code := runCLI(t, "synth", "--noise", "300", "--seed", "4", "-o", first, "../../analyzer/synth/testdata/events.jsonl"); code != 0 {
		t.Fatalf("synth exited %d: %s", code, errOut)
	}
	events, _, code := runCLI(t, "timeline", "-f", "jsonl", first)
	if code != 0 || strings.Count(events, "\n") < 100 {
		t.Fatalf("timeline exited %d with %d events", code, strings.Count(events, "\n"))
	}
	jsonl := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(jsonl, []byte(events), 0o644); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "second.evtx")
	_, errOut, code := runCLI(t, "synth", "-o", second, jsonl)
	if code != 0 || !strings.Contains(errOut, "wrote "+second) {
		t.Fatalf("synth exited %d: %s", code, errOut)
	}
	again, _, _ := runCLI(t, "timeline", "-f", "jsonl", second)
	sourceFile := regexp.MustCompile(`,"SourceFile":"[^"]*"`)
	if a, b := sourceFile.ReplaceAllString(events, ""), sourceFile.ReplaceAllString(again, ""); a != b {
		t.Errorf("the second timeline differs from the first")
	}
}

func TestSynthErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"EventID\":4688,\"Image\":\"C:\\\\a.exe\"}\n{\"EventID\":4688,\"Hashes\":\"x\",\"Image\":\"a\"}\n"), 0o644)
	out := filepath.Join(dir, "out.evtx")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"synth", bad}, "--output (-o) is required"},
		{[]string{"synth", "-o", out, "--noise", "-3", bad}, "--noise must not be negative"},
		{[]string{"synth", "-o", out, "--size", "huge", bad}, `--size: not a size: "huge"`},
		{[]string{"synth", "-o", out, "--start", "monday", bad}, `--start: not an RFC 3339 time`},
		{[]string{"synth", "-o", out, bad}, bad + ":2: field Hashes cannot be written in a Security 4688 record"},
		{[]string{"synth", "-o", out, filepath.Join(dir, "missing.jsonl")}, "no such file"},
		{[]string{"synth", "-o", out, bad, bad}, "accepts at most 1 arg"},
	}
	for _, tc := range tests {
		_, errOut, code := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, exitUsage, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: output written despite the error", tc.args)
		}
	}
}
