package evtxfile

import (
	"encoding/binary"
	"fmt"
)

// Record locates one event record inside a chunk.
type Record struct {
	Offset   uint32 // chunk-relative offset of the record header
	Size     uint32 // whole record, header to trailing size copy
	Number   uint64 // the header's record number (not the XML EventRecordID)
	FileTime uint64 // the header's written time, as a FILETIME
}

// Data returns the record's binary XML: the bytes between its 24-byte
// header and the trailing copy of its size.
func (r Record) Data(c []byte) []byte {
	return c[r.Offset+RecordHeaderSize : r.Offset+r.Size-4]
}

// ReadRecord validates and returns the record header at chunk offset off:
// signature, a size that fits the chunk (and limit), and the trailing copy
// of the size.
func ReadRecord(c []byte, off uint32, limit uint32) (Record, error) {
	if limit > uint32(len(c)) {
		limit = uint32(len(c))
	}
	if off > limit || limit-off < RecordHeaderSize+4 {
		return Record{}, &FormatError{int64(off), "record header runs past the end of the record area"}
	}
	b := c[off:]
	if string(b[:4]) != RecordSignature {
		return Record{}, &FormatError{int64(off), "no record signature"}
	}
	le := binary.LittleEndian
	r := Record{Offset: off, Size: le.Uint32(b[4:]), Number: le.Uint64(b[8:]), FileTime: le.Uint64(b[16:])}
	if r.Size < RecordHeaderSize+4 || r.Size > limit-off {
		return Record{}, &FormatError{int64(off), fmt.Sprintf("record size %d does not fit (room %d)", r.Size, limit-off)}
	}
	if copySize := le.Uint32(b[r.Size-4:]); copySize != r.Size {
		return Record{}, &FormatError{int64(off), fmt.Sprintf("record size %d but trailing copy says %d", r.Size, copySize)}
	}
	return r, nil
}

// Records walks the chain of records of chunk c from the end of its header
// up to the free space offset (or the chunk end when that offset is bad).
// It stops at the first malformed record and returns the records before it
// together with an error describing the break; records after a break are
// not reachable by the chain and are left to carving.
func Records(c []byte, h *ChunkHeader) ([]Record, error) {
	return AppendRecords(make([]Record, 0, 64), c, h)
}

// AppendRecords is Records appending to recs, so a reader can keep one
// list for all its chunks.
func AppendRecords(recs []Record, c []byte, h *ChunkHeader) ([]Record, error) {
	limit := h.FreeSpaceOffset
	if limit < ChunkHeaderSize || int(limit) > len(c) {
		limit = uint32(len(c))
	}
	for off := uint32(ChunkHeaderSize); off+RecordHeaderSize+4 <= limit; {
		r, err := ReadRecord(c, off, limit)
		if err != nil {
			if off == ChunkHeaderSize || string(c[off:off+4]) == RecordSignature || !allZero(c[off:limit]) {
				return recs, err
			}
			break
		}
		recs = append(recs, r)
		off += r.Size
	}
	return recs, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
