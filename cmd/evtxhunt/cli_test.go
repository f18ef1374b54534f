package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// runCLI runs evtxhunt with args and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestTimelineWorkersIdentical: the same output whatever the number of
// workers.
func TestTimelineWorkersIdentical(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	one, _, code1 := runCLI(t, "timeline", "-f", "jsonl", "-j", "1", dir)
	eight, _, code8 := runCLI(t, "timeline", "-f", "jsonl", "-j", "8", dir)
	if code1 != code8 {
		t.Errorf("exit codes differ: -j 1 gave %d, -j 8 gave %d", code1, code8)
	}
	if one != eight {
		t.Errorf("timeline output differs between -j 1 and -j 8")
	}
	if n := strings.Count(one, "\n"); n != 1045+562 {
		t.Errorf("timeline printed %d events, the corpus truth has %d", n, 1045+562)
	}
}

// TestStatsMatchesCounts: stats' per-file record totals equal counts.tsv.
func TestStatsMatchesCounts(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.LoadCounts(testshared.Dir(t, "corpus", "truth", "counts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := runCLI(t, "stats", "-f", "json", dir)
	var rows []struct {
		Path                           string
		Bytes                          int64
		Records, Security4688, Sysmon1 int
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("stats -f json: %v", err)
	}
	if len(rows) != len(want) {
		t.Errorf("stats listed %d files, counts.tsv %d", len(rows), len(want))
	}
	for _, r := range rows {
		rel, _ := filepath.Rel(dir, r.Path)
		w, ok := want[rel]
		if !ok {
			t.Errorf("%s: not in counts.tsv", rel)
			continue
		}
		if got := (truth.Counts{Bytes: int(r.Bytes), Records: r.Records, N4688: r.Security4688, NSysmon1: r.Sysmon1}); got != w {
			t.Errorf("%s: bytes/records/4688/sysmon1 = %v, want %v", rel, got, w)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"timeline"}, "requires at least 1 arg"},
		{[]string{"timeline", "-f", "xml", "."}, `unknown format "xml"`},
		{[]string{"timeline", "--since", "yesterday", "."}, "--since"},
		{[]string{"timeline", "-j", "0", "."}, "--workers"},
		{[]string{"timeline", "--parser", "magic", "."}, "unknown parser"},
		{[]string{"stats", "--no-such-flag", "."}, "unknown flag"},
		{[]string{"no-such-command"}, "unknown command"},
	}
	for _, tt := range tests {
		_, errOut, code := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errOut, exitUsage, tt.want)
		}
	}
}

func TestUnreadableInputExitCode(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.evtx")
	_, errOut, code := runCLI(t, "stats", missing)
	if code != exitInput || !strings.Contains(errOut, "missing.evtx") {
		t.Errorf("exit %d, stderr %q; want exit %d naming the file", code, errOut, exitInput)
	}
}

// TestWorkersLimitCPUs: -j N caps the CPUs Go uses at N for the command
// (restored after it), unless GOMAXPROCS is set.
func TestWorkersLimitCPUs(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	t.Setenv("GOMAXPROCS", "2")
	os.Unsetenv("GOMAXPROCS")
	rf := readFlags{Workers: 1}
	restore := rf.limitCPUs()
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("-j 1: GOMAXPROCS %d during the command, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("GOMAXPROCS %d after the command, want 2 restored", got)
	}
	t.Setenv("GOMAXPROCS", "2")
	restore = rf.limitCPUs()
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("-j 1 with GOMAXPROCS set: %d CPUs, want the environment's 2", got)
	}
	restore()
	rf.Workers = 8
	restore = rf.limitCPUs()
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("-j 8 on 2 CPUs: GOMAXPROCS %d, want 2", got)
	}
	restore()
}

// TestScanMemorySettings: a scan collects at GOGC=200 under a 200 MiB
// soft limit unless the environment sets them, and restores both after.
func TestScanMemorySettings(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOGC")
	os.Unsetenv("GOMEMLIMIT")
	prevGC := debug.SetGCPercent(400)
	defer debug.SetGCPercent(prevGC)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prevLimit)
	restore := limitScanMemory()
	if gc, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); gc != scanGCPercent || limit != scanMemoryLimit {
		t.Errorf("during a scan: GOGC %d, limit %d; want %d, %d", gc, limit, scanGCPercent, scanMemoryLimit)
	}
	debug.SetGCPercent(scanGCPercent)
	restore()
	if gc, limit := debug.SetGCPercent(400), debug.SetMemoryLimit(-1); gc != 400 || limit != math.MaxInt64 {
		t.Errorf("after a scan: GOGC %d, limit %d; want 400 and none restored", gc, limit)
	}
	t.Setenv("GOGC", "50")
	restore = limitScanMemory()
	if gc := debug.SetGCPercent(-1); gc != 400 {
		t.Errorf("with GOGC set: the scan changed GOGC to %d", gc)
	}
	debug.SetGCPercent(400)
	restore()
}
