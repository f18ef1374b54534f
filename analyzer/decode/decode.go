package decode

import (
	"fmt"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Chunk is one chunk handed to a decoder. Data is owned by the worker and
// is reused after Decode returns: decoders must copy what they keep.
type Chunk struct {
	File    string // display path of the source file
	Index   int    // chunk index in the file, from 0
	Offset  int64  // file offset of the chunk
	Data    []byte // the chunk's bytes (normally evtxfile.ChunkSize)
	Header  evtxfile.ChunkHeader
	Records []evtxfile.Record // the validated record chain
	// Want selects the records, other than process creations, that the
	// decoder decodes in full into Result.Selected (nil: none).
	Want *event.Selection
}

// Problem is a defect of the input, located as precisely as known.
type Problem struct {
	File   string
	Chunk  int   // chunk index, or -1 for a file-level problem
	Offset int64 // file offset of the defect, or -1 when unknown
	Reason string
}

func (p Problem) String() string {
	switch {
	case p.Chunk < 0 && p.Offset < 0:
		return fmt.Sprintf("%s: %s", p.File, p.Reason)
	case p.Chunk < 0:
		return fmt.Sprintf("%s: offset 0x%x: %s", p.File, p.Offset, p.Reason)
	case p.Offset < 0:
		return fmt.Sprintf("%s: chunk %d: %s", p.File, p.Chunk, p.Reason)
	}
	return fmt.Sprintf("%s: chunk %d, offset 0x%x: %s", p.File, p.Chunk, p.Offset, p.Reason)
}

// Problemf returns a Problem located at a chunk-relative offset of c (or
// the chunk's own offset when rel is negative).
func (c *Chunk) Problemf(rel int64, format string, args ...any) Problem {
	off := c.Offset
	if rel > 0 {
		off += rel
	}
	return Problem{File: c.File, Chunk: c.Index, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// Result is what a decoder reports for one chunk.
type Result struct {
	Records int             // records decoded (allocated ones)
	Events  []event.Process // process-creation events, in record order
	// Selected holds the other records Chunk.Want selects, in record
	// order, as general events. Process creations are never in it: they
	// are in Events, whatever Want says.
	Selected    []event.Event
	First, Last time.Time // time span of all decoded records (zero when none)
	Hosts       []string  // distinct Computer names seen in the chunk
	Problems    []Problem
	Fallbacks   int // records or chunks handed to a fallback decoder
	// Annotation is what a reading pipeline's worker step computed from
	// the decoded events for the consumer (pipeline.Options.NewWorkerStep);
	// decoders leave it alone, Reset clears it.
	Annotation any
	// Text, when not nil, is storage for the Events' values (KeepText):
	// its last block, the one a later chunk may reuse. Reset drops it, as
	// the events decoded into it may still be in use; only a caller that
	// knows they are not hands a block back (pipeline.Options.ReuseEvents).
	Text []byte
}

// Reset empties r for reuse, keeping its slices' storage (but not Text).
func (r *Result) Reset() {
	r.Records = 0
	r.Events = r.Events[:0]
	r.Selected = r.Selected[:0]
	r.First, r.Last = time.Time{}, time.Time{}
	r.Hosts = r.Hosts[:0]
	r.Problems = r.Problems[:0]
	r.Fallbacks = 0
	r.Annotation = nil
	r.Text = nil
}

// See records one decoded record's time and host in the span and host set.
func (r *Result) See(t time.Time, host string) {
	r.Records++
	if !t.IsZero() {
		if r.First.IsZero() || t.Before(r.First) {
			r.First = t
		}
		if t.After(r.Last) {
			r.Last = t
		}
	}
	for _, h := range r.Hosts {
		if h == host {
			return
		}
	}
	r.Hosts = append(r.Hosts, host)
}

// Decoder turns a chunk's records into events.
type Decoder interface {
	// Name identifies the decoder in messages ("fast", "velocidex").
	Name() string
	// Decode decodes c into r, which the caller has Reset.
	Decode(c *Chunk, r *Result)
}
