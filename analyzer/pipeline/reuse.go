package pipeline

import (
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// eventSlices hands the Events slices of delivered chunks back to the
// workers (Options.ReuseEvents). A run then allocates about one slice per
// chunk in flight instead of one per chunk: on a log of process creations
// that is nearly half of all it allocates, and memory the workers write
// again while it is still in cache. A nil eventSlices reuses nothing.
type eventSlices chan []event.Process

func newEventSlices(opts *Options, n int) eventSlices {
	if !opts.ReuseEvents {
		return nil
	}
	return make(eventSlices, n)
}

// get returns an empty slice to decode into, or nil when none is free.
func (p eventSlices) get() []event.Process {
	select {
	case ev := <-p:
		return ev
	default:
		return nil
	}
}

// put takes back r's Events once the consumer is done with them. The
// slice is cleared first, so it keeps no event's strings alive; elements
// past its length were cleared when they last were in use (or never
// were).
func (p eventSlices) put(r *decode.Result) {
	ev := r.Events
	r.Events = nil
	if p == nil || cap(ev) == 0 {
		return
	}
	clear(ev)
	select {
	case p <- ev[:0]:
	default: // full: the garbage collector takes it
	}
}
