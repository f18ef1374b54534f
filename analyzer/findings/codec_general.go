package findings

import (
	"encoding/binary"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// appendGeneral encodes a finding's general event, or its absence.
func appendGeneral(b []byte, e *event.Event) []byte {
	if e == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendTime(b, e.Timestamp)
	for _, s := range [...]string{e.Computer, e.Channel, e.Provider, e.ProviderGUID, e.UserID, e.SourceFile} {
		b = appendString(b, s)
	}
	for _, n := range [...]uint64{uint64(e.EventID), uint64(e.Version), uint64(e.Level), uint64(e.Opcode),
		uint64(e.Task), e.Keywords, e.EventRecordID, uint64(e.ProcessID), uint64(e.ThreadID), uint64(e.Has), uint64(e.Kind)} {
		b = binary.AppendUvarint(b, n)
	}
	b = binary.AppendVarint(b, int64(e.ChunkIndex))
	b = appendBool(b, e.Recovered)
	b = binary.AppendUvarint(b, uint64(len(e.Items)))
	for _, it := range e.Items {
		b = appendString(b, it.Name)
		b = appendString(b, it.Value)
	}
	return b
}

// general decodes what appendGeneral wrote.
func (d *decoder) general() *event.Event {
	flag := d.bytes(1)
	if len(flag) != 1 || flag[0] == 0 {
		return nil
	}
	e := &event.Event{}
	e.Timestamp = d.time()
	e.Computer, e.Channel, e.Provider, e.ProviderGUID, e.UserID, e.SourceFile = d.string(), d.string(), d.string(), d.string(), d.string(), d.string()
	e.EventID = uint32(d.uvarint())
	e.Version = uint8(d.uvarint())
	e.Level = uint8(d.uvarint())
	e.Opcode = uint8(d.uvarint())
	e.Task = uint16(d.uvarint())
	e.Keywords = d.uvarint()
	e.EventRecordID = d.uvarint()
	e.ProcessID = uint32(d.uvarint())
	e.ThreadID = uint32(d.uvarint())
	e.Has = event.SystemSet(d.uvarint())
	e.Kind = event.DataKind(d.uvarint())
	e.ChunkIndex = int(d.varint())
	e.Recovered = d.bool()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	if n > 0 {
		e.Items = make([]event.Item, 0, n)
	}
	for range n {
		e.Items = append(e.Items, event.Item{Name: d.string(), Value: d.string()})
	}
	return e
}

// cloneEvent copies e with items of its own, so a finding does not keep
// the chunk's shared item storage alive.
func cloneEvent(e *event.Event) *event.Event {
	c := *e
	c.Items = append([]event.Item(nil), e.Items...)
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
