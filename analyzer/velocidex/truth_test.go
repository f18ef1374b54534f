package velocidex_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// TestCorpusTruth extracts every process event of the corpus with the
// Velocidex decoder and compares each field with the ground truth. The
// parser computes times as float64 seconds from a float64 FILETIME, whose
// spacing near today's values is 16 ticks (1.6 µs), so times may be off by
// up to that much.
func TestCorpusTruth(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.Load(testshared.Dir(t, "corpus", "truth"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]event.Process{}
	w := walk.Paths([]string{dir})
	_, err = pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		NewDecoder: func() decode.Decoder { return velocidex.Decoder{} },
		OnChunk: func(f *pipeline.FileStats, _ int, r *decode.Result) {
			rel, _ := filepath.Rel(dir, f.Path)
			got[rel] = append(got[rel], r.Events...)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for f := range want {
		files[f] = true
	}
	for f := range got {
		files[f] = true
	}
	total := 0
	for f := range files {
		total += len(got[f])
		for _, d := range truth.Compare(want[f], got[f], 1600*time.Nanosecond) {
			t.Errorf("%s: %s", f, d)
		}
	}
	if total != 1045+562 {
		t.Errorf("extracted %d process events, truth has %d", total, 1045+562)
	}
}
