package shard

import (
	"context"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// Plan is what one shard reads: the inputs holding at least one host it
// owns, in input order.
type Plan struct {
	Spec         Spec
	Inputs       []walk.Input
	Files        int   // inputs in all
	Bytes        int64 // their bytes
	Skipped      int   // inputs left out: they hold none of the shard's hosts
	SkippedBytes int64
	Hostless     int           // inputs where the pre-pass found no host (shard 1 reads them)
	Elapsed      time.Duration // the pre-pass's time (0 when none was needed)
}

// ReadBytes is the bytes of the inputs the shard reads.
func (p *Plan) ReadBytes() int64 { return p.Bytes - p.SkippedBytes }

// holdings is what the pre-pass learned about one input.
type holdings struct {
	any, own bool // it holds some host; it holds one of the shard's
}

// Prepare returns the plan of spec's shard over inputs. Unless every
// input belongs to the shard (no sharding, or N = 1) it first runs a
// pre-pass over all inputs with opts (Workers, Carve, and NewDecoder,
// which should read hosts only: see binxml.Decoder.HostsOnly); opts'
// callbacks are replaced, and the pre-pass reports no problem (the reading
// that follows does). The hosts of an input are the Computer names of its
// records and of its process events, recovered ones included when opts
// carves. The error is non-nil only when ctx was cancelled.
func Prepare(ctx context.Context, inputs []walk.Input, spec Spec, opts pipeline.Options) (*Plan, error) {
	plan := &Plan{Spec: spec, Files: len(inputs)}
	if !spec.Active() || spec.N == 1 {
		plan.Inputs = inputs
		for _, in := range inputs {
			plan.Bytes += in.Size
		}
		return plan, nil
	}
	start := time.Now()
	held := make([]holdings, len(inputs))
	keeper := NewKeeper(spec)
	file := 0 // the input being delivered: OnFile follows its last chunk
	opts.OnChunk = func(_ *pipeline.FileStats, _ int, r *decode.Result) {
		h := &held[file]
		for _, name := range r.Hosts {
			h.any = true
			h.own = h.own || keeper.Keep(name)
		}
		for i := range r.Events {
			h.any = true
			h.own = h.own || keeper.Keep(r.Events[i].Computer)
		}
	}
	opts.OnFile = func(*pipeline.FileStats) { file++ }
	opts.OnProblem, opts.OnProgress = nil, nil
	sum, err := pipeline.Run(ctx, inputs, opts)
	if err != nil {
		return nil, err
	}
	for i, in := range inputs {
		size := in.Size
		if i < len(sum.Files) {
			size = sum.Files[i].Bytes // as the reading pass counts it
		}
		plan.Bytes += size
		h := held[i]
		if !h.any {
			plan.Hostless++
		}
		if h.own || (!h.any && spec.K == 1) {
			plan.Inputs = append(plan.Inputs, in)
			continue
		}
		plan.Skipped++
		plan.SkippedBytes += size
	}
	plan.Elapsed = time.Since(start)
	return plan, nil
}
