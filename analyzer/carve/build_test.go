package carve_test

import (
	"encoding/binary"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Builders of minimal binary XML records, written from the layout in
// libyal's EVTX format description, for the tests of Scan and Check.

var le = binary.LittleEndian

// goodTime is a written time in 2024, as a FILETIME.
const goodTime = 133540000000000000

// value is one substitution value of a template instance.
type value struct {
	typ  byte
	data []byte
}

// templateDef is a template definition with id and a minimal body (a
// fragment header and the end-of-fragment token).
func templateDef(id uint32) []byte {
	body := []byte{0x0f, 0x01, 0x01, 0x00, 0x00}
	b := le.AppendUint32(nil, 0) // next definition
	b = le.AppendUint32(b, id)   // GUID: its first 4 bytes are the id
	b = append(b, make([]byte, 12)...)
	b = le.AppendUint32(b, uint32(len(body)))
	return append(b, body...)
}

// instance is a fragment holding a template instance at chunk offset at;
// with inline set, the definition of id follows it, else defOff names it.
func instance(at uint32, id, defOff uint32, inline bool, vals []value) []byte {
	b := []byte{0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01}
	b = le.AppendUint32(b, id)
	if inline {
		defOff = at + uint32(len(b)) + 4
	}
	b = le.AppendUint32(b, defOff)
	if inline {
		b = append(b, templateDef(id)...)
	}
	b = le.AppendUint32(b, uint32(len(vals)))
	for _, v := range vals {
		b = le.AppendUint16(b, uint16(len(v.data)))
		b = append(b, v.typ, 0)
	}
	for _, v := range vals {
		b = append(b, v.data...)
	}
	return b
}

// record wraps binary XML in a record header and the trailing size copy.
func record(number, fileTime uint64, xml []byte) []byte {
	size := uint32(evtxfile.RecordHeaderSize + len(xml) + 4)
	b := []byte(evtxfile.RecordSignature)
	b = le.AppendUint32(b, size)
	b = le.AppendUint64(b, number)
	b = le.AppendUint64(b, fileTime)
	b = append(b, xml...)
	return le.AppendUint32(b, size)
}

// chunkWith returns a zeroed chunk with recs written one after the other
// from chunk offset at, and the offsets where they start.
func chunkWith(at uint32, recs ...[]byte) ([]byte, []uint32) {
	c := make([]byte, evtxfile.ChunkSize)
	offs := make([]uint32, len(recs))
	for i, r := range recs {
		offs[i] = at
		copy(c[at:], r)
		at += uint32(len(r))
	}
	return c, offs
}
