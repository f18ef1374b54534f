package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/shard"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// shareRuleLoads makes the scans of a test share one load of each rule
// configuration: loading the built-in rules takes seconds under -race,
// and these tests run dozens of scans. A loaded Set is read-only.
func shareRuleLoads(t *testing.T) {
	t.Helper()
	type loaded struct {
		set  *detections.Set
		errs []*sigma.LoadError
	}
	memo := map[string]loaded{}
	old := loadDetections
	loadDetections = func(cfg detections.Config) (*detections.Set, []*sigma.LoadError) {
		key := fmt.Sprintf("%#v", cfg)
		l, ok := memo[key]
		if !ok {
			l.set, l.errs = old(cfg)
			memo[key] = l
		}
		return l.set, l.errs
	}
	t.Cleanup(func() { loadDetections = old })
}

// shardInputs are the inputs the shard tests split: samples/, a folder
// where one file holds both sample hosts' process events and a log is
// there twice, and the shared corpus when it is present.
func shardInputs(t *testing.T) map[string]string {
	t.Helper()
	inputs := map[string]string{
		"samples": filepath.Join(testshared.Root(t), "samples"),
		"mixed":   mixedHostsFolder(t),
	}
	if dir := filepath.Join(testshared.Root(t), "..", "shared", "corpus", "evtx"); isDir(dir) {
		inputs["corpus"] = dir
	} else {
		t.Logf("shared corpus %s absent: testing samples/ only", dir)
	}
	return inputs
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// mixedHostsFolder writes, once per test, a folder with mixed.evtx (the
// Sysmon events of WS01 and the Security events of WS02 of samples/demo,
// rewritten into one log by synth), WS01's Security log, a copy of it,
// and WS02's Sysmon log.
func mixedHostsFolder(t *testing.T) string {
	t.Helper()
	demo := filepath.Join(testshared.Root(t), "samples", "demo")
	dir := t.TempDir()
	events, errOut, code := runCLI(t, "timeline", "-f", "jsonl",
		filepath.Join(demo, "WS01-Sysmon.evtx"), filepath.Join(demo, "WS02-Security.evtx"))
	if code != 0 {
		t.Fatalf("timeline: exit %d: %s", code, errOut)
	}
	jsonl := filepath.Join(t.TempDir(), "events.jsonl")
	writeFile(t, jsonl, []byte(events))
	if _, errOut, code := runCLI(t, "synth", "-o", filepath.Join(dir, "mixed.evtx"), jsonl); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, errOut)
	}
	for from, to := range map[string]string{"WS01-Security.evtx": "WS01-Security.evtx", "WS02-Sysmon.evtx": "WS02-Sysmon.evtx"} {
		copyFile(t, filepath.Join(demo, from), filepath.Join(dir, to))
	}
	copyFile(t, filepath.Join(demo, "WS01-Security.evtx"), filepath.Join(dir, "backup", "WS01-Security.evtx"))
	return dir
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, data)
}

// scanShards runs scan --shard K/N for K = 1..N over dir, each writing
// JSONL to a file, and returns the files and each shard's stderr.
func scanShards(t *testing.T, n int, dir string, extra ...string) (files, stderrs []string) {
	t.Helper()
	out := t.TempDir()
	for k := 1; k <= n; k++ {
		file := filepath.Join(out, fmt.Sprintf("shard-%d-of-%d.jsonl", k, n))
		args := append([]string{"scan", "--shard", fmt.Sprintf("%d/%d", k, n), "-f", "jsonl", "-o", file}, extra...)
		_, errOut, code := runCLI(t, append(args, dir)...)
		if code != exitOK && code != exitFindings {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		files, stderrs = append(files, file), append(stderrs, errOut)
	}
	return files, stderrs
}

// TestShardsMergeToScan: for 1 to 3 shards, merging the shards' JSONL
// gives the JSONL of one scan of everything, byte for byte: the same
// findings, ids, order, sources and context; merging one scan's JSONL
// gives it back. Each shard's summary says which shard it is and what it
// skipped. On the corpus (else samples/), the table, CSV, context CSV and
// HTML that merge writes are scan's.
func TestShardsMergeToScan(t *testing.T) {
	shareRuleLoads(t)
	inputs := shardInputs(t)
	formatsOn := "corpus"
	if _, ok := inputs[formatsOn]; !ok {
		formatsOn = "samples"
	}
	for name, dir := range inputs {
		t.Run(name, func(t *testing.T) {
			wantFile := filepath.Join(t.TempDir(), "all.jsonl")
			_, errOut, code := runCLI(t, "scan", "-q", "-f", "jsonl", "-o", wantFile, dir)
			want := readString(t, wantFile)
			if code != exitFindings || strings.Count(want, "\n") < 10 {
				t.Fatalf("scan: exit %d, %d findings: %s", code, strings.Count(want, "\n"), errOut)
			}
			checkMergeOfOne(t, wantFile, want)
			var files []string
			for n := 1; n <= 3; n++ {
				var stderrs []string
				files, stderrs = scanShards(t, n, dir)
				got, errOut, code := runCLI(t, append([]string{"merge", "-f", "jsonl"}, files...)...)
				if code != exitFindings {
					t.Fatalf("merge of %d shards: exit %d: %s", n, code, errOut)
				}
				if got != want {
					t.Errorf("merge of %d shards differs from one scan:\n%s", n, firstDifference(got, want))
				}
				for k, errOut := range stderrs {
					if !strings.Contains(errOut, fmt.Sprintf("evtxhunt: shard %d/%d: read ", k+1, n)) || !strings.Contains(errOut, "holding none of its hosts") {
						t.Errorf("shard %d/%d summary does not say which shard it is and what it skipped:\n%s", k+1, n, errOut)
					}
				}
			}
			if name == formatsOn {
				checkMergeFormats(t, dir, files)
			}
		})
	}
}

// checkMergeOfOne: merging one scan's JSONL, from a file or standard
// input, writes it unchanged.
func checkMergeOfOne(t *testing.T, file, want string) {
	t.Helper()
	got, errOut, code := runCLI(t, "merge", "-f", "jsonl", file)
	if code != exitFindings || got != want {
		t.Errorf("merge of one file: exit %d (%s), differs from the file:\n%s", code, errOut, firstDifference(got, want))
	}
	var out, stderr strings.Builder
	code = run([]string{"merge", "-f", "jsonl", "-"}, strings.NewReader(want), &out, &stderr)
	if code != exitFindings || out.String() != want {
		t.Errorf("merge of standard input: exit %d (%s), differs from the input", code, stderr.String())
	}
}

// checkMergeFormats: what merge writes from the shards' JSONL in every
// other format is what scan writes, whatever the sort.
func checkMergeFormats(t *testing.T, dir string, shards []string) {
	t.Helper()
	for _, args := range [][]string{
		{"-f", "table", "--sort", "level"},
		{"-f", "csv", "--context-csv", "CONTEXT"},
		{"-f", "html", "--sort", "host"},
	} {
		scanOut, mergeOut := t.TempDir(), t.TempDir()
		scanArgs := withContextCSV(args, filepath.Join(scanOut, "context.csv"))
		want, errOut, code := runCLI(t, append(append([]string{"scan", "-q"}, scanArgs...), dir)...)
		if code != exitFindings {
			t.Fatalf("scan %v: exit %d: %s", args, code, errOut)
		}
		mergeArgs := withContextCSV(args, filepath.Join(mergeOut, "context.csv"))
		got, errOut, code := runCLI(t, append(append([]string{"merge", "-q"}, mergeArgs...), shards...)...)
		if code != exitFindings {
			t.Fatalf("merge %v: exit %d: %s", args, code, errOut)
		}
		if got != want || len(want) < 1000 {
			t.Errorf("merge %v differs from scan's (%d bytes):\n%s", args, len(want), firstDifference(got, want))
		}
		if args[1] == "csv" {
			if a, b := readString(t, filepath.Join(mergeOut, "context.csv")), readString(t, filepath.Join(scanOut, "context.csv")); a != b || len(b) < 1000 {
				t.Errorf("merge's context CSV differs from scan's:\n%s", firstDifference(a, b))
			}
		}
	}
}

// withContextCSV replaces the CONTEXT placeholder in args by path.
func withContextCSV(args []string, path string) []string {
	out := slices.Clone(args)
	for i := range out {
		if out[i] == "CONTEXT" {
			out[i] = path
		}
	}
	return out
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDifference shows the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %.400s\nwant %.400s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// statsFile is one input as stats reports it: a full read, independent
// of the shards' pre-pass.
type statsFile struct {
	Bytes                 int64
	Hosts                 []string
	Security4688, Sysmon1 int
}

// statsFiles returns the inputs under dir as stats reports them.
func statsFiles(t *testing.T, dir string) []statsFile {
	t.Helper()
	out, errOut, code := runCLI(t, "stats", "-f", "json", dir)
	if code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, errOut)
	}
	var files []statsFile
	if err := json.Unmarshal([]byte(out), &files); err != nil {
		t.Fatal(err)
	}
	return files
}

// TestShardBytesRead: each shard reads exactly the inputs holding one of
// its hosts as stats lists them (bytes counted by the reading pass), at
// most its share of the bytes plus the largest input (where the inputs
// allow it), and the shards together keep every process event once.
func TestShardBytesRead(t *testing.T) {
	inputs := shardInputs(t)
	for name, dir := range inputs {
		t.Run(name, func(t *testing.T) {
			files := statsFiles(t, dir)
			var total, largest int64
			events := 0
			for _, f := range files {
				total += f.Bytes
				largest = max(largest, f.Bytes)
				events += f.Security4688 + f.Sysmon1
			}
			for n := 2; n <= 3; n++ {
				kept := 0
				bound := (total+int64(n)-1)/int64(n) + largest
				for k := 1; k <= n; k++ {
					rf := &readFlags{Workers: 2, Parser: "fast", shard: shard.Spec{K: k, N: n}}
					set, err := openInputs(context.Background(), []string{dir}, rf, io.Discard)
					if err != nil {
						t.Fatal(err)
					}
					plan := set.res.plan
					var want int64
					for _, f := range files {
						if slices.ContainsFunc(f.Hosts, plan.Owns) || (len(f.Hosts) == 0 && k == 1) {
							want += f.Bytes
						}
					}
					res, err := set.read(context.Background(), rf, io.Discard, pipeline.Options{})
					if err != nil {
						t.Fatal(err)
					}
					if res.summary.Bytes != want || plan.ReadBytes() != want {
						t.Errorf("shard %s read %d bytes (plan %d), want %d", plan.Spec, res.summary.Bytes, plan.ReadBytes(), want)
					}
					// In "mixed" one file holds both hosts' events: both
					// shards read it, or one reads everything.
					if res.summary.Bytes > bound && name != "mixed" {
						t.Errorf("shard %s read %d bytes: more than its share of %d plus the largest input, %d",
							plan.Spec, res.summary.Bytes, total, bound)
					}
					kept += res.kept
					t.Logf("shard %s: read %d of %d bytes (%.0f%%, bound %d), %d of %d files", plan.Spec, res.summary.Bytes, total,
						100*float64(res.summary.Bytes)/float64(total), bound, len(res.summary.Files), len(files))
				}
				if kept != events {
					t.Errorf("%d shards kept %d process events in all, stats counts %d", n, kept, events)
				}
			}
		})
	}
}

// TestTimelineShards: the timelines of 3 shards hold, together, every
// event of the whole timeline once, each in the shard of its host (on the
// folder where one log holds two hosts' events).
func TestTimelineShards(t *testing.T) {
	dir := mixedHostsFolder(t)
	whole, _, code := runCLI(t, "timeline", "-f", "jsonl", dir)
	if code != exitOK {
		t.Fatalf("timeline: exit %d", code)
	}
	want := strings.Split(strings.TrimSuffix(whole, "\n"), "\n")
	const n = 3
	var got []string
	for k := 1; k <= n; k++ {
		rf := &readFlags{Workers: 2, Parser: "fast", shard: shard.Spec{K: k, N: n}}
		set, err := openInputs(context.Background(), []string{dir}, rf, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runCLI(t, "timeline", "--shard", fmt.Sprintf("%d/%d", k, n), "-f", "jsonl", dir)
		if code != exitOK {
			t.Fatalf("timeline --shard %d/%d: exit %d: %s", k, n, code, errOut)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if line == "" {
				continue
			}
			var e struct{ Computer string }
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatal(err)
			}
			if !set.res.plan.Owns(e.Computer) {
				t.Fatalf("shard %d/%d listed an event of %q", k, n, e.Computer)
			}
			got = append(got, line)
		}
	}
	slices.Sort(got)
	if sorted := slices.Sorted(slices.Values(want)); !slices.Equal(got, sorted) || len(want) < 3000 {
		t.Errorf("%d shards list %d events, the whole timeline %d", n, len(got), len(want))
	}
}

func TestShardUsageErrors(t *testing.T) {
	for _, cmd := range []string{"scan", "timeline"} {
		for _, bad := range []string{"0/3", "4/3", "3", "1/0", "a/b", "-1/2", "1/2/3", ""} {
			_, errOut, code := runCLI(t, cmd, "--shard", bad, ".")
			if bad == "" {
				continue // an empty --shard is no sharding
			}
			if code != exitUsage || !strings.Contains(errOut, "--shard") {
				t.Errorf("%s --shard %q: exit %d, stderr %q; want exit %d naming --shard", cmd, bad, code, errOut, exitUsage)
			}
		}
	}
	if _, errOut, code := runCLI(t, "stats", "--shard", "1/2", "."); code != exitUsage || !strings.Contains(errOut, "unknown flag") {
		t.Errorf("stats --shard: exit %d, %q", code, errOut)
	}
}

// TestShardHostlessInput: an input without any host (a file header
// alone) is read, and its problem reported, by shard 1 only.
func TestShardHostlessInput(t *testing.T) {
	shareRuleLoads(t)
	dir := t.TempDir()
	ws01 := filepath.Join(testshared.Root(t), "samples", "demo", "WS01-Security.evtx") // shard 2 of 2
	copyFile(t, ws01, filepath.Join(dir, "WS01-Security.evtx"))
	data, err := os.ReadFile(ws01)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "header-only.evtx"), data[:4096])
	for k, want := range map[int]struct {
		code    int
		problem bool
	}{1: {exitInput, true}, 2: {exitFindings, false}} {
		_, errOut, code := runCLI(t, "scan", "--shard", fmt.Sprintf("%d/2", k), "-f", "jsonl", "-o", os.DevNull, dir)
		if code != want.code || strings.Contains(errOut, "header-only.evtx: no chunks") != want.problem ||
			!strings.Contains(errOut, "(1 without any host, read by shard 1)") {
			t.Errorf("shard %d/2: exit %d (want %d), problem reported %v (want %v):\n%s", k, code, want.code, !want.problem, want.problem, errOut)
		}
	}
}
