package binxml

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// valueDesc locates one substitution value of a template instance.
type valueDesc struct {
	off  uint32 // chunk offset of the value's bytes
	size uint16
	typ  uint8
}

// readValues reads the value descriptors and locates the values of a
// template instance whose value count is at p, appending them to s.vals.
// It returns the index of the first and the position after the values.
func (s *state) readValues(p, end uint32) (base int, next uint32, f failure) {
	b := s.chunk
	if p+4 > end {
		return 0, 0, failure{kind: failMalformed, off: p, what: "template instance value count runs past the record"}
	}
	n := binary.LittleEndian.Uint32(b[p:])
	if n > maxValues || uint64(p)+4+4*uint64(n) > uint64(end) {
		return 0, 0, failure{kind: failMalformed, off: p, what: "template instance has an impossible value count", val: uint64(n)}
	}
	base = len(s.vals)
	desc := p + 4
	off := desc + 4*n
	for i := uint32(0); i < n; i++ {
		d := b[desc+4*i : desc+4*i+4]
		size := binary.LittleEndian.Uint16(d)
		s.vals = append(s.vals, valueDesc{off: off, size: size, typ: d[2]})
		off += uint32(size)
	}
	if off > end {
		return 0, 0, failure{kind: failMalformed, off: p, what: "template instance values run past the record", val: uint64(off - end)}
	}
	return base, off, failure{}
}

// partKind is the kind of one piece of a value in a record view.
type partKind uint8

const (
	partText   partKind = iota + 1 // literal UTF-16 text
	partValue                      // a typed substitution value
	partChar                       // a character reference; off is the code point
	partEntity                     // an entity reference; off, n locate its name
)

// part is one piece of a value: literal text of the template or a
// substitution value of the record, located in the chunk.
type part struct {
	kind  partKind
	vtype uint8
	off   uint32
	n     uint32
}

func (s *state) bytesOf(p part) []byte { return s.chunk[p.off : p.off+p.n] }

// appendPart appends the text of p to dst as UTF-8, charging it to the
// chunk's rendering budget.
func (s *state) appendPart(dst []byte, p part) []byte {
	before := len(dst)
	dst = s.renderPart(dst, p)
	s.rendered += len(dst) - before
	return dst
}

func (s *state) renderPart(dst []byte, p part) []byte {
	switch p.kind {
	case partText:
		return appendUTF16(dst, s.bytesOf(p))
	case partChar:
		return utf8.AppendRune(dst, rune(p.off))
	case partEntity:
		return appendEntity(dst, s.bytesOf(p))
	case partValue:
		return appendValue(dst, p.vtype, s.bytesOf(p))
	}
	return dst
}

// appendEntity appends the character an XML entity reference stands for.
func appendEntity(dst, name []byte) []byte {
	for _, e := range [...]struct {
		name string
		c    byte
	}{{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}} {
		if utf16EqualASCII(name, e.name, false) {
			return append(dst, e.c)
		}
	}
	dst = append(dst, '&')
	dst = appendUTF16(dst, name)
	return append(dst, ';')
}

// appendValue appends the text of a substitution value of type typ, as
// Windows renders it in event XML: strings as they are (trailing NULs
// dropped), integers in decimal, hex types as 0x..., GUIDs in braces,
// times with seven fractional digits, binary as upper-case hex.
func appendValue(dst []byte, typ uint8, v []byte) []byte {
	if typ&typeArray != 0 {
		return appendArray(dst, typ&^typeArray, v)
	}
	le := binary.LittleEndian
	switch typ {
	case typeNull, typeBinXML, typeEvtHandle, typeEvtXML:
		return dst
	case typeString:
		return appendUTF16(dst, trimUTF16NUL(v))
	case typeANSIString:
		for len(v) > 0 && v[len(v)-1] == 0 {
			v = v[:len(v)-1]
		}
		return append(dst, v...)
	}
	size, ok := fixedSize(typ)
	switch {
	case !ok:
		return appendHex(dst, v)
	case typ == typeSID:
	case typ == typeSizeT && len(v) == 4:
	case typ == typeBool && len(v) >= 1 && len(v) <= 8:
	case len(v) != size:
		return appendHex(dst, v)
	}
	switch typ {
	case typeInt8:
		return strconv.AppendInt(dst, int64(int8(v[0])), 10)
	case typeUint8:
		return strconv.AppendUint(dst, uint64(v[0]), 10)
	case typeInt16:
		return strconv.AppendInt(dst, int64(int16(le.Uint16(v))), 10)
	case typeUint16:
		return strconv.AppendUint(dst, uint64(le.Uint16(v)), 10)
	case typeInt32:
		return strconv.AppendInt(dst, int64(int32(le.Uint32(v))), 10)
	case typeUint32:
		return strconv.AppendUint(dst, uint64(le.Uint32(v)), 10)
	case typeInt64:
		return strconv.AppendInt(dst, int64(le.Uint64(v)), 10)
	case typeUint64:
		return strconv.AppendUint(dst, le.Uint64(v), 10)
	case typeFloat32:
		return strconv.AppendFloat(dst, float64(math.Float32frombits(le.Uint32(v))), 'g', -1, 32)
	case typeFloat64:
		return strconv.AppendFloat(dst, math.Float64frombits(le.Uint64(v)), 'g', -1, 64)
	case typeBool:
		return strconv.AppendBool(dst, leUint(v) != 0)
	case typeGUID:
		return appendGUID(dst, v)
	case typeHexInt32, typeHexInt64, typeSizeT:
		return strconv.AppendUint(append(dst, '0', 'x'), leUint(v), 16)
	case typeFileTime:
		return appendFileTime(dst, le.Uint64(v))
	case typeSystemTime:
		return appendSystemTime(dst, v)
	case typeSID:
		return appendSID(dst, v)
	}
	return appendHex(dst, v)
}

// fixedSize returns the size of a fixed-size value type; SIDs report
// their own size.
func fixedSize(typ uint8) (int, bool) {
	switch typ {
	case typeInt8, typeUint8:
		return 1, true
	case typeInt16, typeUint16:
		return 2, true
	case typeInt32, typeUint32, typeFloat32, typeBool, typeHexInt32:
		return 4, true
	case typeInt64, typeUint64, typeFloat64, typeFileTime, typeHexInt64, typeSizeT:
		return 8, true
	case typeGUID, typeSystemTime:
		return 16, true
	case typeSID:
		return -1, true
	}
	return 0, false
}

// leUint reads a little-endian unsigned integer of 1 to 8 bytes.
func leUint(v []byte) uint64 {
	var n uint64
	for i := len(v) - 1; i >= 0 && i < 8; i-- {
		n = n<<8 | uint64(v[i])
	}
	return n
}

const hexDigits = "0123456789ABCDEF"

func appendHex(dst, v []byte) []byte {
	for _, c := range v {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// appendGUID renders a 16-byte GUID as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}:
// three little-endian numbers, then eight bytes in order.
func appendGUID(dst, v []byte) []byte {
	dst = append(dst, '{')
	dst = appendHex(dst, []byte{v[3], v[2], v[1], v[0]})
	dst = append(dst, '-')
	dst = appendHex(dst, []byte{v[5], v[4]})
	dst = append(dst, '-')
	dst = appendHex(dst, []byte{v[7], v[6]})
	dst = append(dst, '-')
	dst = appendHex(dst, v[8:10])
	dst = append(dst, '-')
	dst = appendHex(dst, v[10:16])
	return append(dst, '}')
}

// appendSID renders a binary SID as S-R-A-S1-S2-...
func appendSID(dst, v []byte) []byte {
	if len(v) < 8 {
		return appendHex(dst, v)
	}
	count := int(v[1])
	if 8+4*count > len(v) {
		count = (len(v) - 8) / 4
	}
	var auth uint64
	for _, c := range v[2:8] {
		auth = auth<<8 | uint64(c)
	}
	dst = append(dst, 'S', '-')
	dst = strconv.AppendUint(dst, uint64(v[0]), 10)
	dst = append(dst, '-')
	if auth >= 1<<32 {
		dst = strconv.AppendUint(append(dst, '0', 'x'), auth, 16)
	} else {
		dst = strconv.AppendUint(dst, auth, 10)
	}
	for i := 0; i < count; i++ {
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(v[8+4*i:])), 10)
	}
	return dst
}

// fileTimeEpoch is the FILETIME of the Unix epoch, in 100 ns ticks.
const fileTimeEpoch = 116444736000000000

// fileTime converts a FILETIME (100 ns ticks since 1601) to a UTC time
// with its full precision.
func fileTime(ft uint64) time.Time {
	secs := int64(ft/10_000_000) - fileTimeEpoch/10_000_000
	return time.Unix(secs, int64(ft%10_000_000)*100).UTC()
}

func appendFileTime(dst []byte, ft uint64) []byte {
	return fileTime(ft).AppendFormat(dst, event.TimeLayout)
}

// systemTime converts a 16-byte SYSTEMTIME (year, month, weekday, day,
// hour, minute, second, milliseconds) to a UTC time.
func systemTime(v []byte) time.Time {
	le := binary.LittleEndian
	f := func(i int) int { return int(le.Uint16(v[2*i:])) }
	return time.Date(f(0), time.Month(f(1)), f(3), f(4), f(5), f(6), f(7)*int(time.Millisecond), time.UTC)
}

func appendSystemTime(dst, v []byte) []byte {
	return systemTime(v).AppendFormat(dst, event.TimeLayout)
}
