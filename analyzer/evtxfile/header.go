package evtxfile

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// Sizes and signatures of the container layer.
const (
	FileHeaderSize   = 4096 // the file header block
	fileHeaderUsed   = 128
	ChunkSize        = 65536
	ChunkHeaderSize  = 512
	RecordHeaderSize = 24

	FileSignature   = "ElfFile\x00"
	ChunkSignature  = "ElfChnk\x00"
	RecordSignature = "\x2a\x2a\x00\x00"

	// FlagDirty is set in FileHeader.Flags while the log was open for
	// writing and not closed cleanly.
	FlagDirty = 0x1
	// FlagFull is set when the log reached its maximum size.
	FlagFull = 0x2
)

// FormatError describes a malformed structure and where it is.
type FormatError struct {
	Offset int64  // offset in the file (or chunk, for chunk-relative errors)
	What   string // what is wrong
}

func (e *FormatError) Error() string { return fmt.Sprintf("offset 0x%x: %s", e.Offset, e.What) }

// FileHeader is the first block of an EVTX file.
type FileHeader struct {
	FirstChunk      uint64
	LastChunk       uint64
	NextRecordID    uint64
	HeaderSize      uint32
	MinorVersion    uint16
	MajorVersion    uint16
	HeaderBlockSize uint16
	ChunkCount      uint16
	Flags           uint32
	Checksum        uint32
	ChecksumOK      bool // Checksum equals the CRC32 of the first 120 bytes
}

// HasSignature reports whether b starts with the EVTX file signature.
func HasSignature(b []byte) bool {
	return len(b) >= len(FileSignature) && string(b[:len(FileSignature)]) == FileSignature
}

// ParseFileHeader decodes the file header from the first bytes of a file.
func ParseFileHeader(b []byte) (FileHeader, error) {
	var h FileHeader
	if len(b) < fileHeaderUsed {
		return h, &FormatError{0, fmt.Sprintf("file header truncated: %d of %d bytes", len(b), fileHeaderUsed)}
	}
	if !HasSignature(b) {
		return h, &FormatError{0, "no ElfFile signature"}
	}
	le := binary.LittleEndian
	h.FirstChunk = le.Uint64(b[8:])
	h.LastChunk = le.Uint64(b[16:])
	h.NextRecordID = le.Uint64(b[24:])
	h.HeaderSize = le.Uint32(b[32:])
	h.MinorVersion = le.Uint16(b[36:])
	h.MajorVersion = le.Uint16(b[38:])
	h.HeaderBlockSize = le.Uint16(b[40:])
	h.ChunkCount = le.Uint16(b[42:])
	h.Flags = le.Uint32(b[120:])
	h.Checksum = le.Uint32(b[124:])
	h.ChecksumOK = crc32.ChecksumIEEE(b[:120]) == h.Checksum
	return h, nil
}

// ChunkHeader is the 512-byte header of a chunk.
type ChunkHeader struct {
	FirstRecordNumber uint64
	LastRecordNumber  uint64
	FirstRecordID     uint64
	LastRecordID      uint64
	HeaderSize        uint32
	LastRecordOffset  uint32
	FreeSpaceOffset   uint32
	RecordsChecksum   uint32
	Flags             uint32
	Checksum          uint32
}

// HasChunkSignature reports whether c starts with the chunk signature.
func HasChunkSignature(c []byte) bool {
	return len(c) >= len(ChunkSignature) && string(c[:len(ChunkSignature)]) == ChunkSignature
}

// ParseChunkHeader decodes the header of chunk c (at least 512 bytes).
func ParseChunkHeader(c []byte) (ChunkHeader, error) {
	var h ChunkHeader
	if len(c) < ChunkHeaderSize {
		return h, &FormatError{0, fmt.Sprintf("chunk truncated: %d of %d header bytes", len(c), ChunkHeaderSize)}
	}
	if !HasChunkSignature(c) {
		return h, &FormatError{0, "no ElfChnk signature"}
	}
	le := binary.LittleEndian
	h.FirstRecordNumber = le.Uint64(c[8:])
	h.LastRecordNumber = le.Uint64(c[16:])
	h.FirstRecordID = le.Uint64(c[24:])
	h.LastRecordID = le.Uint64(c[32:])
	h.HeaderSize = le.Uint32(c[40:])
	h.LastRecordOffset = le.Uint32(c[44:])
	h.FreeSpaceOffset = le.Uint32(c[48:])
	h.RecordsChecksum = le.Uint32(c[52:])
	h.Flags = le.Uint32(c[120:])
	h.Checksum = le.Uint32(c[124:])
	return h, nil
}

// Unused reports whether the chunk was allocated but never written (the
// last record id is all ones).
func (h *ChunkHeader) Unused() bool { return h.LastRecordID == ^uint64(0) }

// HeaderChecksum computes the chunk header checksum: CRC32 over bytes
// 0-120 and 128-512 of the chunk.
func HeaderChecksum(c []byte) uint32 {
	crc := crc32.Update(0, crc32.IEEETable, c[:120])
	return crc32.Update(crc, crc32.IEEETable, c[128:ChunkHeaderSize])
}

// RecordsChecksum computes the CRC32 of the record data, from the end of
// the chunk header to the free space offset; ok is false when that offset
// lies outside the chunk.
func RecordsChecksum(c []byte, freeSpace uint32) (sum uint32, ok bool) {
	if freeSpace < ChunkHeaderSize || int(freeSpace) > len(c) {
		return 0, false
	}
	return crc32.ChecksumIEEE(c[ChunkHeaderSize:freeSpace]), true
}

// Verify checks both checksums of chunk c and returns one error per
// mismatch, each naming the chunk-relative offset of the bad field.
func (h *ChunkHeader) Verify(c []byte) []error {
	var errs []error
	if len(c) < ChunkHeaderSize {
		return []error{&FormatError{0, "chunk shorter than its header"}}
	}
	if got := HeaderChecksum(c); got != h.Checksum {
		errs = append(errs, &FormatError{124, fmt.Sprintf("chunk header checksum mismatch: stored 0x%08x, computed 0x%08x", h.Checksum, got)})
	}
	sum, ok := RecordsChecksum(c, h.FreeSpaceOffset)
	switch {
	case !ok:
		errs = append(errs, &FormatError{48, fmt.Sprintf("free space offset 0x%x outside the chunk", h.FreeSpaceOffset)})
	case sum != h.RecordsChecksum:
		errs = append(errs, &FormatError{52, fmt.Sprintf("event records checksum mismatch: stored 0x%08x, computed 0x%08x", h.RecordsChecksum, sum)})
	}
	return errs
}
