package pipeline

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// TestReuseEvents: with ReuseEvents the consumer gets the same events, in
// the same order, as without; the slices and Text blocks really are
// handed back (far fewer backing arrays than chunks with events); a
// reused slice comes cleared, so no event of an earlier chunk shows
// through; and, under test, a value kept without owning it is
// overwritten, so a consumer that breaks the promise fails.
func TestReuseEvents(t *testing.T) {
	files := sampleFiles(t)
	decoders := map[string]func() decode.Decoder{
		"fast":      func() decode.Decoder { return binxml.New() },
		"velocidex": func() decode.Decoder { return velocidex.Decoder{} },
	}
	for name, newDecoder := range decoders {
		for _, workers := range []int{1, 3} {
			var want, got []event.Process
			var kept [][2]string // values kept without owning them, and copies
			read := func(reuse bool, out *[]event.Process, arrays map[*event.Process]bool) int {
				chunks := 0
				kept = kept[:0]
				_, err := Run(context.Background(), walk.Paths(files).Inputs, Options{
					Workers:     workers,
					NewDecoder:  newDecoder,
					ReuseEvents: reuse,
					OnChunk: func(_ *FileStats, chunk int, r *decode.Result) {
						if len(r.Events) == 0 {
							return
						}
						chunks++
						for _, p := range r.Events {
							p.Own()
							*out = append(*out, p)
						}
						if v := r.Events[len(r.Events)-1].CommandLine; v != "" {
							kept = append(kept, [2]string{v, strings.Clone(v)})
						}
						arrays[&r.Events[:1][0]] = true
						for i, p := range r.Events[len(r.Events):cap(r.Events)] {
							if p != (event.Process{}) {
								t.Fatalf("%s, %d workers: chunk %d: element %d past the events is not cleared: %s %d", name, workers, chunk, len(r.Events)+i, p.Computer, p.EventRecordID)
							}
						}
						// A consumer that keeps nothing may scribble on
						// what it was given; the next chunk must not care.
						for i := range r.Events {
							r.Events[i].Image = "overwritten"
						}
					},
				})
				if err != nil {
					t.Fatal(err)
				}
				return chunks
			}
			fresh := map[*event.Process]bool{}
			chunks := read(false, &want, fresh)
			reused := map[*event.Process]bool{}
			read(true, &got, reused)
			if len(want) == 0 {
				t.Fatal("the samples gave no process events")
			}
			// The copies taken before the scribbling still hold the
			// decoded values; compare them.
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %d workers: events differ with ReuseEvents (%d events, want %d)", name, workers, len(got), len(want))
			}
			if name == "fast" {
				checkPoisoned(t, workers, kept)
			}
			if len(fresh) != chunks {
				t.Errorf("%s, %d workers: without ReuseEvents %d chunks shared %d arrays", name, workers, chunks, len(fresh))
			}
			// Chunks in flight (the reorder window, and one a worker
			// decodes into) each hold one, and a chunk with more events
			// than the slice it got grows a new one. With one worker the
			// window is small next to the samples' chunks: the arrays
			// must be few. With more, the window (48 chunks with three)
			// is half the samples, and how full it runs depends on the
			// scheduling: fewer arrays than chunks is what is certain.
			t.Logf("%s, %d workers: %d chunks with events used %d arrays", name, workers, chunks, len(reused))
			if workers == 1 && len(reused) > windowOf(1)+1+4 || len(reused) >= chunks {
				t.Errorf("%s, %d workers: %d chunks with events used %d arrays, want fewer (at most %d with one worker)", name, workers, chunks, len(reused), windowOf(1)+1+4)
			}
		}
	}
}

// checkPoisoned checks that values kept from the fast decoder's events
// without owning them changed once handed back (overwritten, then reused
// by a later chunk), but for the chunks still in flight when the run
// ended.
func checkPoisoned(t *testing.T, workers int, kept [][2]string) {
	t.Helper()
	changed := 0
	for _, v := range kept {
		if v[0] != v[1] {
			changed++
		}
	}
	if window := windowOf(workers) + workers; changed < len(kept)-window {
		t.Errorf("fast, %d workers: %d of %d values kept without owning them changed, want all but at most %d", workers, changed, len(kept), window)
	}
}

// TestReuseSelected: with ReuseEvents the general events of every record
// selected are those of a run without it, their slices are handed back
// (fewer backing arrays than chunks), and a reused slice comes cleared.
func TestReuseSelected(t *testing.T) {
	files := sampleFiles(t)
	read := func(reuse bool) ([]event.Event, int, int) {
		var out []event.Event
		arrays := map[*event.Event]bool{}
		chunks := 0
		_, err := Run(context.Background(), walk.Paths(files).Inputs, Options{
			Workers:     2,
			NewDecoder:  func() decode.Decoder { return binxml.New() },
			Want:        event.SelectAll(),
			ReuseEvents: reuse,
			OnChunk: func(_ *FileStats, chunk int, r *decode.Result) {
				if len(r.Selected) == 0 {
					return
				}
				chunks++
				arrays[&r.Selected[:1][0]] = true
				for _, e := range r.Selected {
					e.Own()
					out = append(out, e)
				}
				for i, e := range r.Selected[len(r.Selected):cap(r.Selected)] {
					if e.Computer != "" || e.Items != nil {
						t.Fatalf("chunk %d: element %d past the events is not cleared: %s %d", chunk, len(r.Selected)+i, e.Computer, e.EventRecordID)
					}
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, chunks, len(arrays)
	}
	want, chunks, _ := read(false)
	got, _, arrays := read(true)
	if len(want) == 0 {
		t.Fatal("the samples gave no general events")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("general events differ with ReuseEvents (%d events, want %d)", len(got), len(want))
	}
	t.Logf("%d chunks with general events used %d arrays", chunks, arrays)
	if arrays >= chunks {
		t.Errorf("%d chunks with general events used %d arrays, want fewer", chunks, arrays)
	}
}
