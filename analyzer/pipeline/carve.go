package pipeline

import (
	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// carving is one worker's carving state (nil when carving is off) and
// the output of the chunk it is reading.
type carving struct {
	carver *carve.Carver
	keys   []carve.Key       // the chunk's allocated records
	found  []carve.Recovered // what the chunk's slack or slot held
}

func newCarving(on bool) *carving {
	if !on {
		return nil
	}
	return &carving{carver: carve.New()}
}

// begin starts a chunk; the slices are handed to the item afterwards, so
// each chunk gets its own.
func (cv *carving) begin() {
	if cv != nil {
		cv.keys, cv.found = nil, nil
	}
}

// allocated notes the keys of the records the chain reached, and of those
// found after a break in it.
func (cv *carving) allocated(recs []evtxfile.Record, resynced []carve.Key) {
	if cv == nil {
		return
	}
	cv.keys = make([]carve.Key, 0, len(recs)+len(resynced))
	for _, r := range recs {
		cv.keys = append(cv.keys, carve.KeyOf(r))
	}
	cv.keys = append(cv.keys, resynced...)
}

// slot carves data[from:] of chunk c: its slack after the chain, or a
// whole slot whose chunk header is gone.
func (cv *carving) slot(c *decode.Chunk, data []byte, from int) {
	if cv == nil || from >= len(data) || allZero(data[from:]) {
		return
	}
	c.Data = data
	cv.found = cv.carver.Chunk(c, from, nil)
}

// chainEnd is the chunk offset where the records of a chain end.
func chainEnd(recs []evtxfile.Record) int {
	if len(recs) == 0 {
		return evtxfile.ChunkHeaderSize
	}
	last := recs[len(recs)-1]
	return int(last.Offset + last.Size)
}

// recoveredSet collects, for one file, the keys of its allocated records
// and the records carved from it, until the file's last chunk is in. A
// carved record whose key is known already (allocated, or carved before)
// is dropped as it arrives, so memory follows the distinct records.
type recoveredSet struct {
	allocated map[carve.Key]struct{}
	seen      map[carve.Key]struct{} // carved keys kept so far
	pending   []carve.Recovered
	stale     int
}

func (s *recoveredSet) add(it *item) {
	if s.allocated == nil {
		s.allocated = make(map[carve.Key]struct{})
		s.seen = make(map[carve.Key]struct{})
	}
	for _, k := range it.keys {
		s.allocated[k] = struct{}{}
	}
	for _, rec := range it.carved {
		_, allocated := s.allocated[rec.Key]
		_, seen := s.seen[rec.Key]
		if allocated || seen {
			s.stale++
			continue
		}
		s.seen[rec.Key] = struct{}{}
		s.pending = append(s.pending, rec)
	}
}

// resolve drops the recovered records that are copies of an allocated
// record of the file (allocated in a later chunk than they were found)
// and calls fn once per chunk (in chunk order) with the rest as a Result:
// Records counts them, Events holds their process-creation events and
// Selected the general events of those the run selects. It
// returns how many were kept and how many dropped as copies in all.
func (s *recoveredSet) resolve(fn func(chunk int, r *decode.Result)) (kept, stale int) {
	var r decode.Result
	chunk := -1
	flush := func() {
		if r.Records > 0 {
			fn(chunk, &r)
		}
		r = decode.Result{}
	}
	stale = s.stale
	for _, rec := range s.pending {
		if _, ok := s.allocated[rec.Key]; ok {
			stale++
			continue
		}
		if rec.Chunk != chunk {
			flush()
			chunk = rec.Chunk
		}
		r.Records++
		if rec.Event != nil {
			r.Events = append(r.Events, *rec.Event)
		}
		if rec.Record != nil {
			r.Selected = append(r.Selected, *rec.Record)
		}
		kept++
	}
	flush()
	*s = recoveredSet{}
	return kept, stale
}

// countRecovered adds a resolved chunk's recovered records to f.
func (f *FileStats) countRecovered(r *decode.Result) {
	f.Recovered += r.Records
	n4688, nSysmon1 := countBySource(r.Events)
	f.Recovered4688 += n4688
	f.RecoveredSysmon1 += nSysmon1
}
