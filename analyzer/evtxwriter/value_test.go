package evtxwriter

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

func TestParseGUID(t *testing.T) {
	tests := []struct {
		in, want string
		stored   []byte // first 8 stored bytes, little-endian groups
		wantErr  bool
	}{
		{in: "{54849625-5478-4994-A5BA-3E3B0328C30D}", want: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
			stored: []byte{0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49}},
		{in: "5770385f-c22a-43e0-bf4c-06f5698ffbd9", want: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
			stored: []byte{0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43}},
		{in: " {00000000-0000-0000-0000-000000000000} ", want: "{00000000-0000-0000-0000-000000000000}",
			stored: make([]byte, 8)},
		{in: "", wantErr: true},
		{in: "{54849625-5478-4994-A5BA}", wantErr: true},
		{in: "{5484962G-5478-4994-A5BA-3E3B0328C30D}", wantErr: true},
		{in: "{54849625-5478-4994-A5BA-3E3B0328C30Z}", wantErr: true},
		{in: "548496255-478-4994-A5BA-3E3B0328C30D", wantErr: true},
	}
	for _, tc := range tests {
		g, err := ParseGUID(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseGUID(%q) = %v, want an error", tc.in, g)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseGUID(%q): %v", tc.in, err)
			continue
		}
		if g.String() != tc.want {
			t.Errorf("ParseGUID(%q).String() = %s, want %s", tc.in, g, tc.want)
		}
		if !bytes.Equal(g[:8], tc.stored) {
			t.Errorf("ParseGUID(%q) stores % x, want % x", tc.in, g[:8], tc.stored)
		}
	}
}

func TestParseSID(t *testing.T) {
	tests := []struct {
		in, want string
		bytes    []byte
		wantErr  bool
	}{
		{in: "S-1-5-18", want: "S-1-5-18", bytes: []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}},
		{in: "S-1-16-12288", want: "S-1-16-12288", bytes: []byte{1, 1, 0, 0, 0, 0, 0, 16, 0, 0x30, 0, 0}},
		{in: "S-1-0-0", want: "S-1-0-0", bytes: []byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{in: "s-1-5-21-1038188009-4061210039-1974013838-1004", want: "S-1-5-21-1038188009-4061210039-1974013838-1004"},
		{in: "S-1-5", want: "S-1-5", bytes: []byte{1, 0, 0, 0, 0, 0, 0, 5}},
		{in: "S-1-0x10-1", want: "S-1-16-1"},
		{in: "S-1", wantErr: true},
		{in: "X-1-5-18", wantErr: true},
		{in: "S-1-5-abc", wantErr: true},
		{in: "S-256-5-18", wantErr: true},
		{in: "S-1-5-4294967296", wantErr: true},
		{in: "S-1-5" + strings.Repeat("-1", 16), wantErr: true},
	}
	for _, tc := range tests {
		s, err := ParseSID(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseSID(%q) = %v, want an error", tc.in, s)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSID(%q): %v", tc.in, err)
			continue
		}
		if s.String() != tc.want {
			t.Errorf("ParseSID(%q).String() = %s, want %s", tc.in, s, tc.want)
		}
		if tc.bytes != nil && !bytes.Equal(s, tc.bytes) {
			t.Errorf("ParseSID(%q) = % x, want % x", tc.in, []byte(s), tc.bytes)
		}
	}
}

func TestFileTime(t *testing.T) {
	tests := []struct {
		t  time.Time
		ft uint64
	}{
		{time.Unix(0, 0), 116444736000000000},
		// TimeCreated of a Windows 4688 record in the corpus.
		{time.Date(2021, 3, 25, 21, 56, 19, 530727400, time.UTC), 132611829795307274},
		{time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(2024, 3, 12, 8, 59, 59, 999999900, time.UTC), 133547075999999999},
	}
	for _, tc := range tests {
		if got := ToFileTime(tc.t); got != tc.ft {
			t.Errorf("ToFileTime(%v) = %d, want %d", tc.t, got, tc.ft)
		}
		if got := FromFileTime(tc.ft); !got.Equal(tc.t) {
			t.Errorf("FromFileTime(%d) = %v, want %v", tc.ft, got, tc.t)
		}
	}
	// Below 100 ns is truncated; before 1601 is clamped.
	if got := ToFileTime(time.Unix(0, 199)); got != 116444736000000001 {
		t.Errorf("ToFileTime truncation: got %d", got)
	}
	if got := ToFileTime(time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)); got != 0 {
		t.Errorf("ToFileTime(1500) = %d, want 0", got)
	}
}

// Hashes stored with names in chunks written by Windows.
func TestNameHashWindowsValues(t *testing.T) {
	tests := []struct {
		name string
		hash uint16
	}{
		{"Event", 0x0cba}, {"xmlns", 0x0fbc}, {"System", 0x546f}, {"Provider", 0x7bf1},
		{"Name", 0x954b}, {"Guid", 0x1529}, {"EventData", 0x8244}, {"Data", 0x6f8a},
	}
	for _, tc := range tests {
		if got := NameHash(tc.name); got != tc.hash {
			t.Errorf("NameHash(%q) = 0x%04x, want 0x%04x", tc.name, got, tc.hash)
		}
	}
}

// Every name in the string tables of the corpus' chunks carries the hash
// NameHash computes and sits in bucket hash mod 64.
func TestNameHashCorpus(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".evtx") && len(files) < 40 {
			files = append(files, p)
		}
		return nil
	})
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for off := evtxfile.FileHeaderSize; off+evtxfile.ChunkSize <= len(data); off += evtxfile.ChunkSize {
			c := data[off : off+evtxfile.ChunkSize]
			if !evtxfile.HasChunkSignature(c) {
				continue
			}
			for _, n := range tableNames(t, c) {
				if got := NameHash(n.text); got != n.hash || int(n.hash)%stringBuckets != n.bucket {
					t.Fatalf("%s: name %q: stored hash 0x%04x in bucket %d, NameHash 0x%04x", f, n.text, n.hash, n.bucket, got)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d names checked", checked)
	}
	t.Logf("%d names in %d files", checked, len(files))
}

type tableName struct {
	text   string
	hash   uint16
	bucket int
	offset uint32
}

// tableNames walks the string table chains of chunk c.
func tableNames(t *testing.T, c []byte) []tableName {
	t.Helper()
	le := binary.LittleEndian
	var out []tableName
	for i := 0; i < stringBuckets; i++ {
		for off, n := le.Uint32(c[stringTableOffset+4*i:]), 0; off != 0; n++ {
			if n > 1000 || int(off)+8 > len(c) {
				t.Fatalf("bucket %d: bad chain at 0x%x", i, off)
			}
			units := int(le.Uint16(c[off+6:]))
			if int(off)+8+2*units > len(c) {
				t.Fatalf("bucket %d: name at 0x%x runs past the chunk", i, off)
			}
			u := make([]uint16, units)
			for j := range u {
				u[j] = le.Uint16(c[int(off)+8+2*j:])
			}
			out = append(out, tableName{string(utf16.Decode(u)), le.Uint16(c[off+4:]), i, off})
			off = le.Uint32(c[off:])
		}
	}
	return out
}

func TestValueEncoding(t *testing.T) {
	sid, _ := ParseSID("S-1-5-18")
	g, _ := ParseGUID("{00112233-4455-6677-8899-AABBCCDDEEFF}")
	tests := []struct {
		name string
		v    Value
		typ  ValueType
		want []byte
	}{
		{"empty string", String(""), TypeString, []byte{}},
		{"ascii", String("ab"), TypeString, []byte{'a', 0, 'b', 0}},
		{"bmp", String("ü"), TypeString, []byte{0xfc, 0}},
		{"surrogate pair", String("😀"), TypeString, []byte{0x3d, 0xd8, 0x00, 0xde}},
		{"invalid utf-8", String("\xff"), TypeString, []byte{0xfd, 0xff}},
		{"uint8", UInt8(5), TypeUInt8, []byte{5}},
		{"uint16", UInt16(4688), TypeUInt16, []byte{0x50, 0x12}},
		{"uint32", UInt32(0x01020304), TypeUInt32, []byte{4, 3, 2, 1}},
		{"uint64", UInt64(1), TypeUInt64, []byte{1, 0, 0, 0, 0, 0, 0, 0}},
		{"hex32", HexInt32(0xea0), TypeHexInt32, []byte{0xa0, 0x0e, 0, 0}},
		{"hex64", HexInt64(0x3e7), TypeHexInt64, []byte{0xe7, 3, 0, 0, 0, 0, 0, 0}},
		{"filetime", FileTime(time.Unix(0, 0)), TypeFileTime, binary.LittleEndian.AppendUint64(nil, 116444736000000000)},
		{"sid", SIDValue(sid), TypeSID, []byte(sid)},
		{"guid", GUIDValue(g), TypeGUID, []byte{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
		{"null", Null(), TypeNull, []byte{}},
		{"true", Bool(true), TypeBool, []byte{1, 0, 0, 0}},
		{"false", Bool(false), TypeBool, []byte{0, 0, 0, 0}},
	}
	for _, tc := range tests {
		if tc.v.Type() != tc.typ {
			t.Errorf("%s: type %s, want %s", tc.name, tc.v.Type(), tc.typ)
		}
		got := make([]byte, tc.v.size())
		tc.v.put(got)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: encoded % x, want % x", tc.name, got, tc.want)
		}
	}
}

func TestCheckRejects(t *testing.T) {
	long := strings.Repeat("x", 40000)
	tests := []struct {
		name string
		ev   Event
	}{
		{"string value over 64 KiB", Event{Data: []Data{{Name: "CommandLine", Value: String(long)}}}},
		{"channel over 64 KiB", Event{Channel: long}},
		{"SizeT declared for a string", Event{Data: []Data{{Name: "NewProcessId", Value: String("1"), Decl: TypeSizeT}}}},
		{"declared type differs", Event{Data: []Data{{Name: "X", Value: UInt32(1), Decl: TypeUInt64}}}},
		{"malformed SID", Event{Data: []Data{{Name: "S", Value: SIDValue(SID{1, 2, 0})}}}},
		{"unsupported type", Event{Data: []Data{{Name: "B", Value: Value{typ: TypeBinXML}}}}},
		{"null Data value", Event{Data: []Data{{Name: "N", Value: Null(), Decl: TypeString}}}},
	}
	for _, tc := range tests {
		err := tc.ev.check()
		var ve *ValueError
		if !errors.As(err, &ve) {
			t.Errorf("%s: check() = %v, want a *ValueError", tc.name, err)
		}
	}
	ok := Event{Data: []Data{{Name: "NewProcessId", Value: HexInt64(1), Decl: TypeSizeT}, {Name: "N", Value: String(""), Decl: TypeString}}}
	if err := ok.check(); err != nil {
		t.Errorf("valid event rejected: %v", err)
	}
}
