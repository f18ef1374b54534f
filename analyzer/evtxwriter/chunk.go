package evtxwriter

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Chunk header layout (libyal, "Chunk header").
const (
	stringTableOffset   = 128 // 64 buckets of name offsets
	stringBuckets       = 64
	templateTableOffset = 384 // 32 buckets of template definition offsets
	templateBuckets     = 32
	chunkHeaderUsed     = 128 // the header size field's value
	// chunkFlags is the value Windows leaves at offset 120 of every chunk
	// header it writes; its meaning is undocumented.
	chunkFlags = 1
	// recordsEnd is where records must end: libevtx (evtxexport) drops a
	// record that ends exactly at the chunk's end, so the last 8 bytes
	// stay free.
	recordsEnd = evtxfile.ChunkSize - 8
)

// chunk builds one 64 KiB chunk in memory. Writes that would run past the
// chunk's end set overflow and go to a scratch buffer; the record being
// written is then rolled back and retried in a new chunk.
type chunk struct {
	buf      []byte
	pos      int
	overflow bool
	scratch  []byte // where writes go once the chunk has overflowed

	names     map[string]uint32 // name -> chunk offset of its name structure
	templates map[*shape]uint32 // template -> offset of its definition
	nameUndo  []tableUndo
	tmplUndo  []tableUndo

	records           int
	firstNum, lastNum uint64
	lastRecordOffset  int
}

// tableUndo remembers how to take back one name or template added by a
// record that did not fit.
type tableUndo struct {
	name   string
	shape  *shape
	slot   int    // byte offset of the table bucket
	before uint32 // the bucket's previous head
}

func newChunk() *chunk {
	return &chunk{
		buf:       make([]byte, evtxfile.ChunkSize),
		pos:       evtxfile.ChunkHeaderSize,
		names:     make(map[string]uint32, 64),
		templates: make(map[*shape]uint32, 8),
	}
}

// reset empties the chunk for reuse.
func (c *chunk) reset() {
	clear(c.buf)
	c.pos = evtxfile.ChunkHeaderSize
	c.overflow = false
	clear(c.names)
	clear(c.templates)
	c.nameUndo = c.nameUndo[:0]
	c.tmplUndo = c.tmplUndo[:0]
	c.records = 0
	c.firstNum, c.lastNum = 0, 0
	c.lastRecordOffset = 0
}

// grow reserves n bytes at the write position.
func (c *chunk) grow(n int) []byte {
	if c.overflow || c.pos+n > recordsEnd {
		c.overflow = true
		if cap(c.scratch) < n {
			c.scratch = make([]byte, n)
		}
		return c.scratch[:n]
	}
	b := c.buf[c.pos : c.pos+n]
	c.pos += n
	return b
}

func (c *chunk) u8(x uint8)   { c.grow(1)[0] = x }
func (c *chunk) u16(x uint16) { binary.LittleEndian.PutUint16(c.grow(2), x) }
func (c *chunk) u32(x uint32) { binary.LittleEndian.PutUint32(c.grow(4), x) }
func (c *chunk) u64(x uint64) { binary.LittleEndian.PutUint64(c.grow(8), x) }

// patch32 overwrites a 32-bit field written earlier at pos.
func (c *chunk) patch32(pos int, x uint32) {
	if !c.overflow {
		binary.LittleEndian.PutUint32(c.buf[pos:], x)
	}
}

func (c *chunk) table(slot int) uint32 { return binary.LittleEndian.Uint32(c.buf[slot:]) }
func (c *chunk) setTable(slot int, off uint32) {
	binary.LittleEndian.PutUint32(c.buf[slot:], off)
}

// NameHash is the 16-bit hash Windows stores with every name: the low 16
// bits of hash = hash*65599 + unit over the name's UTF-16 code units.
func NameHash(s string) uint16 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16Pair(r)
			h = h*65599 + uint32(r1)
			h = h*65599 + uint32(r2)
			continue
		}
		h = h*65599 + uint32(r)
	}
	return uint16(h)
}

func utf16Pair(r rune) (uint16, uint16) {
	r -= 0x10000
	return uint16(0xd800 + (r>>10)&0x3ff), uint16(0xdc00 + r&0x3ff)
}

// name writes a name reference: the offset of the name's structure, which
// follows inline the first time the chunk uses the name. New names go to
// the head of their string table bucket (hash mod 64).
func (c *chunk) name(s string) {
	if off, ok := c.names[s]; ok {
		c.u32(off)
		return
	}
	off := uint32(c.pos + 4)
	c.u32(off)
	h := NameHash(s)
	slot := stringTableOffset + 4*int(h%stringBuckets)
	prev := c.table(slot)
	n := utf16Len(s)
	c.u32(prev)
	c.u16(h)
	c.u16(uint16(n))
	putUTF16(c.grow(2*n), s)
	c.u16(0)
	if c.overflow {
		return
	}
	c.setTable(slot, off)
	c.names[s] = off
	c.nameUndo = append(c.nameUndo, tableUndo{name: s, slot: slot, before: prev})
}

// element is an open element whose sizes are patched when it is closed.
type element struct {
	sizePos  int // the element data size field
	attrsPos int // the attribute list size field, or 0
}

func (c *chunk) fragmentHeader() {
	b := c.grow(4)
	b[0], b[1], b[2], b[3] = tokFragmentHeader, fragmentMajor, fragmentMinor, 0
}

func (c *chunk) openElement(name string, dep uint16, hasAttrs bool) element {
	tok := byte(tokOpenStart)
	if hasAttrs {
		tok |= flagHasMore
	}
	c.u8(tok)
	c.u16(dep)
	el := element{sizePos: c.pos}
	c.u32(0)
	c.name(name)
	if hasAttrs {
		el.attrsPos = c.pos
		c.u32(0)
	}
	return el
}

func (c *chunk) closeAttrs(el element) {
	if el.attrsPos != 0 {
		c.patch32(el.attrsPos, uint32(c.pos-el.attrsPos-4))
	}
}

func (c *chunk) closeStart(el element) {
	c.closeAttrs(el)
	c.u8(tokCloseStart)
}

func (c *chunk) closeEmpty(el element) {
	c.closeAttrs(el)
	c.u8(tokCloseEmpty)
	c.patch32(el.sizePos, uint32(c.pos-el.sizePos-4))
}

func (c *chunk) endElement(el element) {
	c.u8(tokEndElement)
	c.patch32(el.sizePos, uint32(c.pos-el.sizePos-4))
}

func (c *chunk) attribute(name string, last bool) {
	tok := byte(tokAttribute)
	if !last {
		tok |= flagHasMore
	}
	c.u8(tok)
	c.name(name)
}

func (c *chunk) attrText(name, text string, last bool) {
	c.attribute(name, last)
	c.valueText(text)
}

func (c *chunk) attrSubst(name string, sub int, typ ValueType, last bool) {
	c.attribute(name, last)
	c.subst(tokOptionalSubst, sub, typ)
}

// valueText writes literal text (at most 65535 UTF-16 units; Event.check
// enforces it).
func (c *chunk) valueText(s string) {
	c.u8(tokValue)
	c.u8(uint8(TypeString))
	n := utf16Len(s)
	c.u16(uint16(n))
	putUTF16(c.grow(2*n), s)
}

func (c *chunk) subst(tok byte, sub int, typ ValueType) {
	c.u8(tok)
	c.u16(uint16(sub))
	c.u8(uint8(typ))
}

// templateInstance writes a template instance header; the first use of sh
// in the chunk carries the definition inline and enters it at the head of
// its template table bucket (template id mod 32).
func (c *chunk) templateInstance(sh *shape) {
	c.u8(tokTemplate)
	c.u8(templateInstanceV1)
	c.u32(sh.id)
	if off, ok := c.templates[sh]; ok {
		c.u32(off)
		return
	}
	off := uint32(c.pos + 4)
	c.u32(off)
	slot := templateTableOffset + 4*int(sh.id%templateBuckets)
	prev := c.table(slot)
	c.u32(prev)
	copy(c.grow(16), sh.guid[:])
	sizePos := c.pos
	c.u32(0)
	if sh.kind == kindSystem {
		c.writeSystemBody(sh.computer)
	} else {
		c.writeDataBody(sh)
	}
	c.patch32(sizePos, uint32(c.pos-sizePos-4))
	if c.overflow {
		return
	}
	c.setTable(slot, off)
	c.templates[sh] = off
	c.tmplUndo = append(c.tmplUndo, tableUndo{shape: sh, slot: slot, before: prev})
}

// dataValues writes the values of an EventData template instance: their
// count, one (size, type) descriptor each, then the data.
func (c *chunk) dataValues(data []Data) {
	c.u32(uint32(len(data)))
	for i := range data {
		c.u16(uint16(data[i].Value.size()))
		c.u8(uint8(data[i].Value.typ))
		c.u8(0)
	}
	for i := range data {
		data[i].Value.put(c.grow(data[i].Value.size()))
	}
}

// rollback takes back everything written since pos start: bytes, names
// and templates.
func (c *chunk) rollback(start, names, templates int) {
	for i := len(c.nameUndo) - 1; i >= names; i-- {
		u := c.nameUndo[i]
		c.setTable(u.slot, u.before)
		delete(c.names, u.name)
	}
	c.nameUndo = c.nameUndo[:names]
	for i := len(c.tmplUndo) - 1; i >= templates; i-- {
		u := c.tmplUndo[i]
		c.setTable(u.slot, u.before)
		delete(c.templates, u.shape)
	}
	c.tmplUndo = c.tmplUndo[:templates]
	clear(c.buf[start:])
	c.pos = start
	c.overflow = false
}

// finish writes the chunk header and both checksums.
func (c *chunk) finish() {
	b := c.buf
	le := binary.LittleEndian
	copy(b, evtxfile.ChunkSignature)
	le.PutUint64(b[8:], c.firstNum)
	le.PutUint64(b[16:], c.lastNum)
	le.PutUint64(b[24:], c.firstNum)
	le.PutUint64(b[32:], c.lastNum)
	le.PutUint32(b[40:], chunkHeaderUsed)
	le.PutUint32(b[44:], uint32(c.lastRecordOffset))
	le.PutUint32(b[48:], uint32(c.pos))
	le.PutUint32(b[52:], crc32.ChecksumIEEE(b[evtxfile.ChunkHeaderSize:c.pos]))
	le.PutUint32(b[120:], chunkFlags)
	le.PutUint32(b[124:], evtxfile.HeaderChecksum(b))
}
