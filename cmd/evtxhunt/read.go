package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// readFlags are the input-reading flags every reading command shares.
type readFlags struct {
	Workers int
	Parser  string
	Carve   bool
}

func (f *readFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVarP(&f.Workers, "workers", "j", runtime.NumCPU(), "number of parallel chunk workers")
	cmd.Flags().BoolVar(&f.Carve, "carve", false, "also recover deleted records from chunk slack and unallocated space (flagged Recovered; copies of records still present are left out)")
	cmd.Flags().StringVar(&f.Parser, "parser", "fast", "EVTX record decoder: fast (evtxhunt's own; hands chunks it cannot read to velocidex) or velocidex (the reference)")
}

func (f *readFlags) check() error {
	if f.Workers < 1 {
		return usageErrorf("--workers must be at least 1, not %d", f.Workers)
	}
	if _, err := decoderFactory(f.Parser); err != nil {
		return usageError{err}
	}
	return nil
}

// decoderFactory returns the maker of per-worker decoders for a parser name.
func decoderFactory(name string) (func() decode.Decoder, error) {
	switch name {
	case "fast":
		return func() decode.Decoder { return binxml.New() }, nil
	case "velocidex":
		return func() decode.Decoder { return velocidex.Decoder{} }, nil
	}
	return nil, fmt.Errorf("unknown parser %q (want fast or velocidex)", name)
}

// readResult is what a reading command learns besides its own output.
type readResult struct {
	summary  *pipeline.Summary
	notes    []walk.Note
	unusable int // unreadable inputs (notes with an error)
}

// problems reports whether any input was unreadable or damaged.
func (r *readResult) problems() bool {
	return r.unusable > 0 || len(r.summary.Problems) > 0
}

// stopError is the cause a command cancels its reading context with when
// it cannot go on (a failure of its own, not an interruption): readInputs
// then returns the error it wraps.
type stopError struct{ err error }

func (e stopError) Error() string { return e.err.Error() }
func (e stopError) Unwrap() error { return e.err }

// readInputs walks paths and runs the pipeline over them, printing notes
// and problems to stderr in input order as they are found.
func readInputs(ctx context.Context, paths []string, rf *readFlags, stderr io.Writer, opts pipeline.Options) (*readResult, error) {
	w := walk.Paths(paths)
	res := &readResult{notes: w.Notes}
	for _, n := range w.Notes {
		kind := "note"
		if n.Err != nil {
			kind = "problem"
			res.unusable++
		}
		fmt.Fprintf(stderr, "evtxhunt: %s: %s\n", kind, n)
	}
	if w.Skipped > 0 {
		fmt.Fprintf(stderr, "evtxhunt: note: skipped %d files without an EVTX signature inside the given folders\n", w.Skipped)
	}
	newDecoder, err := decoderFactory(rf.Parser)
	if err != nil {
		return nil, usageError{err}
	}
	opts.Workers = rf.Workers
	opts.NewDecoder = newDecoder
	opts.Carve = rf.Carve
	opts.OnProblem = func(p decode.Problem) {
		fmt.Fprintf(stderr, "evtxhunt: problem: %s\n", p)
	}
	res.summary, err = pipeline.Run(ctx, w.Inputs, opts)
	if err != nil {
		var stop stopError
		if errors.As(context.Cause(ctx), &stop) {
			return res, stop.err
		}
		sum := res.summary
		fmt.Fprintf(stderr, "evtxhunt: interrupted: stopped after reading %d records (%d process events) in %d of %d files; no report written\n",
			sum.Records, sum.Events, len(sum.Files), len(w.Inputs))
		return res, errInterrupted
	}
	return res, nil
}
