package pipeline

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// TestWorkerStep: each worker makes its step once, the step sees every
// chunk after decoding, and what it leaves in Annotation reaches OnChunk
// with its own chunk.
func TestWorkerStep(t *testing.T) {
	files := sampleFiles(t)
	type note struct{ events, records int }
	for _, workers := range []int{1, 3} {
		var made, stepped atomic.Int32
		chunks := 0
		_, err := Run(context.Background(), walk.Paths(files).Inputs, Options{
			Workers:    workers,
			NewDecoder: func() decode.Decoder { return binxml.New() },
			NewWorkerStep: func() func(*decode.Result) {
				made.Add(1)
				return func(r *decode.Result) {
					stepped.Add(1)
					r.Annotation = note{len(r.Events), r.Records}
				}
			},
			OnChunk: func(_ *FileStats, chunk int, r *decode.Result) {
				chunks++
				n, ok := r.Annotation.(note)
				if !ok || n.events != len(r.Events) || n.records != r.Records {
					t.Errorf("chunk %d: annotation %v, want the step's note of its own %d events", chunk, r.Annotation, len(r.Events))
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if int(made.Load()) != workers {
			t.Errorf("%d workers made %d steps", workers, made.Load())
		}
		if int(stepped.Load()) != chunks || chunks == 0 {
			t.Errorf("%d workers: the steps saw %d chunks, OnChunk %d", workers, stepped.Load(), chunks)
		}
	}
}

// sampleFiles returns the shipped samples' EVTX files, or skips the test
// when there are none.
func sampleFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*", "*.evtx"))
	if len(files) == 0 {
		t.Skip("samples/ holds no EVTX file yet")
	}
	return files
}
