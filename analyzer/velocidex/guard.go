package velocidex

import (
	"fmt"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// MaxChunkAlloc bounds what decoding one chunk with the Velocidex parser
// may allocate, as Guard estimates it (cost.go): 256 times the 64 KiB
// chunk, 16 MiB. The parse, the expansion of every record and the
// decoder's reading of the expanded records are included. The heaviest
// chunk of the corpus is estimated at 7 MiB (decoding it allocates
// 2.4 MiB); a hostile one is refused record by record once its estimate
// passes the bound.
const MaxChunkAlloc = 256 * evtxfile.ChunkSize

// Other bounds on what the Velocidex parser may be asked to do with one
// chunk. Real chunks stay far below them (the corpus peaks at a few tens
// of thousands of steps).
const (
	maxGuardDepth = 16      // nested parses: inline definitions, binary XML values
	maxGuardSteps = 1 << 22 // tokens and values read, all records of a chunk
)

// RefusalError says why a record is not handed to the Velocidex parser.
type RefusalError struct {
	Record int // index in the chain
	Offset int // chunk offset where the parser would go wrong (in the chunk)
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
// building anything, estimates what the parser and the decoder allocate
// on the way (cost.go), and stops at the first record on which the
// parser would meet an argument count the rest of the chunk cannot hold
// (its argument loop would run up to 2^32 times), nest parses too deeply,
// or push the chunk past its budget of steps (time) or of estimated bytes
// (MaxChunkAlloc). It returns the number of records before that one and
// why that one was refused (nil when all are safe).
func Guard(b []byte, recs []evtxfile.Record) (safe int, refusal *RefusalError) {
	m := newMirror(b)
	return m.run(recs)
}

// cursor is a read offset in the chunk.
type cursor int

// mirror follows the parser's reads over one chunk.
type mirror struct {
	b      []byte
	known  map[uint32]*tmpl // template id -> what its definition builds
	frames []frame          // the open elements of the parses under way
	args   []arg            // the values of the template instances under way
	steps  int
	bytes  int64 // estimated allocation
	depth  int
	err    *RefusalError
}

func newMirror(b []byte) *mirror {
	return &mirror{b: b, known: make(map[uint32]*tmpl), bytes: costChunk}
}

// run follows the records of the chain in order, as the parser parses
// them on one context.
func (m *mirror) run(recs []evtxfile.Record) (safe int, refusal *RefusalError) {
	for i, r := range recs {
		c := cursor(int(r.Offset) + evtxfile.RecordHeaderSize)
		m.record(&c)
		if m.err != nil {
			m.err.Record = i
			if m.err.Offset < 0 || m.err.Offset >= len(m.b) {
				m.err.Offset = int(r.Offset) // the parser had left the chunk
			}
			return i, m.err
		}
	}
	return len(recs), nil
}

// record follows the parser's EventRecord.Parse at c (after the record
// header): its binary XML, parsed on the chunk's context, and expanded
// without values; then the decoder's reading of what it expanded to.
func (m *mirror) record(c *cursor) {
	m.charge(c, costRecord)
	var t tmpl
	m.parse(c, &t)
	built, tree := t.expand(nil)
	m.charge(c, built+tree.weight)
}

func (m *mirror) refuse(c *cursor, format string, args ...any) {
	if m.err == nil {
		m.err = &RefusalError{Offset: int(*c), Reason: fmt.Sprintf(format, args...)}
	}
}

// charge adds n bytes to the chunk's estimated allocation, unless they
// would take it past MaxChunkAlloc: then the record is refused, and the
// estimate stays what was admitted (the guard's own memory for the
// refused record included, as it charges that before allocating it).
func (m *mirror) charge(c *cursor, n int64) {
	if m.err != nil {
		return
	}
	if n > MaxChunkAlloc-m.bytes {
		m.refuse(c, "estimated allocation budget of the chunk exceeded (%d MiB)", MaxChunkAlloc>>20)
		return
	}
	m.bytes += n
}

// step counts n steps of the parser's work.
func (m *mirror) step(c *cursor, n int) bool {
	if m.steps += n; m.steps > maxGuardSteps {
		m.refuse(c, "step budget of the chunk exceeded (%d)", maxGuardSteps)
		return false
	}
	return true
}

// take follows the parser's ConsumeBytes: n bytes at c, or, when they
// run past the chunk, a fresh zeroed buffer of n bytes without moving.
func (m *mirror) take(c *cursor, n int) {
	if int(*c)+n <= len(m.b) {
		*c += cursor(n)
		return
	}
	m.charge(c, strAlloc(n))
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
