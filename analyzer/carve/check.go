package carve

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Binary XML facts the plausibility check needs (libyal's EVTX format
// description, "Binary XML").
const (
	tokOpenStart        = 0x01
	tokOpenStartAttrs   = 0x41
	tokTemplateInstance = 0x0c
	tokFragmentHeader   = 0x0f
	typeBinXML          = 0x21

	// instanceSize is a template instance before its values: the token,
	// one unknown byte, the template identifier and the definition offset.
	instanceSize = 10
	// templateHeaderSize precedes a template definition's body: the next
	// definition's offset, the GUID and the body size.
	templateHeaderSize = 24
	// maxNesting bounds binary XML values inside values.
	maxNesting = 8
)

// CheckError says why a candidate record is not plausible.
type CheckError struct {
	Offset uint32 // chunk offset of the defect
	Reason string
}

func (e *CheckError) Error() string { return fmt.Sprintf("offset 0x%x: %s", e.Offset, e.Reason) }

func reject(off uint32, format string, args ...any) error {
	return &CheckError{Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// Written times outside these years are not believed (zero is: some
// exporting tools leave the header's time empty).
var (
	minTime = fileTime(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
	maxTime = fileTime(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
)

func fileTime(t time.Time) uint64 {
	const epochDelta = 116444736000000000 // 1601-01-01 to 1970-01-01, in 100 ns
	return uint64(t.UnixNano()/100) + epochDelta
}

// Check reports whether candidate rec of chunk is a plausible event
// record: a believable written time, and binary XML whose template
// instance names a template definition present in the chunk. It returns
// the chunk offsets of the value descriptors of nested binary XML values
// (the EventData of Windows records) whose own template definition has
// been overwritten: the record's System values can still be read, those
// values cannot and must be skipped.
func Check(chunk []byte, rec evtxfile.Record) (lost []uint32, err error) {
	if uint64(rec.Offset)+uint64(rec.Size) > uint64(len(chunk)) || rec.Size < minRecordSize {
		return nil, reject(rec.Offset, "record outside the chunk")
	}
	if rec.FileTime != 0 && (rec.FileTime < minTime || rec.FileTime >= maxTime) {
		return nil, reject(rec.Offset+16, "written time 0x%x outside 1990-2100", rec.FileTime)
	}
	c := checker{b: chunk}
	err = c.fragment(rec.Offset+evtxfile.RecordHeaderSize, rec.Offset+rec.Size-4, 0)
	var ow errOverwritten
	if errors.As(err, &ow) {
		err = ow.CheckError
	}
	return c.lost, err
}

// checker walks the template instances of one record.
type checker struct {
	b    []byte
	lost []uint32
}

// fragment checks the binary XML fragment in b[p:end].
func (c *checker) fragment(p, end uint32, nest int) error {
	b := c.b
	if nest > maxNesting {
		return reject(p, "binary XML values nested more than %d deep", maxNesting)
	}
	for p+4 <= end && b[p] == tokFragmentHeader {
		p += 4
	}
	if p >= end {
		return reject(p, "no binary XML content")
	}
	switch b[p] {
	case tokOpenStart, tokOpenStartAttrs:
		return nil // plain elements, as exporting tools write them
	case tokTemplateInstance:
		return c.instance(p, end, nest)
	}
	return reject(p, "unexpected token 0x%02x at the start of a fragment", b[p])
}

// errOverwritten marks a template definition that is no longer there.
type errOverwritten struct{ *CheckError }

// instance checks the template instance at p: its definition, then its
// value descriptors and any binary XML values.
func (c *checker) instance(p, end uint32, nest int) error {
	b := c.b
	le := binary.LittleEndian
	if end-p < instanceSize {
		return reject(p, "template instance runs past the record")
	}
	id := le.Uint32(b[p+2:])
	def := le.Uint32(b[p+6:])
	q := p + instanceSize
	if uint64(def)+templateHeaderSize+4 > uint64(len(b)) {
		return errOverwritten{&CheckError{p + 6, fmt.Sprintf("template definition offset 0x%x outside the chunk", def)}}
	}
	if got := le.Uint32(b[def+4:]); got != id {
		return errOverwritten{&CheckError{def, fmt.Sprintf("template definition overwritten: template 0x%08x expected, 0x%08x found", id, got)}}
	}
	size := le.Uint32(b[def+20:])
	body := uint64(def) + templateHeaderSize
	if size < 4 || body+uint64(size) > uint64(len(b)) || b[body] != tokFragmentHeader {
		return reject(def, "template definition body of %d bytes is not a fragment inside the chunk", size)
	}
	if def == q { // defined here, before the values
		if body+uint64(size) > uint64(end) {
			return reject(def, "inline template definition runs past the record")
		}
		q = uint32(body) + size
	}
	return c.values(q, end, nest)
}

// values checks the value count, descriptors and sizes of a template
// instance starting at q, recursing into binary XML values.
func (c *checker) values(q, end uint32, nest int) error {
	b := c.b
	le := binary.LittleEndian
	if end < q || end-q < 4 {
		return reject(q, "template instance has no value count")
	}
	n := le.Uint32(b[q:])
	q += 4
	if n > (end-q)/4 {
		return reject(q-4, "%d values do not fit the record", n)
	}
	desc := q
	q += 4 * n
	for i := range n {
		d := desc + 4*i
		size := uint32(le.Uint16(b[d:]))
		if size > end-q {
			return reject(d, "value %d of %d bytes runs past the record", i, size)
		}
		if b[d+2] == typeBinXML && size > 0 {
			err := c.fragment(q, q+size, nest+1)
			var ow errOverwritten
			switch {
			case errors.As(err, &ow):
				c.lost = append(c.lost, d)
			case err != nil:
				return err
			}
		}
		q += size
	}
	return nil
}
