package velocidex

// parse follows one ParseBinXML call from c on a context whose template
// stack holds only its root, and accumulates what it builds into t. The
// open elements of the parse are frames on m.frames above base; the
// parser pops even its root (writes then go to a fresh template each
// time, which the guard charges as such).
func (m *mirror) parse(c *cursor, t *tmpl) {
	base := len(m.frames)
	m.frames = append(m.frames, frame{lastRef: -1}) // the root template
	t.base, t.open = base, true
	m.binXML(c, t, base)
	for len(m.frames) > base {
		m.pop(t, base)
	}
	t.open = false
}

// binXML follows the parser's token loop from c.
func (m *mirror) binXML(c *cursor, t *tmpl, base int) {
	for m.err == nil && m.step(c, 1) {
		tag := m.u8(c) // zero past the end: the end of the fragment
		switch tag {
		case 0x00:
			return
		case 0x01, 0x41: // open start element: an entry of its parent
			m.skip(c, 6)
			n := m.name(c, t)
			if tag == 0x41 {
				m.u32(c)
			}
			m.open(c, t, base, n == 0)
		case 0x02, 0x06, 0x46: // close start, attribute: the current template's key
			if tag != 0x02 {
				m.name(c, t)
			}
			if len(m.frames) == base {
				m.charge(c, costNode) // a fresh template, discarded
			}
		case 0x03, 0x04: // close element
			if len(m.frames) > base {
				m.pop(t, base)
			}
		case 0x07, 0x47, 0x08, 0x48, 0x09, 0x49, 0x0a, 0x0b:
			// The parser reads nothing more for these.
		case 0x05, 0x45: // value text
			m.u8(c)
			if n := m.text(c, false); n > 0 {
				t.strs = capped(t.strs + renderWeight(n))
			}
			m.set(c, t, base)
		case 0x0c:
			lit, more := m.instance(c)
			if !more {
				return
			}
			m.literal(c, t, base, lit)
		case 0x0d, 0x0e: // substitution
			id := m.u16(c)
			if m.u8(c) == 0 {
				m.u8(c)
			}
			m.substitution(c, t, base, id)
		case 0x0f:
			m.skip(c, 3)
		default:
			return
		}
	}
}

// name follows the parser's ReadName: a chunk offset, and the name read
// there (on a copy of the context unless it is the current offset). It
// returns the name's size (0: empty, as the parser drops trailing NULs).
// The name is a key of t's dictionaries: the decoder looks EventData
// keys up in lower case, once per expansion.
func (m *mirror) name(c *cursor, t *tmpl) (size int) {
	at := cursor(m.u32(c))
	if at != *c {
		m.charge(c, costCopy)
		m.skip(&at, 6)
		size = m.text(&at, true)
	} else {
		m.skip(c, 6)
		size = m.text(c, true)
	}
	t.strs = capped(t.strs + strAlloc(2*size))
	return size
}

// text follows ReadPrefixedUnicodeString: a length-prefixed UTF-16
// string, converted to UTF-8. It returns convert's size.
func (m *mirror) text(c *cursor, nulTerminated bool) (size int) {
	n := int(m.u16(c))
	if nulTerminated {
		n++
	}
	return m.convert(c, 2*n)
}

// convert follows UTF16LEToUTF8 on n bytes taken at c, which drops
// trailing NULs before converting; past the chunk end the bytes are
// zeros. It returns n, or 0 when the string comes out empty.
func (m *mirror) convert(c *cursor, n int) (size int) {
	if int(*c)+n > len(m.b) {
		m.take(c, n)
		m.charge(c, strAlloc(n)+costScalar)
		return 0
	}
	for _, x := range m.b[*c : int(*c)+n] {
		if x != 0 {
			size = n
			break
		}
	}
	m.take(c, n)
	m.charge(c, utf16Cost(n))
	return size
}
