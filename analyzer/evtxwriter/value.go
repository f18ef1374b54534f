package evtxwriter

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// ValueType is a binary XML substitution value type.
type ValueType uint8

// The value types this package writes. SizeT is only declared in
// templates: Windows declares process ids as SizeT and stores them as
// HexInt64 (HexInt32 on 32-bit systems).
const (
	TypeNull     ValueType = 0x00
	TypeString   ValueType = 0x01
	TypeUInt8    ValueType = 0x04
	TypeUInt16   ValueType = 0x06
	TypeUInt32   ValueType = 0x08
	TypeUInt64   ValueType = 0x0a
	TypeBool     ValueType = 0x0d
	TypeGUID     ValueType = 0x0f
	TypeSizeT    ValueType = 0x10
	TypeFileTime ValueType = 0x11
	TypeSID      ValueType = 0x13
	TypeHexInt32 ValueType = 0x14
	TypeHexInt64 ValueType = 0x15
	TypeBinXML   ValueType = 0x21
)

var typeNames = map[ValueType]string{
	TypeNull: "Null", TypeString: "String", TypeUInt8: "UInt8", TypeUInt16: "UInt16",
	TypeUInt32: "UInt32", TypeUInt64: "UInt64", TypeBool: "Bool", TypeGUID: "GUID", TypeSizeT: "SizeT",
	TypeFileTime: "FileTime", TypeSID: "SID", TypeHexInt32: "HexInt32", TypeHexInt64: "HexInt64",
	TypeBinXML: "BinXml",
}

func (t ValueType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("0x%02x", uint8(t))
}

// maxValueSize is the largest value a template instance can hold: its size
// is a 16-bit field.
const maxValueSize = 0xffff

// Value is one typed substitution value. The zero Value is Null.
type Value struct {
	typ ValueType
	num uint64
	str string
	raw []byte // GUID or SID bytes
}

// Type returns the value's type.
func (v Value) Type() ValueType { return v.typ }

// Null returns the null value: an optional element or attribute that
// substitutes it is left out.
func Null() Value { return Value{} }

// String returns a UTF-16 string value. Invalid UTF-8 is written as U+FFFD.
func String(s string) Value { return Value{typ: TypeString, str: s} }

// UInt8 returns an unsigned 8-bit value.
func UInt8(n uint8) Value { return Value{typ: TypeUInt8, num: uint64(n)} }

// UInt16 returns an unsigned 16-bit value.
func UInt16(n uint16) Value { return Value{typ: TypeUInt16, num: uint64(n)} }

// UInt32 returns an unsigned 32-bit value.
func UInt32(n uint32) Value { return Value{typ: TypeUInt32, num: uint64(n)} }

// UInt64 returns an unsigned 64-bit value.
func UInt64(n uint64) Value { return Value{typ: TypeUInt64, num: n} }

// Bool returns a boolean value, stored in 32 bits as Windows stores it.
func Bool(b bool) Value {
	if b {
		return Value{typ: TypeBool, num: 1}
	}
	return Value{typ: TypeBool}
}

// HexInt32 returns a 32-bit value that parsers render in hexadecimal.
func HexInt32(n uint32) Value { return Value{typ: TypeHexInt32, num: uint64(n)} }

// HexInt64 returns a 64-bit value that parsers render in hexadecimal.
func HexInt64(n uint64) Value { return Value{typ: TypeHexInt64, num: n} }

// FileTime returns a FILETIME value (100 ns ticks since 1601-01-01 UTC);
// t keeps its full 100 ns precision.
func FileTime(t time.Time) Value { return Value{typ: TypeFileTime, num: ToFileTime(t)} }

// GUIDValue returns a GUID value.
func GUIDValue(g GUID) Value { return Value{typ: TypeGUID, raw: g[:]} }

// SIDValue returns a SID value.
func SIDValue(s SID) Value { return Value{typ: TypeSID, raw: s} }

// size returns the number of bytes the value occupies in a template
// instance.
func (v Value) size() int {
	switch v.typ {
	case TypeNull:
		return 0
	case TypeString:
		return 2 * utf16Len(v.str)
	case TypeUInt8:
		return 1
	case TypeUInt16:
		return 2
	case TypeUInt32, TypeHexInt32, TypeBool:
		return 4
	case TypeUInt64, TypeHexInt64, TypeFileTime:
		return 8
	}
	return len(v.raw)
}

// put writes the value's bytes into b, which is v.size() long.
func (v Value) put(b []byte) {
	le := binary.LittleEndian
	switch v.typ {
	case TypeString:
		putUTF16(b, v.str)
	case TypeUInt8:
		b[0] = uint8(v.num)
	case TypeUInt16:
		le.PutUint16(b, uint16(v.num))
	case TypeUInt32, TypeHexInt32, TypeBool:
		le.PutUint32(b, uint32(v.num))
	case TypeUInt64, TypeHexInt64, TypeFileTime:
		le.PutUint64(b, v.num)
	default:
		copy(b, v.raw)
	}
}

// utf16Len returns the number of UTF-16 code units of s.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 && r <= utf8.MaxRune {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// putUTF16 writes s as UTF-16 little-endian into b.
func putUTF16(b []byte, s string) {
	i := 0
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			binary.LittleEndian.PutUint16(b[i:], uint16(r1))
			binary.LittleEndian.PutUint16(b[i+2:], uint16(r2))
			i += 4
			continue
		}
		binary.LittleEndian.PutUint16(b[i:], uint16(r))
		i += 2
	}
}

// fileTimeEpoch is 1601-01-01 in Unix seconds.
const fileTimeEpoch = -11644473600

// ToFileTime converts t to a FILETIME, truncated to 100 ns. Times before
// 1601 become 0.
func ToFileTime(t time.Time) uint64 {
	sec := t.Unix() - fileTimeEpoch
	if sec < 0 {
		return 0
	}
	return uint64(sec)*10_000_000 + uint64(t.Nanosecond()/100)
}

// FromFileTime converts a FILETIME to a UTC time.
func FromFileTime(ft uint64) time.Time {
	return time.Unix(int64(ft/10_000_000)+fileTimeEpoch, int64(ft%10_000_000)*100).UTC()
}

// GUID is a GUID in its stored form: the first three groups little-endian,
// the last two as bytes.
type GUID [16]byte

// ParseGUID reads a GUID written as Windows prints it, with or without
// braces, in any case.
func ParseGUID(s string) (GUID, error) {
	var g GUID
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "{"), "}")
	parts := strings.Split(t, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[1]) != 4 || len(parts[2]) != 4 ||
		len(parts[3]) != 4 || len(parts[4]) != 12 {
		return g, fmt.Errorf("not a GUID: %q", s)
	}
	d1, err1 := strconv.ParseUint(parts[0], 16, 32)
	d2, err2 := strconv.ParseUint(parts[1], 16, 16)
	d3, err3 := strconv.ParseUint(parts[2], 16, 16)
	if err1 != nil || err2 != nil || err3 != nil {
		return g, fmt.Errorf("not a GUID: %q", s)
	}
	binary.LittleEndian.PutUint32(g[0:], uint32(d1))
	binary.LittleEndian.PutUint16(g[4:], uint16(d2))
	binary.LittleEndian.PutUint16(g[6:], uint16(d3))
	tail := parts[3] + parts[4]
	for i := 0; i < 8; i++ {
		b, err := strconv.ParseUint(tail[2*i:2*i+2], 16, 8)
		if err != nil {
			return g, fmt.Errorf("not a GUID: %q", s)
		}
		g[8+i] = byte(b)
	}
	return g, nil
}

// String renders g as Windows does: upper case, in braces.
func (g GUID) String() string {
	le := binary.LittleEndian
	return fmt.Sprintf("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
		le.Uint32(g[0:]), le.Uint16(g[4:]), le.Uint16(g[6:]),
		g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15])
}

// IsZero reports whether g is all zeros.
func (g GUID) IsZero() bool { return g == GUID{} }

// SID is a security identifier in its binary form.
type SID []byte

// maxSubAuthorities is the most sub-authorities a SID can have.
const maxSubAuthorities = 15

// ParseSID reads a SID written as S-1-5-21-...; the identifier authority
// may be decimal or 0x-hex.
func ParseSID(s string) (SID, error) {
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "S") {
		return nil, fmt.Errorf("not a SID: %q", s)
	}
	rev, err := strconv.ParseUint(parts[1], 10, 8)
	if err != nil {
		return nil, fmt.Errorf("not a SID: %q: bad revision", s)
	}
	auth, err := strconv.ParseUint(parts[2], 0, 48)
	if err != nil {
		return nil, fmt.Errorf("not a SID: %q: bad identifier authority", s)
	}
	subs := parts[3:]
	if len(subs) > maxSubAuthorities {
		return nil, fmt.Errorf("not a SID: %q: more than %d sub-authorities", s, maxSubAuthorities)
	}
	b := make(SID, 8+4*len(subs))
	b[0] = byte(rev)
	b[1] = byte(len(subs))
	for i := 0; i < 6; i++ {
		b[2+i] = byte(auth >> (8 * (5 - i)))
	}
	for i, p := range subs {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("not a SID: %q: bad sub-authority %q", s, p)
		}
		binary.LittleEndian.PutUint32(b[8+4*i:], uint32(n))
	}
	return b, nil
}

// String renders the SID as S-1-5-...
func (s SID) String() string {
	if len(s) < 8 {
		return ""
	}
	var auth uint64
	for _, x := range s[2:8] {
		auth = auth<<8 | uint64(x)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "S-%d-%d", s[0], auth)
	for i := 8; i+4 <= len(s); i += 4 {
		fmt.Fprintf(&sb, "-%d", binary.LittleEndian.Uint32(s[i:]))
	}
	return sb.String()
}
