package velocidex

// instance follows the parser's ParseTemplateInstance at c (after the
// token). It returns the nodes it adds and whether the token loop goes on.
func (m *mirror) instance(c *cursor) (nodes int, more bool) {
	if m.u8(c) != 0x01 {
		return 0, false
	}
	id := m.u32(c)
	if id == 0 || m.err != nil {
		return 0, false
	}
	m.skip(c, 4)
	count := m.u32(c)
	size, known := m.known[id]
	if !known {
		m.skip(c, 16)
		bodyLen := int(m.u32(c))
		body := *c
		m.known[id] = 0 // the parser registers the id before its body
		size = m.nested(&body)
		m.known[id] = size
		m.skip(c, bodyLen)
		count = m.u32(c)
	}
	if m.err != nil {
		return 0, false
	}
	if rest := len(m.b) - int(*c); int64(count)*4 > int64(rest) {
		m.refuse(c, "template instance claims %d arguments, the chunk holds at most %d", count, rest/4)
		return 0, false
	}
	// The descriptors (size, type) all lie inside the chunk (checked
	// above); the values follow them.
	desc := *c
	m.skip(c, 4*int(count))
	for range count {
		size, typ := int(m.u16(&desc)), m.u16(&desc)
		m.value(c, size, typ)
	}
	m.spend(c, size)
	return 1, m.err == nil
}

// nested follows a parse the parser starts on a copy of its context
// (a template definition body or a binary XML value).
func (m *mirror) nested(c *cursor) int {
	if m.depth++; m.depth > maxGuardDepth {
		m.refuse(c, "binary XML nested more than %d deep", maxGuardDepth)
		return 0
	}
	n := m.binXML(c)
	m.depth--
	return n
}

// value follows the parser's read of one argument value.
func (m *mirror) value(c *cursor, size int, typ uint16) {
	switch typ {
	case 0x00: // null: skipped
		m.skip(c, size)
	case 0x04:
		m.uint(c, 1)
	case 0x06:
		m.uint(c, 2)
	case 0x08, 0x14:
		m.uint(c, 4)
	case 0x0a, 0x11, 0x15:
		m.uint(c, 8)
	case 0x0d:
		switch size {
		case 1, 2, 4, 8:
			m.uint(c, size)
		}
	case 0x13: // SID: revision, count, 6-byte authority, 4-byte parts
		m.uint(c, 1)
		m.uint(c, 1)
		m.take(c, 6)
		for i := 0; i < size-8; i += 4 {
			m.uint(c, 4)
		}
	case 0x21: // binary XML, parsed on a copy, then skipped
		v := *c
		m.spend(c, m.nested(&v))
		m.skip(c, size)
	default: // strings, binary, GUIDs and unknown types
		m.take(c, size)
	}
}
