package carve

import (
	"bytes"
	"encoding/binary"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Key identifies a record across the chunks of one file: the record
// number and written time of its header. A stale copy of a record has the
// same key as the original.
type Key struct {
	Number   uint64
	FileTime uint64
}

// KeyOf returns the key of a record.
func KeyOf(r evtxfile.Record) Key { return Key{Number: r.Number, FileTime: r.FileTime} }

// Scan returns the candidate records in data[from:to): each record
// signature whose size fits before to and whose trailing size copy equals
// it. Candidates do not overlap: the scan resumes after each one found.
func Scan(data []byte, from, to int) []evtxfile.Record {
	if to > len(data) {
		to = len(data)
	}
	if from < 0 {
		from = 0
	}
	var found []evtxfile.Record
	sig := []byte(evtxfile.RecordSignature)
	for off := from; off+evtxfile.RecordHeaderSize+4 <= to; {
		i := bytes.Index(data[off:to], sig)
		if i < 0 {
			break
		}
		off += i
		rec, ok := candidate(data, off, to)
		if !ok {
			off++
			continue
		}
		found = append(found, rec)
		off += int(rec.Size)
	}
	return found
}

// candidate reads the record header at off and checks its size against
// the region end and its trailing copy.
func candidate(data []byte, off, to int) (evtxfile.Record, bool) {
	if to-off < evtxfile.RecordHeaderSize+4 {
		return evtxfile.Record{}, false
	}
	le := binary.LittleEndian
	size := int(le.Uint32(data[off+4:]))
	if size < minRecordSize || size > to-off {
		return evtxfile.Record{}, false
	}
	if int(le.Uint32(data[off+size-4:])) != size {
		return evtxfile.Record{}, false
	}
	return evtxfile.Record{
		Offset:   uint32(off),
		Size:     uint32(size),
		Number:   le.Uint64(data[off+8:]),
		FileTime: le.Uint64(data[off+16:]),
	}, true
}

// minRecordSize is the smallest record that can hold an event: the
// header, a fragment header, a template instance and the size copy.
const minRecordSize = evtxfile.RecordHeaderSize + 4 + instanceSize + 4 + 4
