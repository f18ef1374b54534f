package kubernetes

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

// runPodScript runs a container's script with sh as the pod would, with
// the volume's folders swapped for local ones and evtxhunt first on PATH.
func runPodScript(t *testing.T, script string, swap *strings.Replacer, env ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", swap.Replace(script))
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v (%v):\n%s\n%s", err, env, script, out)
	}
}

// TestManifestRunsOnSamples runs the N shard pods' script, then the merge
// pod's init and main scripts, on samples/, and compares the merged
// findings with one plain scan.
func TestManifestRunsOnSamples(t *testing.T) {
	data, err := os.ReadFile(manifestFile)
	if err != nil {
		t.Fatal(err)
	}
	r, errs := checkManifest(data)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", manifestFile, errs)
	}
	bin := testbin.Build(t)
	if ok, why := testbin.ShardMerge(t, bin); !ok {
		t.Skip(why)
	}
	samples := filepath.Join(testshared.Root(t), "samples")
	out := t.TempDir()
	swap := strings.NewReplacer("/data/evidence", samples, "/data/out", out)
	path := "PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")

	scan, _ := r.scan.Spec.Template.Spec.Containers[0].script()
	for k := 0; k < r.shards; k++ {
		runPodScript(t, scan, swap, path, "JOB_COMPLETION_INDEX="+strconv.Itoa(k))
	}
	spec := r.merge.Spec.Template.Spec
	for _, c := range append(append([]container{}, spec.InitContainers...), spec.Containers...) {
		script, _ := c.script()
		runPodScript(t, script, swap, path)
	}

	plain := filepath.Join(t.TempDir(), "plain.jsonl")
	cmd := exec.Command(bin, "scan", "-q", "-f", "jsonl", "-o", plain, "--", samples)
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("plain scan: %v (want exit code 1: the samples have findings)", err)
	}
	want, _ := os.ReadFile(plain)
	got, err := os.ReadFile(filepath.Join(out, "findings.jsonl"))
	if err != nil || len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("merged findings (%d bytes, %v) differ from one scan's (%d bytes)", len(got), err, len(want))
	}
	if html, err := os.ReadFile(filepath.Join(out, "report.html")); err != nil || !bytes.HasPrefix(html, []byte("<!DOCTYPE html>")) {
		t.Errorf("report.html: %v", err)
	}
}
