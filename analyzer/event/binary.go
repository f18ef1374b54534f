package event

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// The binary form of a Process is for temporary files written and read by
// the same run (the timeline's sorted runs): compact, exact, and without a
// version. Numbers are varints; strings are a length and the bytes; the
// time is its Unix seconds (signed) and nanoseconds. Every field is
// written, present or not, so a decoded event is equal to the one encoded
// (the time's location excepted: it is read back as UTC, which is what
// every Process carries).
//
//	seconds nanoseconds Computer Channel Provider EventID Version
//	EventRecordID SourceFile ChunkIndex Recovered Has
//	then each field of the field table that is not an identity field, in
//	table order: a uvarint for numbers, a string otherwise

// errBinary reports bytes that are not a Process's binary form.
var errBinary = errors.New("not an encoded process event")

// processSize is the memory a Process value takes, without its strings.
var processSize = int(reflect.TypeFor[Process]().Size())

// AppendBinary appends the binary form of p to b (encoding.BinaryAppender;
// it never fails).
func (p *Process) AppendBinary(b []byte) ([]byte, error) {
	b = binary.AppendVarint(b, p.Timestamp.Unix())
	b = binary.AppendUvarint(b, uint64(p.Timestamp.Nanosecond()))
	b = appendBinaryString(b, p.Computer)
	b = appendBinaryString(b, p.Channel)
	b = appendBinaryString(b, p.Provider)
	b = binary.AppendUvarint(b, uint64(p.EventID))
	b = binary.AppendUvarint(b, uint64(p.Version))
	b = binary.AppendUvarint(b, p.EventRecordID)
	b = appendBinaryString(b, p.SourceFile)
	b = binary.AppendVarint(b, int64(p.ChunkIndex))
	if p.Recovered {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(p.Has))
	for f := range NumFields {
		spec := &fields[f]
		switch {
		case spec.always:
		case spec.kind == kindNumber:
			b = binary.AppendUvarint(b, spec.getNum(p))
		default:
			b = appendBinaryString(b, *spec.str(p))
		}
	}
	return b, nil
}

func appendBinaryString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// UnmarshalBinary reads the form AppendBinary writes into p
// (encoding.BinaryUnmarshaler). The event's strings share one allocation.
// Anything but exactly one encoded event (truncated, trailing bytes,
// out-of-range values) is an error, and p is then left zero.
func (p *Process) UnmarshalBinary(data []byte) error {
	d := binaryDecoder{s: string(data)}
	var q Process
	sec := d.varint()
	nsec := d.uvarint()
	if nsec >= 1e9 {
		d.fail("nanoseconds %d out of range", nsec)
	}
	q.Timestamp = time.Unix(sec, int64(nsec)).UTC()
	q.Computer, q.Channel, q.Provider = d.string(), d.string(), d.string()
	q.EventID = uint32(d.number(1<<32 - 1))
	q.Version = uint8(d.number(1<<8 - 1))
	q.EventRecordID = d.uvarint()
	q.SourceFile = d.string()
	q.ChunkIndex = int(d.varint())
	switch d.byte() {
	case 0:
	case 1:
		q.Recovered = true
	default:
		d.fail("bad Recovered flag")
	}
	q.Has = FieldSet(d.uvarint())
	for f := range NumFields {
		spec := &fields[f]
		switch {
		case spec.always:
			if q.Has&(1<<f) != 0 {
				d.fail("identity field %s marked in Has", spec.name)
			}
		case spec.kind == kindNumber:
			spec.setNum(&q, d.uvarint())
		default:
			*spec.str(&q) = d.string()
		}
	}
	if q.Has>>NumFields != 0 {
		d.fail("unknown fields in Has %#x", uint64(q.Has))
	}
	if d.err == nil && d.off != len(d.s) {
		d.fail("%d trailing bytes", len(d.s)-d.off)
	}
	if d.err != nil {
		*p = Process{}
		return d.err
	}
	*p = q
	return nil
}

// MemSize estimates the memory p holds: the Process value and the text of
// its process fields. The identity strings (Computer, Channel, Provider,
// SourceFile) are left out: the decoders share them between events.
func (p *Process) MemSize() int {
	n := processSize
	for f := range NumFields {
		if spec := &fields[f]; !spec.always && spec.kind == kindString {
			n += len(*spec.str(p))
		}
	}
	return n
}

// binaryDecoder reads the binary form from a string, so that the decoded
// strings are slices of it; the first error sticks.
type binaryDecoder struct {
	s   string
	off int
	err error
}

func (d *binaryDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %s", errBinary, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *binaryDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for shift, i := uint(0), d.off; i < len(d.s) && i < d.off+binary.MaxVarintLen64; i, shift = i+1, shift+7 {
		c := d.s[i]
		if i == d.off+binary.MaxVarintLen64-1 && c > 1 {
			break // overflows 64 bits
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			d.off = i + 1
			return v
		}
	}
	d.fail("bad varint")
	return 0
}

func (d *binaryDecoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// number reads a uvarint no larger than limit.
func (d *binaryDecoder) number(limit uint64) uint64 {
	v := d.uvarint()
	if v > limit {
		d.fail("number %d out of range", v)
		return 0
	}
	return v
}

func (d *binaryDecoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.s) {
		d.fail("truncated")
		return 0
	}
	d.off++
	return d.s[d.off-1]
}

func (d *binaryDecoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)-d.off) {
		d.fail("string of %d bytes past the end", n)
		return ""
	}
	v := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return v
}
