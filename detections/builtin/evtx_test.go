package builtin_test

import (
	"context"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// readProcessEvents decodes the EVTX files (or folders) at paths with the
// pipeline and returns their process-creation events in input order.
func readProcessEvents(t testing.TB, paths ...string) []*event.Process {
	t.Helper()
	w := walk.Paths(paths)
	for _, n := range w.Notes {
		if n.Err != nil {
			t.Fatalf("reading %v: %v", paths, n)
		}
	}
	var out []*event.Process
	opts := pipeline.Options{
		NewDecoder: func() decode.Decoder { return binxml.New() },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Events {
				p := r.Events[i]
				out = append(out, &p)
			}
		},
		OnProblem: func(p decode.Problem) { t.Errorf("decoding problem: %s", p) },
	}
	if _, err := pipeline.Run(context.Background(), w.Inputs, opts); err != nil {
		t.Fatal(err)
	}
	return out
}
