package event

import (
	"cmp"
	"strings"
	"time"
)

// Record is one record of a timeline that holds every kind of event: a
// process creation's typed view (Process) or any other record (Event).
// Exactly one of the two is set.
type Record struct {
	Process *Process
	Event   *Event
}

// Time returns the record's TimeCreated.
func (r Record) Time() time.Time {
	if r.Process != nil {
		return r.Process.Timestamp
	}
	return r.Event.Timestamp
}

// Host returns the record's Computer.
func (r Record) Host() string {
	if r.Process != nil {
		return r.Process.Computer
	}
	return r.Event.Computer
}

// identity returns what records are ordered by after their time.
func (r Record) identity() (host string, recordID uint64, file string, chunk int) {
	if r.Process != nil {
		p := r.Process
		return p.Computer, p.EventRecordID, p.SourceFile, p.ChunkIndex
	}
	e := r.Event
	return e.Computer, e.EventRecordID, e.SourceFile, e.ChunkIndex
}

// CompareRecords orders records as Compare orders process events: by
// time, then host, then record id, then source file and chunk.
func CompareRecords(a, b Record) int {
	if c := a.Time().Compare(b.Time()); c != 0 {
		return c
	}
	ah, aid, af, ac := a.identity()
	bh, bid, bf, bc := b.identity()
	if c := strings.Compare(ah, bh); c != 0 {
		return c
	}
	if c := cmp.Compare(aid, bid); c != 0 {
		return c
	}
	if c := strings.Compare(af, bf); c != 0 {
		return c
	}
	return cmp.Compare(ac, bc)
}

// AppendJSON appends the record's JSON object: the process shape for a
// process creation, the general shape for any other record.
func (r Record) AppendJSON(dst []byte) []byte {
	if r.Process != nil {
		return r.Process.AppendJSON(dst)
	}
	return r.Event.AppendJSON(dst)
}
