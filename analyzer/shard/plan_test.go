package shard

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// fileHosts reads inputs in full, as stats does, and returns each input's
// hosts: the Computer names of its records and of its process events.
func fileHosts(t *testing.T, inputs []walk.Input) [][]string {
	t.Helper()
	hosts := make([][]string, len(inputs))
	file := 0
	_, err := pipeline.Run(context.Background(), inputs, pipeline.Options{
		NewDecoder: func() decode.Decoder { return binxml.New() },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			hosts[file] = append(hosts[file], r.Hosts...)
			for i := range r.Events {
				hosts[file] = append(hosts[file], r.Events[i].Computer)
			}
		},
		OnFile: func(*pipeline.FileStats) { file++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	return hosts
}

func hostsOnlyOptions() pipeline.Options {
	return pipeline.Options{NewDecoder: func() decode.Decoder { return &binxml.Decoder{HostsOnly: true} }}
}

// checkPlans prepares every shard of 1 to 3 over inputs and checks that
// each reads exactly the inputs holding one of its hosts (hostless ones
// going to shard 1), so every input is read by at least one shard and by
// no shard that does not need it. It returns the plans, by N then K.
func checkPlans(t *testing.T, inputs []walk.Input) map[int][]*Plan {
	t.Helper()
	hosts := fileHosts(t, inputs)
	plans := map[int][]*Plan{}
	for n := 1; n <= 3; n++ {
		readers := make([]int, len(inputs))
		for k := 1; k <= n; k++ {
			spec := Spec{k, n}
			plan, err := Prepare(context.Background(), inputs, spec, hostsOnlyOptions())
			if err != nil {
				t.Fatal(err)
			}
			plans[n] = append(plans[n], plan)
			var want []string
			var wantBytes int64
			for i, in := range inputs {
				owned := slices.ContainsFunc(hosts[i], plan.Owns) || (len(hosts[i]) == 0 && k == 1)
				if owned {
					want = append(want, in.Name)
					wantBytes += in.Size
					readers[i]++
				}
			}
			var got []string
			for _, in := range plan.Inputs {
				got = append(got, in.Name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("shard %s reads %q, want %q", spec, got, want)
			}
			if plan.ReadBytes() != wantBytes || plan.Skipped != len(inputs)-len(want) {
				t.Errorf("shard %s: reads %d bytes, skips %d files; want %d bytes, %d skipped",
					spec, plan.ReadBytes(), plan.Skipped, wantBytes, len(inputs)-len(want))
			}
		}
		for i, r := range readers {
			if r == 0 {
				t.Errorf("%d shards: %s is read by no shard", n, inputs[i].Name)
			}
		}
	}
	return plans
}

// checkShareBound: each shard reads at most its share of the bytes,
// ceil(total/N), plus the largest input.
func checkShareBound(t *testing.T, inputs []walk.Input, plans map[int][]*Plan) {
	t.Helper()
	var total, largest int64
	for _, in := range inputs {
		total += in.Size
		largest = max(largest, in.Size)
	}
	for n, list := range plans {
		bound := (total+int64(n)-1)/int64(n) + largest
		for _, p := range list {
			if got := p.ReadBytes(); got > bound {
				t.Errorf("shard %s reads %d bytes: more than its share %d plus the largest input %d",
					p.Spec, got, bound-largest, largest)
			}
			moved := 0
			if p.Owners != nil {
				moved = p.Owners.Moved()
			}
			t.Logf("shard %s: reads %d of %d files, %d of %d bytes (bound %d), %d hosts off their hash shard; pre-pass %v",
				p.Spec, len(p.Inputs), p.Files, p.ReadBytes(), p.Bytes, bound, moved, p.Elapsed)
		}
	}
}

func TestPlanSamples(t *testing.T) {
	w := walk.Paths([]string{filepath.Join(testshared.Root(t), "samples", "demo")})
	if len(w.Inputs) != 4 {
		t.Fatalf("samples/demo: %d inputs, want 4", len(w.Inputs))
	}
	plans := checkPlans(t, w.Inputs)
	checkShareBound(t, w.Inputs, plans)
	// Two hosts: with 3 shards one shard has nothing to read.
	if n := len(plans[3][2].Inputs); n != 0 {
		t.Errorf("shard 3/3 reads %d inputs of samples/demo, want none (WS01 is shard 1, WS02 shard 2)", n)
	}
}

func TestPlanCorpus(t *testing.T) {
	w := walk.Paths([]string{testshared.Dir(t, "corpus", "evtx")})
	plans := checkPlans(t, w.Inputs)
	checkShareBound(t, w.Inputs, plans)
}

// TestPlanHostless: an input without any record (a file header alone) is
// read by shard 1 only, which reports its problem.
func TestPlanHostless(t *testing.T) {
	src := filepath.Join(testshared.Root(t), "samples", "demo", "WS01-Security.evtx")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	headerOnly := filepath.Join(dir, "header-only.evtx")
	if err := os.WriteFile(headerOnly, data[:4096], 0o644); err != nil {
		t.Fatal(err)
	}
	w := walk.Paths([]string{src, headerOnly})
	plans := checkPlans(t, w.Inputs)
	for n, list := range plans {
		for _, p := range list {
			has := slices.ContainsFunc(p.Inputs, func(in walk.Input) bool { return in.Name == headerOnly })
			if has != (p.Spec.K == 1) {
				t.Errorf("shard %s reads the hostless file: %v", p.Spec, has)
			}
			if n > 1 && p.Hostless != 1 {
				t.Errorf("shard %s counts %d hostless inputs, want 1", p.Spec, p.Hostless)
			}
		}
	}
}

// TestPrepareCancelled: a cancelled pre-pass returns the context's error.
func TestPrepareCancelled(t *testing.T) {
	w := walk.Paths([]string{filepath.Join(testshared.Root(t), "samples", "demo")})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Prepare(ctx, w.Inputs, Spec{1, 2}, hostsOnlyOptions()); err == nil {
		t.Error("a cancelled pre-pass returned no error")
	}
}
