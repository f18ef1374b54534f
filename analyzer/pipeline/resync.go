package pipeline

import (
	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// resync reads the records of a chunk whose chain broke at from: every
// plausible record in data[from:to] (the rest of the record area) that
// the fast decoder reads (see package carve) counts as an allocated
// record of the chunk, so one damaged record does not hide those after
// it. It returns where the last record found ends (from when none) and
// the keys of the records found.
func (w *worker) resync(c *decode.Chunk, r *decode.Result, from, to int) (end int, keys []carve.Key) {
	if w.resyncer == nil {
		w.resyncer = carve.New()
	}
	end = from
	for _, rec := range w.resyncer.Range(c, from, to, nil) {
		r.See(rec.Time, rec.Host)
		if rec.Event != nil {
			ev := *rec.Event
			ev.Recovered = false
			r.Events = append(r.Events, ev)
		}
		if rec.Record != nil {
			ev := *rec.Record
			ev.Recovered = false
			r.Selected = append(r.Selected, ev)
		}
		keys = append(keys, rec.Key)
		end = rec.End
	}
	return end, keys
}

// recordArea is where a chunk's records may lie: up to its free space
// offset when that is sane, else up to the end of the data read.
func recordArea(h *evtxfile.ChunkHeader, n int) int {
	limit := int(h.FreeSpaceOffset)
	if limit < evtxfile.ChunkHeaderSize || limit > n {
		limit = n
	}
	return limit
}
