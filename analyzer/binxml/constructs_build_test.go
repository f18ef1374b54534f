package binxml

import "github.com/evtxhunt/evtxhunt/analyzer/event"

// Writers of the records of TestConstructs that need more than eventDef.

// systemPiecesDef writes a System element whose Provider name and
// Computer are literal text and whose Computer is made of two pieces.
func (b *chunkBuilder) systemPiecesDef() {
	b.open("System", false, true)
	b.closeStart()
	b.open("Provider", true, true)
	b.attr("Name")
	b.text(event.SecurityProvider)
	b.closeEmpty()
	b.open("EventID", false, true)
	b.closeStart()
	b.subst(1, typeUint16, false)
	b.end()
	b.open("TimeCreated", true, true)
	b.attr("SystemTime")
	b.subst(2, typeFileTime, false)
	b.closeEmpty()
	b.open("Channel", false, true)
	b.closeStart()
	b.text("Security")
	b.end()
	b.open("Computer", false, true)
	b.closeStart()
	b.text("HOST-")
	b.charRef('7')
	b.end()
	b.end()
}

// plainRecord writes a 4688 record as plain elements with literal values,
// as exporting tools do, with or without dependency identifiers.
func (b *chunkBuilder) plainRecord(dep bool) {
	b.fragment()
	b.open("Event", false, dep)
	b.closeStart()
	b.open("System", false, dep)
	b.closeStart()
	b.open("Provider", true, dep)
	b.attr("Name")
	b.text(event.SecurityProvider)
	b.closeEmpty()
	for _, e := range [][2]string{{"EventID", "4688"}, {"Version", "1"}} {
		b.open(e[0], false, dep)
		b.closeStart()
		b.text(e[1])
		b.end()
	}
	b.open("TimeCreated", true, dep)
	b.attr("SystemTime")
	b.text("2020-06-23T09:35:56.8255100Z")
	b.closeEmpty()
	for _, e := range [][2]string{{"EventRecordID", "42"}, {"Channel", "Security"}, {"Computer", "EXPORTED-HOST"}} {
		b.open(e[0], false, dep)
		b.closeStart()
		b.text(e[1])
		b.end()
	}
	b.end()
	b.open("EventData", false, dep)
	b.closeStart()
	for _, e := range [][2]string{{"NewProcessName", `C:\Windows\notepad.exe`}, {"CommandLine", "notepad.exe"}, {"NewProcessId", "0x1f4"}} {
		b.open("Data", true, dep)
		b.attr("Name")
		b.text(e[0])
		b.closeStart()
		b.text(e[1])
		b.end()
	}
	b.end()
	b.end()
	b.eof()
}

// instanceNested writes a template instance (definition inline) whose
// values are vals followed by one binary XML value that nested writes in
// place.
func (b *chunkBuilder) instanceNested(body func(), vals []value, nested func()) {
	b.u8(tokTemplateInstance)
	b.u8(1)
	def := uint32(b.pos + 8)
	b.u32(def)
	b.u32(def)
	b.u32(0)
	b.raw(make([]byte, 16))
	sizeAt := b.pos
	b.u32(0)
	start := b.pos
	body()
	putU32(b.buf[sizeAt:], uint32(b.pos-start))
	b.u32(uint32(len(vals) + 1))
	for _, v := range vals {
		b.u16(uint16(len(v.data)))
		b.u8(v.typ)
		b.u8(0)
	}
	nestedAt := b.pos
	b.u16(0)
	b.u8(typeBinXML)
	b.u8(0)
	for _, v := range vals {
		b.raw(v.data)
	}
	start = b.pos
	nested()
	putU16(b.buf[nestedAt:], uint16(b.pos-start))
}

// nestedChain writes depth template instances, each holding the next in
// a binary XML value inside an element named root.
func (b *chunkBuilder) nestedChain(root string, depth int) {
	body := func() {
		b.fragment()
		b.open(root, false, true)
		b.closeStart()
		b.subst(0, typeBinXML, false)
		b.end()
		b.eof()
	}
	if depth == 0 {
		b.instance(body, nil)
		return
	}
	b.instanceNested(body, nil, func() { b.fragment(); b.nestedChain(root, depth-1) })
}

// wideInstances writes a template instance of `fan` binary XML values,
// each an instance of one template of `width` empty elements sharing a
// name: a record that expands to fan*width*2 nodes from a few kilobytes.
func (b *chunkBuilder) wideInstances(fan, width int) {
	b.u8(tokTemplateInstance)
	b.u8(1)
	outer := uint32(b.pos + 8)
	b.u32(outer)
	b.u32(outer)
	b.u32(0)
	b.raw(make([]byte, 16))
	sizeAt := b.pos
	b.u32(0)
	start := b.pos
	b.fragment()
	b.open("Event", false, true)
	b.closeStart()
	for i := range fan {
		b.subst(uint16(i), typeBinXML, false)
	}
	b.end()
	b.eof()
	putU32(b.buf[sizeAt:], uint32(b.pos-start))
	b.u32(uint32(fan))
	desc := b.pos
	b.raw(make([]byte, 4*fan))
	var inner uint32
	for i := range fan {
		start := b.pos
		b.fragment()
		if i == 0 {
			inner = b.instance(func() {
				b.fragment()
				b.open("Wide", false, true)
				b.closeStart()
				shared := b.lastName
				for range width {
					b.u8(tokOpenStart)
					b.u16(0xffff)
					b.u32(0)
					b.u32(shared) // the name written above
					b.closeEmpty()
				}
				b.end()
				b.eof()
			}, nil)
		} else {
			b.instanceOf(inner, nil)
		}
		putU16(b.buf[desc+4*i:], uint16(b.pos-start))
		b.buf[desc+4*i+2] = typeBinXML
	}
}

// dataValueChain writes an event whose one Data value is binary XML
// holding a template made of a single binary XML substitution, and so on
// depth times: every level is part of the value.
func (b *chunkBuilder) dataValueChain(depth int) {
	var chain func(d int)
	chain = func(d int) {
		body := func() { b.fragment(); b.subst(0, typeBinXML, false); b.eof() }
		if d == 0 {
			b.instance(body, nil)
			return
		}
		b.instanceNested(body, nil, func() { b.fragment(); chain(d - 1) })
	}
	b.instanceNested(func() {
		b.fragment()
		b.open("Event", false, true)
		b.closeStart()
		b.open("EventData", false, true)
		b.closeStart()
		b.open("Data", true, true)
		b.attr("Name")
		b.text("CommandLine")
		b.closeStart()
		b.subst(0, typeBinXML, false)
		b.end()
		b.end()
		b.end()
		b.eof()
	}, nil, func() { b.fragment(); chain(depth - 1) })
}

func putU16(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
func putU32(b []byte, v uint32) { putU16(b, uint16(v)); putU16(b[2:], uint16(v>>16)) }
