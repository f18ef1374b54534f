package detections

import (
	"slices"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Memo remembers the hits Detect gave for the values it read, so a
// process event whose every value the detections can read (its event id
// and channel, and each field some process rule or check reads, present
// or not) equals an earlier one's gets that event's hits without being
// matched again. Logs repeat themselves: the same services, scheduled
// tasks and helpers start with the same command lines all day (about half
// the process events of the shipped samples' working day repeat an
// earlier one in every value the built-in rules read). A memo is one
// goroutine's; its memory is bounded by MemoBytes.
type Memo struct {
	set     *Set
	fields  []memoField // what the memoized step reads besides id and channel
	late    bool        // memoizes DetectLate's rules rather than Detect
	entries map[string][]Hit
	found   []Hit // DetectLate's hits found, before merging
	bytes   int   // keys and hits held
	key     []byte
	// Lookups and Found count the events looked up and those found;
	// Skipped those matched directly while the memo paused.
	Lookups, Found, Skipped int
	tried, hits             int // lookups and finds in the current window
	paused                  int // events still to match without looking up
}

// Bounds of a Memo: past MemoBytes of keys and hits it starts afresh;
// events whose key is longer than MemoMaxKey (long command lines, rarely
// repeated) are matched without being remembered.
const (
	MemoBytes  = 4 << 20
	MemoMaxKey = 4 << 10
)

// hitSize is what one remembered hit costs, roughly.
const hitSize = 48

// A memo that finds little pauses: on a log of distinct events its keys
// cost time and find nothing (with a keyword rule loaded, a key holds
// every string of the event, GUIDs and times included). After each
// memoWindow lookups, if fewer than memoMinFound were found, it matches
// the next memoPause events directly, then looks again.
const (
	memoWindow   = 4096
	memoMinFound = memoWindow / 32
	memoPause    = 64 * memoWindow
)

// NewMemo returns an empty memo of the set's Detect.
func (s *Set) NewMemo() *Memo {
	return &Memo{set: s, fields: s.memoFields, entries: map[string][]Hit{}}
}

// NewLateMemo returns an empty memo of the set's DetectLate, for the one
// goroutine that completes the events in order.
func (s *Set) NewLateMemo() *Memo {
	return &Memo{set: s, fields: s.deferred.fields, late: true, entries: map[string][]Hit{}}
}

// Detect appends the hits of s.Detect(p) to dst. The memo must come from
// NewMemo.
func (m *Memo) Detect(p *event.Process, dst []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	return m.detect(p, dst, scratch, m.set.Detect)
}

// DetectLate is s.DetectLate(p, early). The memo must come from
// NewLateMemo.
func (m *Memo) DetectLate(p *event.Process, early []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	m.found, scratch = m.detect(p, m.found[:0], scratch, m.set.deferredHits)
	return m.set.mergeLate(early, m.found), scratch
}

// detect appends to dst the hits step gives for p, remembered or computed.
func (m *Memo) detect(p *event.Process, dst []Hit, scratch []*sigma.Rule,
	step func(*event.Process, []Hit, []*sigma.Rule) ([]Hit, []*sigma.Rule)) ([]Hit, []*sigma.Rule) {
	if m.paused > 0 {
		m.paused--
		m.Skipped++
		return step(p, dst, scratch)
	}
	if m.tried == memoWindow {
		if m.hits < memoMinFound {
			m.paused = memoPause
		}
		m.tried, m.hits = 0, 0
	}
	m.tried++
	m.Lookups++
	m.key = m.set.appendMemoKey(m.key[:0], p, m.fields)
	if hits, ok := m.entries[string(m.key)]; ok {
		m.Found++
		m.hits++
		return append(dst, hits...), scratch
	}
	from := len(dst)
	dst, scratch = step(p, dst, scratch)
	if len(m.key) > MemoMaxKey {
		return dst, scratch
	}
	hits := slices.Clone(dst[from:])
	size := len(m.key) + hitSize*(1+len(hits))
	if m.bytes+size > MemoBytes {
		clear(m.entries)
		m.bytes = 0
	}
	m.entries[string(m.key)] = hits
	m.bytes += size
	return dst, scratch
}
