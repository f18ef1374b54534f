package velocidex_test

import (
	"bytes"
	"unicode/utf16"
)

// bx writes binary XML at a known chunk offset, so that names can be
// written in place (the parser reads a name in place when its offset is
// the current one) and referred to later by offset. It follows the token
// layout of libyal's EVTX format description.
type bx struct {
	at    int // chunk offset of b[0]
	b     []byte
	names map[string]uint32 // chunk offset of each name written
}

func newBX(at int) *bx { return &bx{at: at, names: map[string]uint32{}} }

func (x *bx) bytes() []byte { return x.b }
func (x *bx) raw(p ...byte) { x.b = append(x.b, p...) }
func (x *bx) u16(v uint16)  { x.b = le.AppendUint16(x.b, v) }
func (x *bx) u32(v uint32)  { x.b = le.AppendUint32(x.b, v) }
func (x *bx) pos() uint32   { return uint32(x.at + len(x.b)) }
func (x *bx) closeStart()   { x.raw(0x02) }
func (x *bx) end()          { x.raw(0x04) }
func (x *bx) eof()          { x.raw(0x00) }
func (x *bx) text(s string) {
	x.raw(0x05, 0x01)
	x.u16(uint16(len(utf16.Encode([]rune(s)))))
	x.utf16(s)
}
func (x *bx) subst(id uint16) { x.raw(0x0e); x.u16(id); x.raw(0x01) }

func (x *bx) utf16(s string) {
	for _, u := range utf16.Encode([]rune(s)) {
		x.u16(u)
	}
}

// name writes a reference to name: in place the first time, to the
// first copy afterwards.
func (x *bx) name(s string) {
	if off, ok := x.names[s]; ok {
		x.u32(off)
		return
	}
	off := x.pos() + 4
	x.names[s] = off
	x.u32(off)
	x.u32(0) // next name
	x.u16(0) // hash
	x.u16(uint16(len(utf16.Encode([]rune(s)))))
	x.utf16(s)
	x.u16(0)
}

// open writes an element start; attribute lists are not checked by the
// parser.
func (x *bx) open(name string, attrs bool) {
	if attrs {
		x.raw(0x41, 0, 0, 0, 0, 0, 0)
	} else {
		x.raw(0x01, 0, 0, 0, 0, 0, 0)
	}
	x.name(name)
	if attrs {
		x.u32(0)
	}
}

func (x *bx) attr(name, value string) {
	x.raw(0x06)
	x.name(name)
	x.text(value)
}

// val is one template instance value.
type val struct {
	typ  byte
	data []byte
}

// instance writes a template instance of id, defining it in place with
// body when body is not nil.
func (x *bx) instance(id uint32, body func(*bx), vals []val) {
	x.raw(0x0c, 0x01)
	x.u32(id)
	if body == nil {
		x.u32(0)
		x.values(vals)
		return
	}
	x.u32(x.pos() + 4)
	x.u32(0)
	x.u32(id)
	x.raw(make([]byte, 12)...)
	sizeAt := len(x.b)
	x.u32(0)
	start := len(x.b)
	x.raw(0x0f, 0x01, 0x01, 0x00)
	body(x)
	le.PutUint32(x.b[sizeAt:], uint32(len(x.b)-start))
	x.values(vals)
}

func (x *bx) values(vals []val) {
	x.u32(uint32(len(vals)))
	for _, v := range vals {
		x.u16(uint16(len(v.data)))
		x.raw(v.typ, 0)
	}
	for _, v := range vals {
		x.raw(v.data...)
	}
}

// binXMLValue returns a binary XML value that body writes, laid out for
// the chunk offset at.
func binXMLValue(at int, names map[string]uint32, body func(*bx)) val {
	x := &bx{at: at, names: names}
	x.raw(0x0f, 0x01, 0x01, 0x00)
	body(x)
	x.eof()
	return val{0x21, x.b}
}

func sidValue(parts int, fill byte) val {
	return val{0x13, append([]byte{1, 1, 0, 0, 0, 0, 0, 5}, bytes.Repeat([]byte{fill}, 4*parts)...)}
}
