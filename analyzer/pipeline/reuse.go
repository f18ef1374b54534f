package pipeline

import (
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// eventStorage hands the storage of delivered chunks' events back to the
// workers (Options.ReuseEvents): the Events and Selected slices and the
// Text block the events' values were kept in. A run then allocates about
// one of each per chunk in flight instead of two slices per chunk and one
// string per event: most of what it allocates, and memory the workers
// write again while it is still in cache. A nil eventStorage reuses
// nothing.
type eventStorage chan storage

// storage is one chunk's worth of it.
type storage struct {
	events   []event.Process
	selected []event.Event
	text     []byte
}

func newEventStorage(opts *Options, n int) eventStorage {
	if !opts.ReuseEvents {
		return nil
	}
	return make(eventStorage, n)
}

// get returns empty storage to decode into, or none when none is free.
func (p eventStorage) get() storage {
	select {
	case st := <-p:
		return st
	default:
		return storage{}
	}
}

// poisonText says whether text handed back is overwritten first: in
// tests, so that a consumer that kept a value it should have copied reads
// garbage and fails, rather than pass while the value still happens to be
// intact.
var poisonText = testing.Testing()

// put takes back r's storage once the consumer is done with it. The
// slices are cleared first, so they keep no event's strings alive;
// elements past their length were cleared when they last were in use (or
// never were). A Text block larger than decode.MaxReusedText is left to
// the garbage collector.
func (p eventStorage) put(r *decode.Result) {
	ev, sel, text := r.Events, r.Selected, r.Text
	r.Events, r.Selected, r.Text = nil, nil, nil
	if p == nil {
		return
	}
	clear(ev)
	clear(sel)
	if cap(text) > decode.MaxReusedText {
		text = nil // the worker makes a new one
	}
	if poisonText {
		text = text[:cap(text)]
		for i := range text {
			text[i] = 0xff
		}
	}
	if cap(ev) == 0 && cap(sel) == 0 && cap(text) == 0 {
		return
	}
	select {
	case p <- storage{ev[:0], sel[:0], text[:0]}:
	default: // full: the garbage collector takes it
	}
}
