package findings

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// appendGeneral encodes a finding's general event, or its absence: a
// flag, then the event's binary form (event.Record.AppendBinary) as a
// string.
func appendGeneral(b []byte, e *event.Event) []byte {
	if e == nil {
		return append(b, 0)
	}
	enc, _ := (&event.Record{Event: e}).AppendBinary(nil)
	return appendString(append(b, 1), string(enc))
}

// general decodes what appendGeneral wrote.
func (d *decoder) general() *event.Event {
	if !d.bool() {
		return nil
	}
	var r event.Record
	if err := r.UnmarshalBinary(d.bytes(d.uvarint())); err != nil || r.Event == nil {
		if d.err == nil {
			d.err = errCorrupt
		}
		return nil
	}
	return r.Event
}

// cloneEvent copies e with items and values of its own (Event.Own), so a
// finding neither keeps the chunk's shared item storage alive nor reads
// values the reading pipeline has since reused for a later chunk.
func cloneEvent(e *event.Event) *event.Event {
	c := *e
	c.Own()
	return &c
}

// keyOfEvent computes a general event's record key: its identity and its
// whole payload.
func keyOfEvent(e *event.Event) recordKey {
	a, b := hashSeed^0x5bd1e995, hashSeed^0x9e3779b97f4a7c15^0x5bd1e995
	mix := func(s string) {
		a = hashString(a, s)
		b = hashString(b, s)
	}
	mixUint := func(v uint64) {
		a = hashUint(a, v)
		b = hashUint(b, v)
	}
	mixUint(uint64(e.Timestamp.UnixNano()))
	mix(e.Computer)
	mix(e.Channel)
	mix(e.Provider)
	mixUint(uint64(e.EventID))
	mixUint(e.EventRecordID)
	mixUint(uint64(len(e.Items)))
	for _, it := range e.Items {
		mix(it.Name)
		mix(it.Value)
	}
	return recordKey{a, b}
}
