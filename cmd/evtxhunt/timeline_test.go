package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// timelineInputs are the logs the timeline tests read: the samples, and
// the shared corpus (with --carve, for recovered events) when present.
func timelineInputs(t *testing.T) map[string][]string {
	t.Helper()
	inputs := map[string][]string{"samples": {filepath.Join("..", "..", "samples", "demo")}}
	corpus := filepath.Join(testshared.Root(t), "..", "shared", "corpus", "evtx")
	if _, err := os.Stat(corpus); err == nil {
		inputs["corpus"] = []string{"--carve", corpus}
	} else {
		t.Logf("shared corpus %s is absent (it lives beside the project root): samples only", corpus)
	}
	return inputs
}

// spillBudget is small enough to put every few events in a run of their
// own: thousands of runs, merged in several generations.
const spillBudget = "8KiB"

// TestTimelineSpillIdentical: every format is byte for byte the same when
// the events are sorted in temporary files as when they fit in memory;
// the temporary folder is empty afterwards; and the in-memory path
// touches no disk (it works with TMPDIR pointing nowhere).
func TestTimelineSpillIdentical(t *testing.T) {
	nowhere := filepath.Join(t.TempDir(), "missing")
	for name, input := range timelineInputs(t) {
		for _, format := range [][]string{{"-f", "table"}, {"-f", "table", "--full"}, {"-f", "csv"}, {"-f", "json"}, {"-f", "jsonl"},
			{"--events", "all", "-f", "jsonl"}, {"--events", "all", "-f", "csv"}, {"--events", "all", "-f", "table"}} {
			args := append(append([]string{"timeline"}, format...), input...)
			t.Setenv("TMPDIR", nowhere)
			inMemory, _, code := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("%s %v: exit code %d in memory", name, format, code)
			}
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			spilled, stderr, code := runCLI(t, append([]string{"--sort-memory", spillBudget}, args...)...)
			if code != exitOK {
				t.Fatalf("%s %v: exit code %d with runs on disk: %s", name, format, code, stderr)
			}
			if spilled != inMemory {
				t.Errorf("%s %v: the output sorted on disk differs from the one sorted in memory", name, format)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("%s %v: %d temporary files left, first %s", name, format, len(left), left[0].Name())
			}
			if strings.Count(inMemory, "\n") < 1000 {
				t.Errorf("%s %v: only %d lines, too few to test the merge", name, format, strings.Count(inMemory, "\n"))
			}
		}
	}
}

// TestTimelineSpillWorkersIdentical: with runs on disk too, the output
// does not depend on the number of workers.
func TestTimelineSpillWorkersIdentical(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for name, input := range timelineInputs(t) {
		for _, format := range []string{"jsonl", "table"} {
			args := append([]string{"timeline", "--sort-memory", spillBudget, "-f", format}, input...)
			one, _, _ := runCLI(t, append(args, "-j", "1")...)
			eight, _, _ := runCLI(t, append(args, "-j", "8")...)
			if one != eight || one == "" {
				t.Errorf("%s -f %s: output differs between -j 1 and -j 8", name, format)
			}
		}
	}
}

// TestTimelineSpillError: when the events cannot be written to the
// temporary folder, the run stops with an error naming the folder, exit
// code 2, and no report.
func TestTimelineSpillError(t *testing.T) {
	nowhere := filepath.Join(t.TempDir(), "missing")
	t.Setenv("TMPDIR", nowhere)
	outPath := filepath.Join(t.TempDir(), "timeline.jsonl")
	_, stderr, code := runCLI(t, "timeline", "--sort-memory", spillBudget, "-o", outPath, filepath.Join("..", "..", "samples", "demo"))
	if code != exitUsage || !strings.Contains(stderr, "creating a temporary file for sorted events in "+nowhere) {
		t.Errorf("exit code %d, stderr %q; want %d and the folder named", code, stderr, exitUsage)
	}
	if strings.Contains(stderr, "interrupted") {
		t.Errorf("a spill error is reported as an interruption: %s", stderr)
	}
	if _, err := os.Stat(outPath); !os.IsNotExist(err) {
		t.Errorf("a report was written after the spill error")
	}
}

// TestTimelineSortMemoryFlag: the flag is checked and documented.
func TestTimelineSortMemoryFlag(t *testing.T) {
	for _, bad := range []string{"0", "lots", "-1MiB"} {
		_, stderr, code := runCLI(t, "timeline", "--sort-memory", bad, ".")
		if code != exitUsage || !strings.Contains(stderr, "--sort-memory") {
			t.Errorf("--sort-memory %s: exit %d, stderr %q", bad, code, stderr)
		}
	}
	help, _, _ := runCLI(t, "timeline", "--help")
	if !strings.Contains(help, "--sort-memory") || !strings.Contains(help, "TMPDIR") {
		t.Errorf("timeline --help does not document --sort-memory and TMPDIR")
	}
}

// cancelOnWrite cancels a run's context when the report starts coming
// out, as a Ctrl-C while the report is written would.
type cancelOnWrite struct {
	cancel context.CancelFunc
	n      int
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	c.n += len(p)
	return len(p), nil
}

// TestTimelineInterruptedWriting: Ctrl-C while the report is written stops
// it (in memory or merging runs from disk), exit code 130.
func TestTimelineInterruptedWriting(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, budget := range []string{"128MiB", spillBudget} {
		ctx, cancel := context.WithCancel(context.Background())
		out := &cancelOnWrite{cancel: cancel}
		var errOut bytes.Buffer
		// CSV comes out in small writes, so the run is cancelled early.
		code := runContext(ctx, []string{"timeline", "--sort-memory", budget, "-f", "csv", filepath.Join("..", "..", "samples", "demo")},
			strings.NewReader(""), out, &errOut)
		if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted while writing the report") {
			t.Errorf("budget %s: exit %d, stderr %q", budget, code, errOut.String())
		}
		if out.n == 0 || out.n > 1<<20 { // the whole CSV is 2.6 MiB
			t.Errorf("budget %s: %d bytes written before stopping", budget, out.n)
		}
		cancel()
	}
}
