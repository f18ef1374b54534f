package binxml

import "time"

// Reading System values as numbers and times, from one part or from the
// text of several.

func (s *state) staticTime(t *template, base, n int) (time.Time, bool, bool) {
	p, ok, simple := s.staticPart(t, slotTime, base, n)
	if !ok || !simple {
		return time.Time{}, ok, simple
	}
	return s.partTime(p), true, true
}

// partUint reads an integer value: integer types directly, text as
// decimal or 0x-hex (0 when it is neither).
func (s *state) partUint(p part) uint64 {
	if p.kind == partValue {
		v := s.bytesOf(p)
		switch p.vtype {
		case typeUint8, typeUint16, typeUint32, typeUint64, typeHexInt32, typeHexInt64, typeSizeT,
			typeInt8, typeInt16, typeInt32, typeInt64:
			if size, _ := fixedSize(p.vtype); len(v) == size || p.vtype == typeSizeT && len(v) == 4 {
				return leUint(v)
			}
			return 0
		}
	}
	s.buf = s.appendPart(s.buf[:0], p)
	return parseUint(s.buf)
}

// parseUint parses decimal or 0x-prefixed hex text, surrounded by spaces
// or not; anything else is 0.
func parseUint(b []byte) uint64 {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	base := uint64(10)
	if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		base, b = 16, b[2:]
	}
	if len(b) == 0 {
		return 0
	}
	var n uint64
	for _, c := range b {
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case base == 16 && 'a' <= lower(c) && lower(c) <= 'f':
			d = uint64(lower(c)-'a') + 10
		default:
			return 0
		}
		if n > (^uint64(0)-d)/base {
			return 0
		}
		n = n*base + d
	}
	return n
}

// partTime reads a time value: FILETIME or SYSTEMTIME, or text in the
// XML form; anything else is the zero time.
func (s *state) partTime(p part) time.Time {
	v := s.bytesOf(p)
	if p.kind == partValue {
		switch {
		case p.vtype == typeFileTime && len(v) == 8:
			return fileTime(leUint(v))
		case p.vtype == typeSystemTime && len(v) == 16:
			return systemTime(v)
		}
	}
	s.buf = s.appendPart(s.buf[:0], p)
	return parseTime(s.buf)
}

func (s *state) spanUint(sp span) uint64 {
	switch sp.n {
	case 0:
		return 0
	case 1:
		return s.partUint(s.parts[sp.first])
	}
	return parseUint(s.spanText(sp))
}

func (s *state) spanTime(sp span) time.Time {
	switch sp.n {
	case 0:
		return time.Time{}
	case 1:
		return s.partTime(s.parts[sp.first])
	}
	return parseTime(s.spanText(sp))
}

// parseTime reads a time written as text, as XML renders it; anything
// else is the zero time.
func parseTime(b []byte) time.Time {
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
