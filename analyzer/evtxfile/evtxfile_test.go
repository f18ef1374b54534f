package evtxfile

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

// buildChunk makes a chunk holding records of the given sizes (each at
// least 28 bytes), with correct checksums.
func buildChunk(sizes ...uint32) []byte {
	c := make([]byte, ChunkSize)
	copy(c, ChunkSignature)
	le := binary.LittleEndian
	off := uint32(ChunkHeaderSize)
	for i, s := range sizes {
		copy(c[off:], RecordSignature)
		le.PutUint32(c[off+4:], s)
		le.PutUint64(c[off+8:], uint64(i+1))
		le.PutUint64(c[off+16:], 132000000000000000+uint64(i))
		le.PutUint32(c[off+s-4:], s)
		off += s
	}
	le.PutUint64(c[8:], 1)
	le.PutUint64(c[16:], uint64(len(sizes)))
	le.PutUint32(c[40:], 128)
	le.PutUint32(c[48:], off)
	le.PutUint32(c[52:], crc32.ChecksumIEEE(c[ChunkHeaderSize:off]))
	le.PutUint32(c[124:], HeaderChecksum(c))
	return c
}

func TestRecordsChain(t *testing.T) {
	c := buildChunk(100, 200, 64)
	h, err := ParseChunkHeader(c)
	if err != nil {
		t.Fatal(err)
	}
	if errs := h.Verify(c); len(errs) != 0 {
		t.Fatalf("Verify: %v", errs)
	}
	recs, err := Records(c, &h)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1].Offset != ChunkHeaderSize+100 || recs[2].Size != 64 || recs[2].Number != 3 {
		t.Fatalf("records = %+v", recs)
	}
	if got := len(recs[0].Data(c)); got != 100-RecordHeaderSize-4 {
		t.Errorf("Data length %d", got)
	}
}

func TestRecordsDamage(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(c []byte)
		want    int    // records still found
		wantErr string // part of the error, "" for none
	}{
		{"intact", func([]byte) {}, 3, ""},
		{"second size zero", func(c []byte) { binary.LittleEndian.PutUint32(c[ChunkHeaderSize+100+4:], 0) }, 1, "record size 0"},
		{"second size huge", func(c []byte) { binary.LittleEndian.PutUint32(c[ChunkHeaderSize+100+4:], 1<<31) }, 1, "does not fit"},
		{"third copy differs", func(c []byte) { binary.LittleEndian.PutUint32(c[ChunkHeaderSize+300+60:], 65) }, 2, "trailing copy"},
		{"first signature gone", func(c []byte) { c[ChunkHeaderSize] = 0 }, 0, "no record signature"},
		{"free space past chunk", func(c []byte) { binary.LittleEndian.PutUint32(c[48:], 1<<20) }, 3, ""},
	}
	for _, tt := range tests {
		c := buildChunk(100, 200, 64)
		tt.damage(c)
		h, _ := ParseChunkHeader(c)
		recs, err := Records(c, &h)
		if len(recs) != tt.want {
			t.Errorf("%s: %d records, want %d", tt.name, len(recs), tt.want)
		}
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.wantErr)
		}
		var fe *FormatError
		if err != nil && !errors.As(err, &fe) {
			t.Errorf("%s: error %T is not a *FormatError", tt.name, err)
		}
	}
}

func TestVerifyChecksums(t *testing.T) {
	c := buildChunk(100)
	c[ChunkHeaderSize+50] ^= 0xff // record data
	h, _ := ParseChunkHeader(c)
	errs := h.Verify(c)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "event records checksum") {
		t.Errorf("after a record byte flip: %v", errs)
	}
	c = buildChunk(100)
	c[130] ^= 0xff // header, inside the checksummed range
	h, _ = ParseChunkHeader(c)
	errs = h.Verify(c)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "chunk header checksum") {
		t.Errorf("after a header byte flip: %v", errs)
	}
}

func TestParseFileHeader(t *testing.T) {
	b := make([]byte, FileHeaderSize)
	copy(b, FileSignature)
	binary.LittleEndian.PutUint16(b[36:], 1)
	binary.LittleEndian.PutUint16(b[38:], 3)
	binary.LittleEndian.PutUint16(b[42:], 7)
	binary.LittleEndian.PutUint32(b[120:], FlagDirty)
	binary.LittleEndian.PutUint32(b[124:], crc32.ChecksumIEEE(b[:120]))
	h, err := ParseFileHeader(b)
	if err != nil || h.ChunkCount != 7 || h.MajorVersion != 3 || h.Flags != FlagDirty || !h.ChecksumOK {
		t.Errorf("ParseFileHeader = %+v, %v", h, err)
	}
	b[50] = 1
	if h, _ := ParseFileHeader(b); h.ChecksumOK {
		t.Error("checksum still OK after damage")
	}
	if _, err := ParseFileHeader(b[:100]); err == nil {
		t.Error("a truncated header parsed")
	}
	if _, err := ParseFileHeader(make([]byte, 200)); err == nil {
		t.Error("a header without signature parsed")
	}
}

// FuzzRecords: any bytes as a chunk; the walk must not panic, and every
// record it returns must lie inside the chunk with a consistent size.
func FuzzRecords(f *testing.F) {
	f.Add(buildChunk(100, 200, 64))
	f.Add(buildChunk(28))
	f.Add(make([]byte, ChunkHeaderSize))
	f.Fuzz(func(t *testing.T, c []byte) {
		h, err := ParseChunkHeader(c)
		if err != nil {
			return
		}
		h.Verify(c)
		recs, _ := Records(c, &h)
		for _, r := range recs {
			if int(r.Offset)+int(r.Size) > len(c) || r.Size < RecordHeaderSize+4 {
				t.Fatalf("record %+v outside a %d-byte chunk", r, len(c))
			}
			_ = r.Data(c)
		}
	})
}
