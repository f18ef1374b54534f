package binxml

import (
	"sync"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// Decoder is the fast binary XML decoder, a decode.Decoder named "fast".
// It is safe for concurrent use: each Decode call borrows a reusable
// per-worker state from an internal pool.
type Decoder struct {
	// Fallback decodes the chunks that use a construct this decoder does
	// not handle; each such chunk counts one in Result.Fallbacks. When nil,
	// those records are reported as problems instead.
	Fallback decode.Decoder
	// HostsOnly reads every record as far as its time and computer name
	// and builds no events: Result.Records, First, Last and Hosts are those
	// of a full decode, Result.Events stays empty (unless a chunk goes to
	// the fallback decoder, which decodes it whole). It is the cheap
	// pre-pass that learns which hosts a file holds.
	HostsOnly bool

	// processItems, for tests, also puts the general event of every
	// process creation in Result.Selected, so the truth test can check
	// their items; Result.Events is unchanged.
	processItems bool

	pool sync.Pool
}

// New returns a fast decoder that falls back to the Velocidex decoder.
func New() *Decoder { return &Decoder{Fallback: velocidex.Decoder{}} }

// Name implements decode.Decoder.
func (*Decoder) Name() string { return "fast" }

// Decode implements decode.Decoder.
func (d *Decoder) Decode(c *decode.Chunk, r *decode.Result) {
	s, _ := d.pool.Get().(*state)
	if s == nil {
		s = newState()
	}
	s.beginChunk(c.Data)
	s.hostsOnly = d.HostsOnly
	s.want, s.processItems = c.Want, d.processItems
	if s.hostsOnly {
		s.want, s.processItems = nil, false
	}
	var unsupported []decode.Problem
	malformed := false
	for i, rec := range c.Records {
		s.recordIndex = i
		f := s.decodeRecord(c, rec, r)
		if f.kind == 0 {
			continue
		}
		if f.off == 0 {
			f.off = rec.Offset
		}
		p := c.Problemf(int64(f.off), "record %d: %s", rec.Number, f)
		if f.kind == failUnsupported {
			unsupported = append(unsupported, p)
			continue
		}
		malformed = true
		r.Problems = append(r.Problems, p)
	}
	s.chunk, s.want = nil, nil // keep no reference to the caller's data
	d.pool.Put(s)
	if len(unsupported) > 0 {
		d.fallback(c, r, unsupported, malformed)
	}
}

// fallback hands a chunk with constructs this decoder does not handle to
// the fallback decoder, but only an intact one: both checksums match and
// no record of it is malformed; the records of a damaged chunk are
// reported as problems instead. Intact is no proof of harmless: the
// Velocidex fallback bounds its own work (velocidex.Guard) and reports
// what it refuses.
func (d *Decoder) fallback(c *decode.Chunk, r *decode.Result, unsupported []decode.Problem, malformed bool) {
	if d.Fallback != nil && !malformed && len(c.Header.Verify(c.Data)) == 0 {
		r.Reset()
		d.Fallback.Decode(c, r)
		r.Fallbacks++
		return
	}
	for _, p := range unsupported {
		if d.Fallback != nil {
			p.Reason += " (chunk damaged: not handed to the " + d.Fallback.Name() + " decoder)"
		}
		r.Problems = append(r.Problems, p)
	}
}
