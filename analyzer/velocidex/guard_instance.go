package velocidex

// instance follows the parser's ParseTemplateInstance at c (after the
// token): the definition when the template id is new, the values, the
// expansion. It returns what the instance expands to and whether the
// token loop goes on.
func (m *mirror) instance(c *cursor) (tree arg, more bool) {
	if m.u8(c) != 0x01 {
		return arg{}, false
	}
	id := m.u32(c)
	if id == 0 || m.err != nil {
		return arg{}, false
	}
	m.skip(c, 4)
	count := m.u32(c)
	t, known := m.known[id]
	if !known {
		m.skip(c, 16)
		bodyLen := int(m.u32(c))
		body := *c
		// The parser registers the id before it parses the body: an
		// instance of it inside the body expands what is built so far.
		t = new(tmpl)
		m.known[id] = t
		m.charge(c, costCopy)
		m.nested(&body, t)
		m.skip(c, bodyLen)
		count = m.u32(c)
	}
	if m.err != nil {
		return arg{}, false
	}
	if rest := len(m.b) - int(*c); int64(count)*4 > int64(rest) {
		m.refuse(c, "template instance claims %d arguments, the chunk holds at most %d", count, rest/4)
		return arg{}, false
	}
	if !m.step(c, int(count)) {
		return arg{}, false
	}
	if m.charge(c, costInstance+int64(count)*costArg); m.err != nil {
		return arg{}, false // before the guard's own record of the values
	}
	// The descriptors (size, type) all lie inside the chunk (checked
	// above); the values follow them. Values of binary XML may hold
	// instances of their own, whose values go above these on m.args.
	base := len(m.args)
	m.args = append(m.args, make([]arg, count)...)
	desc := *c
	m.skip(c, 4*int(count))
	for i := 0; i < int(count) && m.err == nil; i++ {
		size, typ := int(m.u16(&desc)), m.u16(&desc)
		m.args[base+i] = m.value(c, size, typ)
	}
	built, tree := t.expand(m.args[base:])
	m.args = m.args[:base]
	m.charge(c, capped(built+m.pending(t)))
	return tree, m.err == nil
}

// nested follows a parse the parser starts on a copy of its context
// (a template definition body or a binary XML value).
func (m *mirror) nested(c *cursor, t *tmpl) {
	if m.depth++; m.depth > maxGuardDepth {
		m.refuse(c, "binary XML nested more than %d deep", maxGuardDepth)
		return
	}
	m.parse(c, t)
	m.depth--
}

// value follows the parser's read of one argument value and charges what
// reading it allocates.
func (m *mirror) value(c *cursor, size int, typ uint16) arg {
	switch typ {
	case 0x00: // null: skipped, no value
		m.skip(c, size)
		return arg{}
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
	case 0x13:
		return m.sid(c, size)
	case 0x21:
		return m.binXMLValue(c, size)
	case 0x01: // UTF-16 string
		return arg{weight: renderWeight(m.convert(c, size))}
	case 0x81: // UTF-16 strings, split at NULs
		n := m.convert(c, size)
		m.charge(c, splitCost(size))
		return arg{weight: renderWeight(n)}
	case 0x0e: // binary: kept in place, rendered in hexadecimal
		m.take(c, size)
		return arg{weight: 2 * renderWeight(size)}
	case 0x0f: // GUID
		m.take(c, size)
		m.charge(c, costGUID)
		return arg{weight: renderWeight(guidText)}
	default: // ANSI strings, unknown types: copied
		m.take(c, size)
		m.charge(c, strAlloc(size))
		return arg{weight: renderWeight(size)}
	}
	return arg{weight: costScalar}
}

// binXMLValue follows a binary XML value: parsed on a copy of the
// context, expanded without values, then skipped.
func (m *mirror) binXMLValue(c *cursor, size int) arg {
	v := *c
	var t tmpl
	m.charge(c, costCopy)
	m.nested(&v, &t)
	m.skip(c, size)
	built, tree := t.expand(nil)
	m.charge(c, built)
	return tree
}

// sid follows the parser's rendering of a SID: "S", the revision, the
// authority, then one "-%d" per 4 bytes of the declared size, each
// appended by string concatenation, which copies the string so far: the
// cost is quadratic in the number of parts.
func (m *mirror) sid(c *cursor, size int) arg {
	n := 2 + decimalDigits(m.uint(c, 1))
	m.uint(c, 1)
	m.take(c, 6)
	n += 1 + 15 // the authority, 48 bits
	cost := 2*strAlloc(n) + costScalar
	for i := 0; i < size-8; i += 4 {
		part := 1 + decimalDigits(m.uint(c, 4))
		n += part
		cost = capped(cost + strAlloc(part) + strAlloc(n))
	}
	m.charge(c, cost)
	return arg{weight: renderWeight(n)}
}

func decimalDigits(v uint64) int {
	n := 1
	for ; v >= 10; v /= 10 {
		n++
	}
	return n
}
