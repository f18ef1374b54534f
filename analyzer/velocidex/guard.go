package velocidex

import (
	"fmt"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Bounds on what the Velocidex parser may be asked to do with one chunk.
// Real chunks stay far below them (the corpus peaks at a few thousand
// expanded nodes and a few tens of thousands of steps per chunk).
const (
	maxGuardDepth  = 16      // nested parses: inline definitions, binary XML values
	maxExpandNodes = 1 << 18 // template nodes expanded, all records of a chunk
	maxGuardSteps  = 1 << 22 // tokens and values read, all records of a chunk
	maxGuardAlloc  = 1 << 24 // bytes the parser allocates for reads past the chunk end
)

// RefusalError says why a record is not handed to the Velocidex parser.
type RefusalError struct {
	Record int // index in the chain
	Offset int // chunk offset where the parser would go wrong
	Reason string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("offset 0x%x: %s", e.Offset, e.Reason)
}

// Guard decides how many records of the chain recs of chunk b may be
// given to the Velocidex parser, which has no bounds of its own. It
// follows the parser's reads exactly as the parser makes them (token by
// token; past the chunk end a read gives zeros without moving; template
// definitions are registered by id as the parser registers them) without
// building anything, and stops at the first record on which the parser
// would meet an argument count the rest of the chunk cannot hold (its
// argument loop would run up to 2^32 times), nest parses too deeply, or
// push the chunk past its budget of expanded template nodes (memory), of
// steps (time) or of buffers allocated for reads past the end. It returns
// the number of records before that one and why that one was refused
// (nil when all are safe).
func Guard(b []byte, recs []evtxfile.Record) (safe int, refusal *RefusalError) {
	m := mirror{b: b, known: make(map[uint32]int)}
	for i, r := range recs {
		c := cursor(int(r.Offset) + evtxfile.RecordHeaderSize)
		nodes := m.binXML(&c)
		m.spend(&c, nodes)
		if m.err != nil {
			m.err.Record = i
			return i, m.err
		}
	}
	return len(recs), nil
}

// cursor is a read offset in the chunk.
type cursor int

// mirror follows the parser's reads over one chunk.
type mirror struct {
	b      []byte
	known  map[uint32]int // template id -> nodes of its definition
	steps  int
	expand int
	alloc  int
	depth  int
	err    *RefusalError
}

func (m *mirror) refuse(c *cursor, format string, args ...any) {
	if m.err == nil {
		m.err = &RefusalError{Offset: int(*c), Reason: fmt.Sprintf(format, args...)}
	}
}

// take follows the parser's ConsumeBytes: n bytes at c, or, when they
// run past the chunk, a fresh zeroed buffer of n bytes without moving
// (charged to the allocation budget).
func (m *mirror) take(c *cursor, n int) {
	if int(*c)+n <= len(m.b) {
		*c += cursor(n)
		return
	}
	m.alloc += n
	if m.alloc > maxGuardAlloc {
		m.refuse(c, "reads past the chunk end exceed the allocation budget (%d bytes)", maxGuardAlloc)
	}
}

// skip follows the parser's SkipBytes, which moves even past the end.
func (m *mirror) skip(c *cursor, n int) { *c += cursor(n) }

// uint follows the parser's ConsumeUintN: zero, without moving, past the
// chunk end.
func (m *mirror) uint(c *cursor, n int) uint64 {
	if int(*c)+n > len(m.b) {
		return 0
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(m.b[int(*c)+i])
	}
	*c += cursor(n)
	return v
}

func (m *mirror) u8(c *cursor) uint8   { return uint8(m.uint(c, 1)) }
func (m *mirror) u16(c *cursor) uint16 { return uint16(m.uint(c, 2)) }
func (m *mirror) u32(c *cursor) uint32 { return uint32(m.uint(c, 4)) }

// spend charges the expansion of a template of n nodes.
func (m *mirror) spend(c *cursor, nodes int) {
	m.expand += nodes
	if m.expand > maxExpandNodes {
		m.refuse(c, "template expansion budget of the chunk exceeded (%d nodes)", maxExpandNodes)
	}
}

// binXML follows the parser's token loop from c and returns the number
// of template nodes it builds.
func (m *mirror) binXML(c *cursor) (nodes int) {
	for m.err == nil {
		if m.steps++; m.steps > maxGuardSteps {
			m.refuse(c, "step budget of the chunk exceeded (%d)", maxGuardSteps)
			return nodes
		}
		tag := m.u8(c) // zero past the end: the end of the fragment
		switch tag {
		case 0x00:
			return nodes
		case 0x01, 0x41: // open start element
			m.skip(c, 6)
			m.name(c)
			if tag == 0x41 {
				m.u32(c)
			}
			nodes++
		case 0x02, 0x03, 0x04, 0x07, 0x47, 0x08, 0x48, 0x09, 0x49, 0x0a, 0x0b:
			// The parser reads nothing more for these.
		case 0x05, 0x45: // value text
			m.u8(c)
			m.text(c, false)
			nodes++
		case 0x06, 0x46: // attribute
			m.name(c)
		case 0x0c:
			n, more := m.instance(c)
			nodes += n
			if !more {
				return nodes
			}
		case 0x0d, 0x0e: // substitution
			m.u16(c)
			if m.u8(c) == 0 {
				m.u8(c)
			}
			nodes++
		case 0x0f:
			m.skip(c, 3)
		default:
			return nodes
		}
	}
	return nodes
}

// name follows the parser's ReadName: a chunk offset, and the name read
// there (in place when it is the current offset).
func (m *mirror) name(c *cursor) {
	at := cursor(m.u32(c))
	if at != *c {
		m.skip(&at, 6)
		m.text(&at, true)
		return
	}
	m.skip(c, 6)
	m.text(c, true)
}

// text follows a length-prefixed UTF-16 string.
func (m *mirror) text(c *cursor, nulTerminated bool) {
	n := int(m.u16(c))
	if nulTerminated {
		n++
	}
	m.take(c, 2*n)
}
