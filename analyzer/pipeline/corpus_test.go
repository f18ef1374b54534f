package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// TestCorpusCounts reads every corpus file and compares the per-file
// record totals and process-creation counts with the ground truth.
func TestCorpusCounts(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.LoadCounts(testshared.Dir(t, "corpus", "truth", "counts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	w := walk.Paths([]string{dir})
	if len(w.Inputs) != len(want) {
		t.Errorf("walk found %d EVTX files, truth lists %d", len(w.Inputs), len(want))
	}
	sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    2,
		NewDecoder: func() decode.Decoder { return velocidex.Decoder{} },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		wc, ok := want[rel]
		if !ok {
			t.Errorf("%s: not in counts.tsv", rel)
			continue
		}
		got := truth.Counts{Bytes: int(f.Bytes), Records: f.Records, N4688: f.N4688, NSysmon1: f.NSysmon1}
		if got != wc {
			t.Errorf("%s: got bytes/records/4688/sysmon1 %v, want %v", rel, got, wc)
		}
	}
	for _, p := range sum.Problems {
		t.Logf("problem: %s", p)
	}
}
