package pipeline

import (
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// DefaultChunkTimeout is the time a decoder may spend on one chunk before
// the chunk is reported and abandoned (Options.ChunkTimeout).
const DefaultChunkTimeout = 30 * time.Second

// worker is one chunk worker's state: its buffer (a span of chunks, see
// loaded) and record list, its decoder, the result its decoder writes
// into before it is merged into the item, and its step
// (Options.NewWorkerStep).
type worker struct {
	buf        []byte            // spanChunks chunks
	loaded     loaded            // what buf holds
	recs       []evtxfile.Record // the chunk's record chain, like buf reused
	dec        decode.Decoder
	newDecoder func() decode.Decoder
	scratch    *decode.Result // the decoder's own; left to it when abandoned
	timeout    time.Duration  // <= 0: no watchdog
	cv         *carving
	resyncer   *carve.Carver // made on the first broken chain
	want       *event.Selection
	free       eventStorage // storage to decode into (ReuseEvents)
	step       func(*decode.Result)
}

// newWorker makes a worker; free (nil: none) gives it storage to decode
// into.
func newWorker(opts *Options, free eventStorage) *worker {
	timeout := opts.ChunkTimeout
	if timeout == 0 {
		timeout = DefaultChunkTimeout
	}
	w := &worker{
		buf:        make([]byte, spanChunks*evtxfile.ChunkSize),
		scratch:    new(decode.Result),
		dec:        opts.NewDecoder(),
		newDecoder: opts.NewDecoder,
		timeout:    timeout,
		cv:         newCarving(opts.Carve),
		want:       opts.Want,
		free:       free,
	}
	if opts.NewWorkerStep != nil {
		w.step = opts.NewWorkerStep()
	}
	return w
}

// read decodes and steps one chunk of a span.
func (w *worker) read(it *item) {
	it.empty = readChunk(it.file.src, it.chunk, w, &it.res)
	if w.step != nil {
		w.step(&it.res)
	}
	if w.cv != nil {
		it.keys, it.carved = w.cv.keys, w.cv.found
	}
}

// decode runs the decoder on c under the watchdog and merges what it
// found into r. A decoder still running after the timeout is abandoned
// with everything it uses (the chunk buffer and record list, its result,
// the decoder itself, which the worker replaces), the chunk is reported
// and decode returns false; the records the decoder had counted are lost
// with it.
func (w *worker) decode(c *decode.Chunk, r *decode.Result) (finished bool) {
	w.scratch.Reset()
	if cap(w.scratch.Events) == 0 && cap(w.scratch.Selected) == 0 {
		st := w.free.get()
		w.scratch.Events, w.scratch.Selected, w.scratch.Text = st.events, st.selected, st.text
	}
	if w.free != nil && w.scratch.Text == nil {
		w.scratch.Text = make([]byte, 0, decode.TextBlock)
	}
	if w.timeout <= 0 {
		decodeGuarded(w.dec, c, w.scratch)
		merge(r, w.scratch)
		return true
	}
	done := make(chan struct{})
	dec, scratch := w.dec, w.scratch
	go func() {
		defer close(done)
		decodeGuarded(dec, c, scratch)
	}()
	timer := time.NewTimer(w.timeout)
	select {
	case <-done:
		timer.Stop()
		merge(r, scratch)
		return true
	case <-timer.C:
		r.Problems = append(r.Problems, c.Problemf(-1, "%s decoder did not finish the chunk within %v; chunk abandoned", dec.Name(), w.timeout))
		// Everything the stuck decoder holds is left to it.
		w.buf, w.recs = make([]byte, spanChunks*evtxfile.ChunkSize), nil
		w.dropLoaded()
		w.dec = w.newDecoder()
		w.scratch = new(decode.Result)
		return false
	}
}

// merge adds src's findings to dst. When dst has no events yet, src's
// event slice is handed over rather than copied (src then starts afresh),
// so the decoder's events reach the caller without a copy. src's Text
// block goes with its events: to dst when dst has none, else to no one
// (the events' strings keep it alive), never back to src to write again.
func merge(dst, src *decode.Result) {
	dst.Records += src.Records
	if len(dst.Events) == 0 {
		dst.Events, src.Events = src.Events, nil
	} else {
		dst.Events = append(dst.Events, src.Events...)
	}
	if cap(dst.Text) == 0 {
		dst.Text = src.Text
	}
	src.Text = nil
	if len(dst.Selected) == 0 {
		dst.Selected, src.Selected = src.Selected, nil
	} else {
		dst.Selected = append(dst.Selected, src.Selected...)
	}
	if !src.First.IsZero() && (dst.First.IsZero() || src.First.Before(dst.First)) {
		dst.First = src.First
	}
	if src.Last.After(dst.Last) {
		dst.Last = src.Last
	}
	for _, h := range src.Hosts {
		known := false
		for _, k := range dst.Hosts {
			if k == h {
				known = true
				break
			}
		}
		if !known {
			dst.Hosts = append(dst.Hosts, h)
		}
	}
	dst.Problems = append(dst.Problems, src.Problems...)
	dst.Fallbacks += src.Fallbacks
}
