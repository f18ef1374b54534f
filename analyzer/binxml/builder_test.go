package binxml

import (
	"encoding/binary"
	"hash/crc32"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// chunkBuilder writes a chunk of binary XML records by hand, following the
// format description, for tests of constructs the corpus lacks and of
// hostile input. Names are always written inline. It never validates:
// tests use it to write broken data too.
type chunkBuilder struct {
	buf      []byte
	pos      int
	recs     int
	lastName uint32 // offset of the last name structure written
}

func newChunkBuilder() *chunkBuilder {
	b := &chunkBuilder{buf: make([]byte, evtxfile.ChunkSize), pos: evtxfile.ChunkHeaderSize}
	copy(b.buf, evtxfile.ChunkSignature)
	return b
}

func (b *chunkBuilder) raw(p []byte) { b.pos += copy(b.buf[b.pos:], p) }
func (b *chunkBuilder) u8(v byte)    { b.buf[b.pos] = v; b.pos++ }
func (b *chunkBuilder) u16(v uint16) { binary.LittleEndian.PutUint16(b.buf[b.pos:], v); b.pos += 2 }
func (b *chunkBuilder) u32(v uint32) { binary.LittleEndian.PutUint32(b.buf[b.pos:], v); b.pos += 4 }
func (b *chunkBuilder) u64(v uint64) { binary.LittleEndian.PutUint64(b.buf[b.pos:], v); b.pos += 8 }

// name writes a name reference followed by the name itself.
func (b *chunkBuilder) name(s string) {
	b.lastName = uint32(b.pos + 4)
	b.u32(b.lastName)
	b.u32(0) // next name in the hash chain
	b.u16(0) // hash, unchecked
	b.u16(uint16(len(utf16le(s)) / 2))
	b.raw(utf16le(s))
	b.u16(0)
}

// record writes one record whose binary XML fn writes.
func (b *chunkBuilder) record(fn func()) {
	start := b.pos
	b.raw([]byte(evtxfile.RecordSignature))
	b.u32(0) // size, patched below
	b.recs++
	b.u64(uint64(b.recs))
	b.u64(fileTimeOf(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)))
	fn()
	size := uint32(b.pos + 4 - start)
	b.u32(size)
	binary.LittleEndian.PutUint32(b.buf[start+4:], size)
}

func (b *chunkBuilder) fragment() { b.raw([]byte{tokFragmentHeader, 1, 1, 0}) }
func (b *chunkBuilder) eof()      { b.u8(tokEOF) }

// open writes an element start; dep writes the dependency identifier
// that template definitions carry.
func (b *chunkBuilder) open(name string, attrs, dep bool) {
	tok := byte(tokOpenStart)
	if attrs {
		tok |= tokFlagMore
	}
	b.u8(tok)
	if dep {
		b.u16(0xffff)
	}
	b.u32(0) // data size, unchecked
	b.name(name)
	if attrs {
		b.u32(0) // attribute list size, unchecked
	}
}

func (b *chunkBuilder) closeStart()      { b.u8(tokCloseStart) }
func (b *chunkBuilder) closeEmpty()      { b.u8(tokCloseEmpty) }
func (b *chunkBuilder) end()             { b.u8(tokEndElement) }
func (b *chunkBuilder) attr(name string) { b.u8(tokAttribute); b.name(name) }
func (b *chunkBuilder) charRef(c uint16) { b.u8(tokCharRef); b.u16(c) }
func (b *chunkBuilder) entity(n string)  { b.u8(tokEntityRef); b.name(n) }

func (b *chunkBuilder) text(s string) {
	b.u8(tokValue)
	b.u8(typeString)
	b.u16(uint16(len(utf16le(s)) / 2))
	b.raw(utf16le(s))
}

func (b *chunkBuilder) cdata(s string) {
	b.u8(tokCDATA)
	b.u16(uint16(len(utf16le(s)) / 2))
	b.raw(utf16le(s))
}

func (b *chunkBuilder) subst(idx uint16, typ byte, optional bool) {
	tok := byte(tokNormalSubst)
	if optional {
		tok = tokOptionalSubst
	}
	b.u8(tok)
	b.u16(idx)
	b.u8(typ)
}

// value is one substitution value of a template instance.
type value struct {
	typ  byte
	data []byte
}

func vStr(s string) value     { return value{typeString, utf16le(s)} }
func vU8(n uint8) value       { return value{typeUint8, []byte{n}} }
func vU16(n uint16) value     { return value{typeUint16, le16(n)} }
func vU32(n uint32) value     { return value{typeUint32, le32(n)} }
func vU64(n uint64) value     { return value{typeUint64, le64(n)} }
func vHex64(n uint64) value   { return value{typeHexInt64, le64(n)} }
func vNull() value            { return value{typeNull, nil} }
func vTime(t time.Time) value { return value{typeFileTime, le64(fileTimeOf(t))} }

func fileTimeOf(t time.Time) uint64 {
	return uint64(t.Unix()+fileTimeEpoch/10_000_000)*10_000_000 + uint64(t.Nanosecond()/100)
}

// instance writes a template instance with its definition inline (body
// writes the definition's binary XML) and returns the definition offset.
func (b *chunkBuilder) instance(body func(), vals []value) uint32 {
	b.u8(tokTemplateInstance)
	b.u8(1)
	def := uint32(b.pos + 8)
	b.u32(def) // template id; Velocidex keys its cache on it
	b.u32(def)
	b.u32(0)                // next template definition
	b.raw(make([]byte, 16)) // GUID
	sizeAt := b.pos
	b.u32(0)
	start := b.pos
	body()
	binary.LittleEndian.PutUint32(b.buf[sizeAt:], uint32(b.pos-start))
	b.values(vals)
	return def
}

// instanceOf writes a template instance of a definition written earlier.
func (b *chunkBuilder) instanceOf(def uint32, vals []value) {
	b.u8(tokTemplateInstance)
	b.u8(1)
	b.u32(def)
	b.u32(def)
	b.values(vals)
}

func (b *chunkBuilder) values(vals []value) {
	b.u32(uint32(len(vals)))
	for _, v := range vals {
		b.u16(uint16(len(v.data)))
		b.u8(v.typ)
		b.u8(0)
	}
	for _, v := range vals {
		b.raw(v.data)
	}
}

// chunk finishes the chunk header (record numbers, free space offset,
// checksums) and returns the chunk with its validated record chain.
func (b *chunkBuilder) chunk(file string) decode.Chunk {
	le := binary.LittleEndian
	le.PutUint64(b.buf[8:], 1)
	le.PutUint64(b.buf[16:], uint64(b.recs))
	le.PutUint64(b.buf[24:], 1)
	le.PutUint64(b.buf[32:], uint64(b.recs))
	le.PutUint32(b.buf[40:], 128)
	le.PutUint32(b.buf[48:], uint32(b.pos))
	le.PutUint32(b.buf[52:], crc32.ChecksumIEEE(b.buf[evtxfile.ChunkHeaderSize:b.pos]))
	le.PutUint32(b.buf[124:], evtxfile.HeaderChecksum(b.buf))
	h, err := evtxfile.ParseChunkHeader(b.buf)
	if err != nil {
		panic(err)
	}
	recs, _ := evtxfile.Records(b.buf, &h)
	return decode.Chunk{File: file, Data: b.buf, Header: h, Records: recs, Offset: evtxfile.FileHeaderSize}
}

// file wraps chunks into an EVTX file image with a valid file header.
func evtxImage(chunks ...[]byte) []byte {
	out := make([]byte, evtxfile.FileHeaderSize)
	le := binary.LittleEndian
	copy(out, evtxfile.FileSignature)
	le.PutUint64(out[16:], uint64(len(chunks)-1))
	le.PutUint32(out[32:], 128)
	le.PutUint16(out[36:], 1)
	le.PutUint16(out[38:], 3)
	le.PutUint16(out[40:], evtxfile.FileHeaderSize)
	le.PutUint16(out[42:], uint16(len(chunks)))
	le.PutUint32(out[124:], crc32.ChecksumIEEE(out[:120]))
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
}

// systemValues are the first seven values of eventDef's template.
func systemValues(provider string, id uint16, version uint8, t time.Time, recordID uint64, channel, computer string) []value {
	return []value{vStr(provider), vU16(id), vU8(version), vTime(t), vU64(recordID), vStr(channel), vStr(computer)}
}

// eventDef writes the definition of a template shaped like Windows' own:
// System values from substitutions 0 to 6 (Provider/@Name, EventID,
// Version, TimeCreated/@SystemTime, EventRecordID, Channel, Computer),
// then one EventData Data item per name, from substitutions 7 on, of the
// given declared types (optional substitutions).
func (b *chunkBuilder) eventDef(names []string, types []byte) {
	b.fragment()
	b.open("Event", true, true)
	b.attr("xmlns")
	b.text("http://schemas.microsoft.com/win/2004/08/events/event")
	b.closeStart()
	b.systemDef(true)
	b.open("EventData", false, true)
	b.closeStart()
	for i, n := range names {
		b.open("Data", true, true)
		b.attr("Name")
		b.text(n)
		b.closeStart()
		b.subst(uint16(7+i), types[i], true)
		b.end()
	}
	b.end()
	b.end()
	b.eof()
}

// systemDef writes the System element of eventDef.
func (b *chunkBuilder) systemDef(dep bool) {
	b.open("System", false, dep)
	b.closeStart()
	b.open("Provider", true, dep)
	b.attr("Name")
	b.subst(0, typeString, false)
	b.closeEmpty()
	for i, n := range []string{"EventID", "Version"} {
		b.open(n, false, dep)
		b.closeStart()
		b.subst(uint16(1+i), []byte{typeUint16, typeUint8}[i], false)
		b.end()
	}
	b.open("TimeCreated", true, dep)
	b.attr("SystemTime")
	b.subst(3, typeFileTime, false)
	b.closeEmpty()
	for i, n := range []string{"EventRecordID", "Channel", "Computer"} {
		b.open(n, false, dep)
		b.closeStart()
		b.subst(uint16(4+i), []byte{typeUint64, typeString, typeString}[i], false)
		b.end()
	}
	b.end()
}
