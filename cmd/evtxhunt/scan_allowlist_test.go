package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestScanAllowlist: an allowlist entry suppresses exactly the findings it
// covers, the count is reported per entry, and a broken allowlist is a
// usage error naming the file and line.
func TestScanAllowlist(t *testing.T) {
	demo := filepath.Join("..", "..", "samples", "demo")
	all, _, code := runCLI(t, "scan", "-q", "-f", "jsonl", demo)
	if code != exitFindings {
		t.Fatalf("scan of the demo exited %d, want %d", code, exitFindings)
	}
	regsvr32 := countImage(t, all, "regsvr32.exe")
	if regsvr32 == 0 {
		t.Fatal("the demo has no regsvr32 finding to suppress")
	}
	dir := t.TempDir()
	list := filepath.Join(dir, "allow.yml")
	os.WriteFile(list, []byte("- where:\n    Image|endswith: '\\regsvr32.exe'\n  reason: red-team exercise\n"), 0o644)
	kept, errOut, _ := runCLI(t, "scan", "-f", "jsonl", "--allowlist", list, demo)
	if got, want := strings.Count(kept, "\n"), strings.Count(all, "\n")-regsvr32; got != want {
		t.Errorf("with the allowlist: %d findings, want %d", got, want)
	}
	if countImage(t, kept, "regsvr32.exe") != 0 {
		t.Error("a regsvr32 finding survived the allowlist")
	}
	// Suppression is counted per record: a process creation logged by both
	// Security and Sysmon is one finding but two suppressed records.
	m := regexp.MustCompile(`allow\.yml:1 \(red-team exercise\): (\d+) suppressed`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("stderr does not count the suppressed findings per entry:\n%s", errOut)
	}
	if n, _ := strconv.Atoi(m[1]); n < regsvr32 || n > 2*regsvr32 {
		t.Errorf("%d suppressed for %d regsvr32 findings", n, regsvr32)
	}
	os.WriteFile(list, []byte("- where:\n    Image|endwith: x\n  reason: typo\n"), 0o644)
	_, errOut, code = runCLI(t, "scan", "-q", "--allowlist", list, demo)
	if code != exitUsage || !strings.Contains(errOut, "allow.yml:2") {
		t.Errorf("broken allowlist: exit %d, stderr %q; want exit %d naming allow.yml:2", code, errOut, exitUsage)
	}
}

// countImage counts the JSONL findings whose event image ends with name.
func countImage(t *testing.T, jsonl, name string) int {
	t.Helper()
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var f struct{ Event struct{ Image string } }
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("bad JSONL line %q: %v", line, err)
		}
		if strings.HasSuffix(strings.ToLower(f.Event.Image), name) {
			n++
		}
	}
	return n
}
