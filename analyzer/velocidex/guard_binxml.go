package velocidex

// parse follows one ParseBinXML call from c on a context whose template
// stack holds only its root, and accumulates what it builds into t. The
// open elements of the parse are frames on m.frames above base; the
// parser pops even its root (writes then go to a fresh template each
// time, which the guard charges as such).
func (m *mirror) parse(c *cursor, t *tmpl) {
	base := len(m.frames)
	m.frames = append(m.frames, frame{}) // the root template
	m.binXML(c, t, base)
	m.frames = m.frames[:base]
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
			m.name(c)
			if tag == 0x41 {
				m.u32(c)
			}
			m.set(c, t, base)
			if top := len(m.frames) - 1; top >= base {
				m.frames[top].kids++
				t.maxKids = max(t.maxKids, m.frames[top].kids)
			}
			m.frames = append(m.frames, frame{})
			m.build(c, t, costNode)
		case 0x02, 0x06, 0x46: // close start, attribute: the current template's key
			if tag != 0x02 {
				m.name(c)
			}
			if len(m.frames) == base {
				m.charge(c, costNode) // a fresh template, discarded
			}
		case 0x03, 0x04: // close element
			if len(m.frames) > base {
				m.frames = m.frames[:len(m.frames)-1]
			}
		case 0x07, 0x47, 0x08, 0x48, 0x09, 0x49, 0x0a, 0x0b:
			// The parser reads nothing more for these.
		case 0x05, 0x45: // value text
			m.u8(c)
			m.text(c, false)
			m.set(c, t, base)
		case 0x0c:
			lit, more := m.instance(c)
			if !more {
				return
			}
			m.set(c, t, base)
			t.lits.add(lit)
			t.litN++
		case 0x0d, 0x0e: // substitution
			id := m.u16(c)
			if m.u8(c) == 0 {
				m.u8(c)
			}
			m.set(c, t, base)
			t.refs = append(t.refs, id)
		case 0x0f:
			m.skip(c, 3)
		default:
			return
		}
	}
}

// frame is an open element of a parse.
type frame struct {
	sets int // entries set in its dictionary
	kids int // child elements
}

// set follows one entry set in the current template's dictionary
// (SetNested, SetLiteral, SetExpansion): into the innermost open
// element, or into a fresh template when the parse popped them all.
// Every expansion sets it again, in a dictionary of distinct keys.
func (m *mirror) set(c *cursor, t *tmpl, base int) {
	top := len(m.frames) - 1
	if top < base {
		m.charge(c, costNode+setCost(0)) // a fresh template, discarded
		return
	}
	s := m.frames[top].sets
	m.frames[top].sets++
	t.maxSets = max(t.maxSets, s+1)
	m.charge(c, setCost(s))
	t.built += costEntry
}

// build charges n bytes of t's structure: allocated once by the parse
// and again by every expansion.
func (m *mirror) build(c *cursor, t *tmpl, n int64) {
	t.built += n
	m.charge(c, n)
}

// name follows the parser's ReadName: a chunk offset, and the name read
// there (on a copy of the context unless it is the current offset).
func (m *mirror) name(c *cursor) {
	at := cursor(m.u32(c))
	if at != *c {
		m.charge(c, costCopy)
		m.skip(&at, 6)
		m.text(&at, true)
		return
	}
	m.skip(c, 6)
	m.text(c, true)
}

// text follows ReadPrefixedUnicodeString: a length-prefixed UTF-16
// string, converted to UTF-8.
func (m *mirror) text(c *cursor, nulTerminated bool) {
	n := int(m.u16(c))
	if nulTerminated {
		n++
	}
	m.convert(c, 2*n)
}

// convert follows UTF16LEToUTF8 on n bytes taken at c. Past the chunk
// end they are zeros, which it drops before converting anything.
func (m *mirror) convert(c *cursor, n int) {
	if int(*c)+n > len(m.b) {
		m.take(c, n)
		m.charge(c, strAlloc(n)+costScalar)
		return
	}
	m.take(c, n)
	m.charge(c, utf16Cost(n))
}
