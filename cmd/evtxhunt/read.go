package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/shard"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// readFlags are the input-reading flags every reading command shares.
type readFlags struct {
	Workers int
	Parser  string
	Carve   bool
	Shard   string // K/N; only commands that register --shard
	// Placement is a file to write the shard placement to (--placement).
	Placement string

	shard shard.Spec
}

func (f *readFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVarP(&f.Workers, "workers", "j", runtime.GOMAXPROCS(0), "number of parallel chunk workers, and of CPUs used at most (unless GOMAXPROCS is set)")
	cmd.Flags().BoolVar(&f.Carve, "carve", false, "also recover deleted records from chunk slack and unallocated space (flagged Recovered; copies of records still present are left out)")
	cmd.Flags().StringVar(&f.Parser, "parser", "fast", "EVTX record decoder: fast (evtxhunt's own; hands chunks it cannot read to velocidex) or velocidex (the reference)")
}

// registerShard adds --shard and --placement (scan and timeline).
func (f *readFlags) registerShard(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.Shard, "shard", "", "handle only the hosts of shard `K/N` (1-based): each host goes to the shard its lower-cased Computer name hashes to (FNV-1a 64 mod N, +1) unless that shard would read more than its share of the bytes plus the largest input; reads only the inputs holding them")
	cmd.Flags().StringVar(&f.Placement, "placement", "", "with --shard: write where every host went to `FILE` (fingerprint, then host, bytes, hash shard, shard); every job of one sharded scan writes the same file")
}

// limitCPUs makes the command use at most f.Workers CPUs, as batch
// schedulers expect of a job given that many (the findings scanner, the
// sorter and the garbage collector then share them with the workers),
// unless the GOMAXPROCS environment variable says otherwise. It returns
// the function that restores the previous limit.
func (f *readFlags) limitCPUs() (restore func()) {
	prev := runtime.GOMAXPROCS(0)
	if _, set := os.LookupEnv("GOMAXPROCS"); set || f.Workers >= prev {
		return func() {}
	}
	runtime.GOMAXPROCS(f.Workers)
	return func() { runtime.GOMAXPROCS(prev) }
}

func (f *readFlags) check() error {
	if f.Workers < 1 {
		return usageErrorf("--workers must be at least 1, not %d", f.Workers)
	}
	if _, err := decoderFactory(f.Parser); err != nil {
		return usageError{err}
	}
	if f.Shard != "" {
		spec, err := shard.Parse(f.Shard)
		if err != nil {
			return usageErrorf("--shard: %v", err)
		}
		f.shard = spec
	}
	if f.Placement != "" && f.Shard == "" {
		return usageErrorf("--placement needs --shard")
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

// hostsDecoderFactory returns the maker of the decoders of a shard's
// pre-pass: the fast decoder reads records only as far as their host; the
// velocidex one has no such mode and decodes them whole.
func hostsDecoderFactory(name string) (func() decode.Decoder, error) {
	if name == "fast" {
		return func() decode.Decoder {
			return &binxml.Decoder{Fallback: velocidex.Decoder{}, HostsOnly: true}
		}, nil
	}
	return decoderFactory(name)
}

// readResult is what a reading command learns besides its own output.
type readResult struct {
	summary  *pipeline.Summary
	notes    []walk.Note
	unusable int         // unreadable inputs (notes with an error)
	plan     *shard.Plan // with --shard: what the shard read and skipped
	kept     int         // with --shard: process events of the shard's hosts
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

// inputSet is the inputs a command reads once the paths are walked and,
// with --shard, the shard's inputs chosen.
type inputSet struct {
	inputs []walk.Input
	res    *readResult
}

// readInputs walks paths and runs the pipeline over them, printing notes
// and problems to stderr in input order as they are found.
func readInputs(ctx context.Context, paths []string, rf *readFlags, stderr io.Writer, opts pipeline.Options) (*readResult, error) {
	set, err := openInputs(ctx, paths, rf, stderr)
	if err != nil {
		return set.res, err
	}
	return set.read(ctx, rf, stderr, opts)
}

// openInputs walks paths, printing the walk's notes, and with --shard
// runs the host pre-pass that keeps the inputs holding the shard's hosts.
func openInputs(ctx context.Context, paths []string, rf *readFlags, stderr io.Writer) (*inputSet, error) {
	w := walk.Paths(paths)
	set := &inputSet{inputs: w.Inputs, res: &readResult{notes: w.Notes, summary: &pipeline.Summary{}}}
	for _, n := range w.Notes {
		kind := "note"
		if n.Err != nil {
			kind = "problem"
			set.res.unusable++
		}
		fmt.Fprintf(stderr, "evtxhunt: %s: %s\n", kind, n)
	}
	if w.Skipped > 0 {
		fmt.Fprintf(stderr, "evtxhunt: note: skipped %d files without an EVTX signature inside the given folders\n", w.Skipped)
	}
	if !rf.shard.Active() {
		return set, nil
	}
	newDecoder, err := hostsDecoderFactory(rf.Parser)
	if err != nil {
		return set, usageError{err}
	}
	plan, err := shard.Prepare(ctx, w.Inputs, rf.shard, pipeline.Options{Workers: rf.Workers, NewDecoder: newDecoder, Carve: rf.Carve})
	if err != nil {
		fmt.Fprintf(stderr, "evtxhunt: interrupted: stopped while finding the hosts of the %d inputs for shard %s; no report written\n",
			len(w.Inputs), rf.shard)
		return set, errInterrupted
	}
	set.inputs, set.res.plan = plan.Inputs, plan
	if rf.Placement != "" {
		if err := writePlacement(rf.Placement, plan); err != nil {
			return set, err
		}
	}
	return set, nil
}

// writePlacement writes the plan's placement to path.
func writePlacement(path string, plan *shard.Plan) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--placement: %w", err)
	}
	err = plan.WritePlacement(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("--placement: writing %s: %w", path, err)
	}
	return nil
}

// read runs the pipeline over the set's inputs. With --shard, OnChunk
// only sees the events of the shard's hosts.
func (set *inputSet) read(ctx context.Context, rf *readFlags, stderr io.Writer, opts pipeline.Options) (*readResult, error) {
	res := set.res
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
	if res.plan != nil {
		opts.NewWorkerStep = keepShardStep(res.plan, opts.NewWorkerStep)
		opts.OnChunk = keepShard(res.plan, &res.kept, opts.OnChunk)
	}
	res.summary, err = pipeline.Run(ctx, set.inputs, opts)
	if err != nil {
		var stop stopError
		if errors.As(context.Cause(ctx), &stop) {
			return res, stop.err
		}
		sum := res.summary
		fmt.Fprintf(stderr, "evtxhunt: interrupted: stopped after reading %d records (%d process events) in %d of %d files; no report written\n",
			sum.Records, sum.Events, len(sum.Files), len(set.inputs))
		return res, errInterrupted
	}
	return res, nil
}

// keepShardStep makes worker steps that drop the events of other shards'
// hosts from each chunk before next's step (if any) sees it: what a worker
// step annotates is indexed by the events as OnChunk receives them.
func keepShardStep(plan *shard.Plan, next func() func(*decode.Result)) func() func(*decode.Result) {
	return func() func(*decode.Result) {
		keeper := shard.NewKeeper(plan)
		var step func(*decode.Result)
		if next != nil {
			step = next()
		}
		return func(r *decode.Result) {
			keepHosts(keeper, r)
			if step != nil {
				step(r)
			}
		}
	}
}

// keepShard wraps onChunk so it receives only the events (process
// creations, counted in kept, and other records) of the plan's hosts. Chunks
// a worker step already narrowed pass whole; recovered records, which no
// worker step sees, are narrowed here.
func keepShard(plan *shard.Plan, kept *int, onChunk func(*pipeline.FileStats, int, *decode.Result)) func(*pipeline.FileStats, int, *decode.Result) {
	keeper := shard.NewKeeper(plan)
	return func(f *pipeline.FileStats, chunk int, r *decode.Result) {
		keepHosts(keeper, r)
		*kept += len(r.Events)
		if onChunk != nil {
			onChunk(f, chunk, r)
		}
	}
}

// keepHosts drops from r the events of hosts keeper does not keep.
func keepHosts(keeper *shard.Keeper, r *decode.Result) {
	r.Events = keepOwned(keeper, r.Events, func(p *event.Process) string { return p.Computer })
	r.Selected = keepOwned(keeper, r.Selected, func(e *event.Event) string { return e.Computer })
}

// keepOwned keeps, in place and in order, the items whose computer keeper
// keeps, and clears the rest of the slice.
func keepOwned[T any](keeper *shard.Keeper, items []T, computer func(*T) string) []T {
	n := 0
	for i := range items {
		if keeper.Keep(computer(&items[i])) {
			items[n] = items[i]
			n++
		}
	}
	clear(items[n:])
	return items[:n]
}
