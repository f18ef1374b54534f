package shard

import (
	"context"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// Plan is what one shard reads: the inputs holding at least one host it
// owns, in input order, and who owns which host.
type Plan struct {
	Spec         Spec
	Owners       *Assignment // nil without a pre-pass: the hash alone
	Inputs       []walk.Input
	Files        int   // inputs in all
	Bytes        int64 // their bytes
	Skipped      int   // inputs left out: they hold none of the shard's hosts
	SkippedBytes int64
	Hostless     int           // inputs where the pre-pass found no host (shard 1 reads them)
	TooManyHosts bool          // the pre-pass found over maxHosts names: every input is read, hosts go by hash
	Elapsed      time.Duration // the pre-pass's time (0 when none was needed)
}

// ReadBytes is the bytes of the inputs the shard reads.
func (p *Plan) ReadBytes() int64 { return p.Bytes - p.SkippedBytes }

// Owns reports whether the plan's shard owns computer.
func (p *Plan) Owns(computer string) bool {
	return !p.Spec.Active() || p.Owners.Of(computer, p.Spec.N) == p.Spec.K
}

// Prepare returns the plan of spec's shard over inputs. Unless every
// input belongs to the shard (no sharding, or N = 1) it first runs a
// pre-pass over all inputs with opts (Workers, Carve, and NewDecoder,
// which should read hosts only: see binxml.Decoder.HostsOnly); opts'
// callbacks are replaced, and the pre-pass reports no problem (the reading
// that follows does). The hosts of an input are the Computer names of its
// records and of its process events, recovered ones included when opts
// carves; from them and the inputs' sizes it places every host on a shard
// (see Assignment). The error is non-nil only when ctx was cancelled.
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
	held := make([]holding, len(inputs))
	rec := hostRecorder{}
	file := 0 // the input being delivered: OnFile follows its last chunk
	opts.OnChunk = func(_ *pipeline.FileStats, _ int, r *decode.Result) {
		h := &held[file]
		for _, name := range r.Hosts {
			rec.add(h, name)
		}
		for i := range r.Events {
			rec.add(h, r.Events[i].Computer)
		}
	}
	opts.OnFile = func(*pipeline.FileStats) { file++ }
	opts.OnProblem, opts.OnProgress = nil, nil
	sum, err := pipeline.Run(ctx, inputs, opts)
	if err != nil {
		return nil, err
	}
	for i, in := range inputs {
		held[i].size = in.Size
		if i < len(sum.Files) {
			held[i].size = sum.Files[i].Bytes // as the reading pass counts it
		}
	}
	plan.TooManyHosts = rec.overflow
	if !plan.TooManyHosts {
		plan.Owners = assign(held, spec.N)
	}
	for i, in := range inputs {
		h := held[i]
		plan.Bytes += h.size
		if len(h.hosts) == 0 {
			plan.Hostless++
		}
		if plan.TooManyHosts || h.holdsAny(plan.Owns) || (len(h.hosts) == 0 && spec.K == 1) {
			plan.Inputs = append(plan.Inputs, in)
			continue
		}
		plan.Skipped++
		plan.SkippedBytes += h.size
	}
	plan.Elapsed = time.Since(start)
	return plan, nil
}

func (h *holding) holdsAny(owns func(string) bool) bool {
	for name := range h.hosts {
		if owns(name) {
			return true
		}
	}
	return false
}

// hostRecorder records the lower-cased hosts of each input, at most
// maxHosts (input, host) pairs in all; it remembers the last name (a
// chunk's records mostly share one host).
type hostRecorder struct {
	last, lower string
	pairs       int
	overflow    bool
}

func (r *hostRecorder) add(h *holding, name string) {
	if name != r.last {
		r.last, r.lower = strings.Clone(name), strings.ToLower(name)
	}
	if _, ok := h.hosts[r.lower]; ok {
		return
	}
	if r.pairs >= maxHosts {
		r.overflow = true
		return
	}
	if h.hosts == nil {
		h.hosts = map[string]struct{}{}
	}
	h.hosts[r.lower] = struct{}{}
	r.pairs++
}
