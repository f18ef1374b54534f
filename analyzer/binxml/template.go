package binxml

import "encoding/binary"

// nodeKind is the kind of one compiled template node.
type nodeKind uint8

const (
	nodeOpen    nodeKind = iota + 1 // element start; class is the name's class
	nodeContent                     // end of the attribute list, content follows
	nodeClose                       // element end (also of an empty element)
	nodeAttr                        // attribute; its value nodes follow it
	nodeText                        // literal UTF-16 text (value text or CDATA)
	nodeSubst                       // substitution of value index off
	nodeCharRef                     // character reference; off is the code point
	nodeEntity                      // entity reference; off, n locate its name
)

// node is one compiled token of a template definition. Text and names stay
// in the chunk: off and n locate them (chunk offset, byte length).
type node struct {
	kind  nodeKind
	class nameClass // nodeOpen, nodeAttr
	vtype uint8     // nodeSubst: the declared value type
	off   uint32    // nodeOpen: where the element's name is (n bytes)
	n     uint32
}

// slot is a System value of a record. The skip path reads the first
// ones (EventID, Provider, Channel, TimeCreated, Computer); the others
// are read only for the records decoded in full.
type slot uint8

const (
	slotProvider slot = iota // Provider/@Name
	slotEventID
	slotVersion
	slotTime // TimeCreated/@SystemTime
	slotRecordID
	slotChannel
	slotComputer
	slotProviderGUID // Provider/@Guid
	slotLevel
	slotTask
	slotOpcode
	slotKeywords
	slotUserID    // Security/@UserID
	slotProcessID // Execution/@ProcessID
	slotThreadID  // Execution/@ThreadID
	numSlots

	// firstLazySlot is the first of the slots only general events read:
	// the static view resolves them when they are asked for (lazySlot).
	firstLazySlot = slotProviderGUID
)

// span is a run of nodes (in a template) or parts (in a record view).
type span struct{ first, n uint32 }

// template is a compiled template definition (or a fragment of elements
// written without one), cached per chunk by its offset.
type template struct {
	key        uint32
	first, end uint32 // its nodes, in state.nodes
	top        shape  // read from the top of a record
	inner      shape  // read from the context of a substitution it is nested in
	fast       bool   // top holds EventID: the skip path may use it
	fail       failure
}

// Cache keys: a template definition is keyed by its offset; a fragment of
// plain elements by its offset with this bit set.
const fragmentKey = 1 << 31

// cacheSlots is the size of the open-addressing table of templates.
const cacheSlots = 2 * maxTemplates

type cacheEntry struct {
	key, gen uint32
	idx      int32
}

// lookupTemplate returns the index of the cached template with this key,
// or -1 and the table slot where it belongs.
func (s *state) lookupTemplate(key uint32) (idx int32, at int) {
	h := int((key * 2654435761) >> 21 & (cacheSlots - 1))
	for i := 0; i < cacheSlots; i++ {
		e := &s.cache[h]
		if e.gen != s.gen {
			return -1, h
		}
		if e.key == key {
			return e.idx, h
		}
		h = (h + 1) & (cacheSlots - 1)
	}
	return -1, -1
}

// templateAt returns the compiled template definition at chunk offset off,
// compiling it on first use.
func (s *state) templateAt(off uint32) *template {
	idx, at := s.lookupTemplate(off)
	if idx >= 0 {
		return &s.templates[idx]
	}
	if at < 0 || len(s.templates) >= maxTemplates {
		return s.tooMany(off)
	}
	var t template
	t.key = off
	b := s.chunk
	switch {
	case uint64(off)+templateDefHeader > uint64(len(b)):
		t.fail = failure{kind: failMalformed, off: off, what: "template definition header outside the chunk"}
	default:
		size := binary.LittleEndian.Uint32(b[off+20:])
		start := off + templateDefHeader
		if uint64(start)+uint64(size) > uint64(len(b)) {
			t.fail = failure{kind: failMalformed, off: off, what: "template definition runs past the chunk end", val: uint64(size)}
			break
		}
		s.compile(&t, start, start+size, true)
	}
	return s.storeTemplate(t, at)
}

// fragmentAt returns the compiled elements of a fragment that has no
// template instance, found at chunk offset [off, end).
func (s *state) fragmentAt(off, end uint32) *template {
	key := off | fragmentKey
	idx, at := s.lookupTemplate(key)
	if idx >= 0 {
		return &s.templates[idx]
	}
	if at < 0 || len(s.templates) >= maxTemplates {
		return s.tooMany(off)
	}
	t := template{key: key}
	s.compile(&t, off, end, s.hasDependencyIDs(off, end))
	return s.storeTemplate(t, at)
}

// tooMany returns the failed template that stands for every template past
// the chunk's limit; the table (whose storage is never reallocated, so
// pointers into it stay valid) does not grow.
func (s *state) tooMany(off uint32) *template {
	s.overflow = template{fail: failure{kind: failMalformed, off: off, what: "too many template definitions in one chunk"}}
	return &s.overflow
}

func (s *state) storeTemplate(t template, at int) *template {
	s.templates = append(s.templates, t)
	idx := int32(len(s.templates) - 1)
	if at >= 0 {
		s.cache[at] = cacheEntry{key: t.key, gen: s.gen, idx: idx}
	}
	return &s.templates[idx]
}

// compile turns the binary XML in [p, end) into nodes of t, then finds the
// System values it holds. Failures are kept in t.fail. dep says whether
// element start tokens carry a dependency identifier.
func (s *state) compile(t *template, p, end uint32, dep bool) {
	s.compiledBytes += int(end - p)
	if s.compiledBytes > maxCompileBytes {
		t.fail = failure{kind: failMalformed, off: p, what: "template bytes of the chunk exceed the budget"}
		return
	}
	t.first = uint32(len(s.nodes))
	t.fail = s.compileTokens(p, end, dep)
	t.end = uint32(len(s.nodes))
	if t.fail.kind == 0 {
		s.findShape(t, &t.top, ctxTop)
		t.fast = t.top.slots[slotEventID].n > 0
	}
}

// compileTokens appends the nodes of the tokens in [p, end) up to an
// end-of-fragment token.
func (s *state) compileTokens(p, end uint32, dep bool) failure {
	b := s.chunk[:end]
	depth := 0
	for {
		if p >= end {
			return failure{kind: failMalformed, off: p, what: "binary XML ends without an end-of-fragment token"}
		}
		if len(s.nodes) >= maxNodes {
			return failure{kind: failMalformed, off: p, what: "template nodes of the chunk exceed the budget"}
		}
		tok := b[p]
		if tok&tokFlagMore != 0 && !flagAllowed(tok&^tokFlagMore) {
			return failure{kind: failMalformed, off: p, what: "unknown binary XML token", val: uint64(tok)}
		}
		var next uint32
		var ok bool
		switch tok &^ tokFlagMore {
		case tokEOF:
			if depth != 0 {
				return failure{kind: failMalformed, off: p, what: "end of fragment inside an open element"}
			}
			return failure{}
		case tokFragmentHeader:
			next, ok = p+4, p+4 <= end
		case tokOpenStart:
			if depth++; depth > maxDepth {
				return failure{kind: failMalformed, off: p, what: "elements nested too deeply"}
			}
			next, ok = s.compileOpen(p, end, tok&tokFlagMore != 0, dep)
		case tokCloseStart:
			next, ok = p+1, true
			s.nodes = append(s.nodes, node{kind: nodeContent})
		case tokCloseEmpty, tokEndElement:
			if depth--; depth < 0 {
				return failure{kind: failMalformed, off: p, what: "element end without an element"}
			}
			next, ok = p+1, true
			s.nodes = append(s.nodes, node{kind: nodeClose})
		case tokAttribute:
			var name span
			name, next, ok = s.nameRef(p+1, end)
			s.nodes = append(s.nodes, node{kind: nodeAttr, class: s.classify(name)})
		case tokValue, tokCDATA, tokPIData:
			next, ok = s.compileText(p, end, tok&^tokFlagMore)
		case tokCharRef:
			next, ok = p+3, p+3 <= end
			if ok {
				s.nodes = append(s.nodes, node{kind: nodeCharRef, off: uint32(binary.LittleEndian.Uint16(b[p+1:]))})
			}
		case tokEntityRef, tokPITarget:
			var name span
			name, next, ok = s.nameRef(p+1, end)
			if ok && tok&^tokFlagMore == tokEntityRef {
				s.nodes = append(s.nodes, node{kind: nodeEntity, off: name.first, n: name.n})
			}
		case tokNormalSubst, tokOptionalSubst:
			next, ok = p+4, p+4 <= end
			if ok {
				s.nodes = append(s.nodes, node{kind: nodeSubst, vtype: b[p+3], off: uint32(binary.LittleEndian.Uint16(b[p+1:]))})
			}
		case tokTemplateInstance:
			return failure{kind: failUnsupported, off: p, what: "template instance inside a template definition"}
		default:
			return failure{kind: failMalformed, off: p, what: "unknown binary XML token", val: uint64(tok)}
		}
		if !ok {
			return failure{kind: failMalformed, off: p, what: "binary XML token runs past its fragment", val: uint64(tok)}
		}
		p = next
	}
}

// flagAllowed reports whether a token may carry the 0x40 flag.
func flagAllowed(base byte) bool {
	switch base {
	case tokOpenStart, tokValue, tokAttribute, tokCDATA, tokCharRef, tokEntityRef:
		return true
	}
	return false
}

// compileOpen reads an element start token at p: dependency identifier
// (when dep), data size, name, and the attribute list size when hasAttrs.
func (s *state) compileOpen(p, end uint32, hasAttrs, dep bool) (uint32, bool) {
	q := p + 5
	if dep {
		q += 2
	}
	if q > end {
		return 0, false
	}
	name, next, ok := s.nameRef(q, end)
	if !ok {
		return 0, false
	}
	if hasAttrs {
		if next+4 > end {
			return 0, false
		}
		next += 4
	}
	s.nodes = append(s.nodes, node{kind: nodeOpen, class: s.classify(name), off: name.first, n: name.n})
	return next, true
}

// compileText reads a value text, CDATA or PI data token at p: a
// character count and the UTF-16 characters (value text has a type byte
// first). PI data is skipped.
func (s *state) compileText(p, end uint32, base byte) (uint32, bool) {
	q := p + 1
	if base == tokValue {
		q++
	}
	if q+2 > end {
		return 0, false
	}
	n := 2 * uint32(binary.LittleEndian.Uint16(s.chunk[q:]))
	if q+2+n > end {
		return 0, false
	}
	if base != tokPIData {
		s.nodes = append(s.nodes, node{kind: nodeText, off: q + 2, n: n})
	}
	return q + 2 + n, true
}
