package findings

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// recordKey identifies one event record by its identity (Computer,
// Channel, EventRecordID, Timestamp) and its whole content, but not the
// file it was read from: copies of a log (backups, shadow copies, the same
// file under another name) give the same key, and their findings are
// reported once with every source file listed.
type recordKey [2]uint64

// keyOf computes p's record key. A ParentCommandLine the scanner filled in
// itself is left out: it depends on what was read before, not on the
// record.
func keyOf(p *event.Process, filled bool) recordKey {
	a, b := hashSeed, hashSeed^0x9e3779b97f4a7c15
	mix := func(s string) {
		a = hashString(a, s)
		b = hashString(b, s)
	}
	mixUint := func(v uint64) {
		a = hashUint(a, v)
		b = hashUint(b, v)
	}
	mixUint(uint64(p.Timestamp.UnixNano()))
	has := p.Has
	if filled {
		has &^= event.FieldSet(0).With(event.FieldParentCommandLine)
	}
	mixUint(uint64(has))
	for f := event.Field(0); f < event.NumFields; f++ {
		if !has.Contains(f) {
			continue
		}
		v, _ := p.Get(f)
		mix(v)
	}
	return recordKey{a, b}
}

// copyOf reports whether the record of key was met before, in which case
// this copy's hits count as duplicates and source joins the sources of
// the first copy (pending, or already spooled).
func (s *Scanner) copyOf(key recordKey, source string) bool {
	pr, dup := s.seen[key]
	if !dup {
		return false
	}
	s.Duplicates += s.corr.reported(s.hits)
	if pr != nil {
		pr.sources = addSource(pr.sources, source)
	} else {
		s.extra[key] = addSource(s.extra[key], source)
	}
	return true
}

// addSource adds file to the files a record was read from, each once, in
// the order they were read.
func addSource(list []string, file string) []string {
	for _, s := range list {
		if s == file {
			return list
		}
	}
	return append(list, file)
}
