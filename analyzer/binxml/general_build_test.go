package binxml

import (
	"math"
	"time"
)

// Builders of records for the general path: a System element with every
// value the general event reads, and payloads of each shape.

// fullSystemValues are the 15 values of fullSystemDef: Provider/@Name,
// EventID, Version, TimeCreated, EventRecordID, Channel, Computer, then
// Provider/@Guid, Level, Task, Opcode, Keywords, Execution/@ProcessID,
// Execution/@ThreadID and Security/@UserID.
func fullSystemValues(provider string, id uint16, recordID uint64, channel string) []value {
	return append(systemValues(provider, id, 1, when, recordID, channel, "DC01.corp.example"),
		guidProc, vU8(4), vU16(12544), vU8(0), vHex64(0x8020000000000000), vU32(636), vU32(2904), sidUser)
}

// fullSystemDef writes a System element reading every value of
// fullSystemValues (substitutions 0 to 14); Correlation is empty.
func (b *chunkBuilder) fullSystemDef() {
	b.open("System", false, true)
	b.closeStart()
	b.open("Provider", true, true)
	b.attr("Name")
	b.subst(0, typeString, false)
	b.attr("Guid")
	b.subst(7, typeGUID, true)
	b.closeEmpty()
	elem := func(name string, idx uint16, typ byte) {
		b.open(name, false, true)
		b.closeStart()
		b.subst(idx, typ, true)
		b.end()
	}
	elem("EventID", 1, typeUint16)
	elem("Version", 2, typeUint8)
	elem("Level", 8, typeUint8)
	elem("Task", 9, typeUint16)
	elem("Opcode", 10, typeUint8)
	elem("Keywords", 11, typeHexInt64)
	b.open("TimeCreated", true, true)
	b.attr("SystemTime")
	b.subst(3, typeFileTime, false)
	b.closeEmpty()
	elem("EventRecordID", 4, typeUint64)
	b.open("Correlation", false, true)
	b.closeEmpty()
	b.open("Execution", true, true)
	b.attr("ProcessID")
	b.subst(12, typeUint32, true)
	b.attr("ThreadID")
	b.subst(13, typeUint32, true)
	b.closeEmpty()
	elem("Channel", 5, typeString)
	elem("Computer", 6, typeString)
	b.open("Security", true, true)
	b.attr("UserID")
	b.subst(14, typeSID, true)
	b.closeEmpty()
	b.end()
}

// generalDef writes an Event of fullSystemDef and the payload payload
// writes (its substitutions numbered from 15).
func (b *chunkBuilder) generalDef(payload func()) {
	b.fragment()
	b.open("Event", true, true)
	b.attr("xmlns")
	b.text("http://schemas.microsoft.com/win/2004/08/events/event")
	b.closeStart()
	b.fullSystemDef()
	payload()
	b.end()
	b.eof()
}

// element writes <name>content</name>, or <name/> when content is nil.
func (b *chunkBuilder) element(name string, content func()) {
	b.open(name, false, true)
	if content == nil {
		b.closeEmpty()
		return
	}
	b.closeStart()
	content()
	b.end()
}

// namedData writes <Data Name="name">content</Data>.
func (b *chunkBuilder) namedData(name string, content func()) {
	b.open("Data", true, true)
	b.attr("Name")
	b.text(name)
	b.closeStart()
	content()
	b.end()
}

func (b *chunkBuilder) substFn(idx uint16, typ byte) func() {
	return func() { b.subst(idx, typ, true) }
}

// Values of the less common types, as Windows writes them.
var (
	vTrue      = value{typeBool, le32(1)}
	vInt8      = value{typeInt8, []byte{0xfe}}
	vInt32     = value{typeInt32, le32(0xffffff85)}
	vFloat32   = value{typeFloat32, le32(math.Float32bits(3199.2341))}
	vFloat64   = value{typeFloat64, le64(math.Float64bits(-0.5))}
	vHex32     = value{typeHexInt32, le32(0xc000006d)}
	vSizeT     = value{typeSizeT, le64(0x7ff6a000)}
	vBinary    = value{typeBinary, []byte{0x4e, 0x00, 0x6c, 0x00, 0xff}}
	vANSI      = value{typeANSIString, []byte("ansi\x00")}
	vStrings   = value{typeString | typeArray, utf16le("first\x00second\x00\x00third\x00")}
	vUint16s   = value{typeUint16 | typeArray, cat(le16(80), le16(443))}
	vSysTime   = value{typeSystemTime, cat(le16(2024), le16(3), le16(5), le16(1), le16(12), le16(34), le16(56), le16(789))}
	vTimeValue = vTime(time.Date(2019, 4, 27, 21, 6, 49, 341000000, time.UTC))
)
