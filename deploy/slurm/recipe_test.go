package slurm

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/internal/testbin"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// runScript runs a script of this folder with bash, the given Slurm-like
// variables (and none from the caller's own environment), and returns its
// exit code and what it printed.
func runScript(t *testing.T, vars map[string]string, script string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_") && !strings.HasPrefix(kv, "EVTXHUNT") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("bash %s: %v", script, err)
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

// TestScriptsParse: bash reads every script of the recipe.
func TestScriptsParse(t *testing.T) {
	scripts, _ := filepath.Glob("*.sbatch")
	sh, _ := filepath.Glob("*.sh")
	scripts = append(scripts, append(sh, filepath.Join(testshared.Root(t), "scripts", "slurm-e2e.sh"))...)
	if len(scripts) < 4 {
		t.Fatalf("found only %v", scripts)
	}
	for _, s := range scripts {
		if out, err := exec.Command("bash", "-n", s).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", s, err, out)
		}
	}
}

// TestScriptsRefuseBadInvocations: the scripts stop, with a message,
// before running anything when Slurm or the user gives them nonsense.
func TestScriptsRefuseBadInvocations(t *testing.T) {
	out := t.TempDir()
	half := t.TempDir()
	if err := os.WriteFile(filepath.Join(half, "shard-1.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-evtxhunt")
	tests := []struct {
		name   string
		vars   map[string]string
		script string
		args   []string
		want   string
	}{
		{"scan without inputs", nil, "evtxhunt-scan.sbatch", []string{out}, "usage:"},
		{"scan outside an array", nil, "evtxhunt-scan.sbatch", []string{out, "x"}, "not an array task"},
		{"scan task past N", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3"},
			"evtxhunt-scan.sbatch", []string{out, "x"}, "task 4 is not a shard of 1..3"},
		{"scan task 0", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "EVTXHUNT_SHARDS": "3"},
			"evtxhunt-scan.sbatch", []string{out, "x"}, "not a shard"},
		{"scan bad N", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "EVTXHUNT_SHARDS": "three"},
			"evtxhunt-scan.sbatch", []string{out, "x"}, "not a shard"},
		{"scan without the program", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "1",
			"EVTXHUNT": missing}, "evtxhunt-scan.sbatch", []string{out, "x"}, "no-evtxhunt"},
		{"merge without N", nil, "evtxhunt-merge.sbatch", []string{out}, "usage:"},
		{"merge with a shard missing", nil, "evtxhunt-merge.sbatch", []string{half, "2"},
			"shard-2.jsonl is missing: shard 2 of 2 did not finish"},
		{"submit N=0", nil, "submit.sh", []string{"0", out, "x"}, "usage:"},
		{"submit into used folder", nil, "submit.sh", []string{"2", half, "x"}, "already holds shard outputs"},
	}
	for _, tc := range tests {
		code, msg := runScript(t, tc.vars, tc.script, tc.args...)
		if code == 0 || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: exit %d, output %q; want a failure saying %q", tc.name, code, msg, tc.want)
		}
	}
}

// TestRecipeWithoutCluster runs each of N shard tasks as Slurm would,
// then the merge, and compares the merged findings with one scan.
func TestRecipeWithoutCluster(t *testing.T) {
	bin := testbin.Build(t)
	if ok, why := testbin.ShardMerge(t, bin); !ok {
		t.Skip(why)
	}
	samples := filepath.Join(testshared.Root(t), "samples")
	out := t.TempDir()
	const shards = 3
	for k := 1; k <= shards; k++ {
		code, msg := runScript(t, map[string]string{
			"SLURM_ARRAY_TASK_ID": strconv.Itoa(k), "SLURM_ARRAY_TASK_COUNT": strconv.Itoa(shards),
			"SLURM_CPUS_PER_TASK": "1", "EVTXHUNT": bin,
		}, "evtxhunt-scan.sbatch", out, samples)
		if code != 0 {
			t.Fatalf("task %d/%d exited with %d:\n%s", k, shards, code, msg)
		}
	}
	if code, msg := runScript(t, map[string]string{"EVTXHUNT": bin}, "evtxhunt-merge.sbatch", out, strconv.Itoa(shards)); code != 0 {
		t.Fatalf("merge exited with %d:\n%s", code, msg)
	}
	plain := filepath.Join(t.TempDir(), "plain.jsonl")
	cmd := exec.Command(bin, "scan", "-q", "-f", "jsonl", "-o", plain, samples)
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("plain scan: %v (want exit code 1: the samples have findings)", err)
	}
	want, _ := os.ReadFile(plain)
	got, err := os.ReadFile(filepath.Join(out, "findings.jsonl"))
	if err != nil || !bytes.Equal(got, want) || len(want) == 0 {
		t.Errorf("merged findings (%d bytes, %v) differ from one scan's (%d bytes)", len(got), err, len(want))
	}
	if html, err := os.ReadFile(filepath.Join(out, "report.html")); err != nil || !bytes.HasPrefix(html, []byte("<!DOCTYPE html>")) {
		t.Errorf("report.html: %v", err)
	}
	// A task that saw other inputs (here: one of the four logs) placed the
	// hosts differently: the merge refuses.
	code, msg := runScript(t, map[string]string{
		"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": strconv.Itoa(shards),
		"SLURM_CPUS_PER_TASK": "1", "EVTXHUNT": bin,
	}, "evtxhunt-scan.sbatch", out, filepath.Join(samples, "demo", "WS01-Security.evtx"))
	if code != 0 {
		t.Fatalf("task 2 on other inputs exited with %d:\n%s", code, msg)
	}
	if code, msg := runScript(t, map[string]string{"EVTXHUNT": bin}, "evtxhunt-merge.sbatch", out, strconv.Itoa(shards)); code != 2 ||
		!strings.Contains(msg, "shard-2.placement differs") {
		t.Errorf("merge of shards that saw different inputs: exit %d, %q; want exit 2 naming shard-2.placement", code, msg)
	}
}
