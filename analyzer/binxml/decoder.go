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
	for i, rec := range c.Records {
		s.recordIndex = i
		f := s.decodeRecord(c, rec, r)
		if f.kind == 0 {
			continue
		}
		if f.off == 0 {
			f.off = rec.Offset
		}
		if f.kind == failUnsupported && d.Fallback != nil {
			r.Reset()
			d.Fallback.Decode(c, r)
			r.Fallbacks++
			break
		}
		r.Problems = append(r.Problems, c.Problemf(int64(f.off), "record %d: %s", rec.Number, f))
	}
	s.chunk = nil // keep no reference to the caller's buffer
	d.pool.Put(s)
}
