package event

import (
	"encoding/binary"
	"reflect"
	"time"
)

// The binary form of a Record, for the same temporary files as a
// Process's: a tag byte (0 a process creation, 1 any other record), then
// the Process's binary form, or the Event's:
//
//	seconds nanoseconds Computer Channel Provider ProviderGUID UserID
//	SourceFile EventID Version Level Opcode Task Keywords EventRecordID
//	ProcessID ThreadID Has Kind ChunkIndex Recovered
//	item count, then each item's Name and Value

// eventSize and itemSize are the memory an Event value and an Item take,
// without their strings.
var (
	eventSize = int(reflect.TypeFor[Event]().Size())
	itemSize  = int(reflect.TypeFor[Item]().Size())
)

// AppendBinary appends the binary form of r to b (it never fails).
func (r *Record) AppendBinary(b []byte) ([]byte, error) {
	if r.Process != nil {
		return r.Process.AppendBinary(append(b, 0))
	}
	e := r.Event
	b = append(b, 1)
	b = binary.AppendVarint(b, e.Timestamp.Unix())
	b = binary.AppendUvarint(b, uint64(e.Timestamp.Nanosecond()))
	for _, s := range [...]string{e.Computer, e.Channel, e.Provider, e.ProviderGUID, e.UserID, e.SourceFile} {
		b = appendBinaryString(b, s)
	}
	for _, n := range [...]uint64{uint64(e.EventID), uint64(e.Version), uint64(e.Level), uint64(e.Opcode),
		uint64(e.Task), e.Keywords, e.EventRecordID, uint64(e.ProcessID), uint64(e.ThreadID), uint64(e.Has), uint64(e.Kind)} {
		b = binary.AppendUvarint(b, n)
	}
	b = binary.AppendVarint(b, int64(e.ChunkIndex))
	if e.Recovered {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Items)))
	for _, it := range e.Items {
		b = appendBinaryString(b, it.Name)
		b = appendBinaryString(b, it.Value)
	}
	return b, nil
}

// UnmarshalBinary reads the form AppendBinary writes into r. Anything but
// exactly one encoded record is an error, and r is then left zero.
func (r *Record) UnmarshalBinary(data []byte) error {
	*r = Record{}
	if len(data) == 0 {
		return errBinary
	}
	switch data[0] {
	case 0:
		p := new(Process)
		if err := p.UnmarshalBinary(data[1:]); err != nil {
			return err
		}
		r.Process = p
		return nil
	case 1:
	default:
		return errBinary
	}
	d := binaryDecoder{s: string(data[1:])}
	e := new(Event)
	sec := d.varint()
	nsec := d.uvarint()
	if nsec >= 1e9 {
		d.fail("nanoseconds %d out of range", nsec)
	}
	e.Timestamp = time.Unix(sec, int64(nsec)).UTC()
	e.Computer, e.Channel, e.Provider, e.ProviderGUID, e.UserID, e.SourceFile = d.string(), d.string(), d.string(), d.string(), d.string(), d.string()
	e.EventID = uint32(d.number(1<<32 - 1))
	e.Version = uint8(d.number(1<<8 - 1))
	e.Level = uint8(d.number(1<<8 - 1))
	e.Opcode = uint8(d.number(1<<8 - 1))
	e.Task = uint16(d.number(1<<16 - 1))
	e.Keywords = d.uvarint()
	e.EventRecordID = d.uvarint()
	e.ProcessID = uint32(d.number(1<<32 - 1))
	e.ThreadID = uint32(d.number(1<<32 - 1))
	e.Has = SystemSet(d.number(1<<numSystemValues - 1))
	e.Kind = DataKind(d.number(uint64(UserData)))
	e.ChunkIndex = int(d.varint())
	switch d.byte() {
	case 0:
	case 1:
		e.Recovered = true
	default:
		d.fail("bad Recovered flag")
	}
	n := d.uvarint()
	if n > uint64(len(d.s)-d.off) {
		d.fail("%d items in %d bytes", n, len(d.s)-d.off)
		n = 0
	}
	if n > 0 {
		e.Items = make([]Item, 0, n)
	}
	for range n {
		e.Items = append(e.Items, Item{Name: d.string(), Value: d.string()})
	}
	if d.err == nil && d.off != len(d.s) {
		d.fail("%d trailing bytes", len(d.s)-d.off)
	}
	if d.err != nil {
		return d.err
	}
	r.Event = e
	return nil
}

// MemSize estimates the memory r holds: for a process creation as
// Process.MemSize says; for any other record the Event value, its items
// and their values (names and identity strings are shared).
func (r *Record) MemSize() int {
	if r.Process != nil {
		return r.Process.MemSize() + 16
	}
	n := eventSize + 16 + len(r.Event.Items)*itemSize
	for _, it := range r.Event.Items {
		n += len(it.Value)
	}
	return n
}

// SortKey is the record's time as TimeKey gives it, consistent with
// CompareRecords.
func (r *Record) SortKey() uint64 { return TimeKey(r.Time()) }
