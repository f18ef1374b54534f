package evtxwriter

import (
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// recordAlign is the alignment Windows pads every record's size to.
const recordAlign = 8

// addRecord encodes ev as the next record of the chunk with header record
// number num, using the System template sys and the EventData template
// data. It returns false, leaving the chunk as it was, when the record
// does not fit.
func (c *chunk) addRecord(ev *Event, sys, data *shape, num uint64, vals *[subEventData]Value) bool {
	start, names, tmpls := c.pos, len(c.nameUndo), len(c.tmplUndo)

	copy(c.grow(4), evtxfile.RecordSignature)
	sizePos := c.pos
	c.u32(0)
	c.u64(num)
	c.u64(ToFileTime(ev.TimeCreated))

	c.fragmentHeader()
	c.templateInstance(sys)
	systemValues(ev, vals)

	// The System instance: 17 plain values, then the EventData binary
	// XML whose size is known only once it is written.
	c.u32(numSystemSubs)
	for i := range vals {
		c.u16(uint16(vals[i].size()))
		c.u8(uint8(vals[i].typ))
		c.u8(0)
	}
	dataDesc := c.pos
	c.u16(0)
	c.u8(uint8(TypeBinXML))
	c.u8(0)
	for i := range vals {
		vals[i].put(c.grow(vals[i].size()))
	}
	dataStart := c.pos
	c.fragmentHeader()
	c.templateInstance(data)
	c.dataValues(ev.Data)
	dataSize := c.pos - dataStart
	c.u8(tokEOF)
	pad := (recordAlign - (c.pos+4-start)%recordAlign) % recordAlign
	c.grow(pad) // the chunk is zero where nothing was written yet
	size := c.pos + 4 - start
	c.u32(uint32(size))

	if c.overflow || dataSize > maxValueSize {
		c.rollback(start, names, tmpls)
		return false
	}
	c.patch32(sizePos, uint32(size))
	c.buf[dataDesc] = byte(dataSize)
	c.buf[dataDesc+1] = byte(dataSize >> 8)
	if c.records == 0 {
		c.firstNum = num
	}
	c.lastNum = num
	c.records++
	c.lastRecordOffset = start
	return true
}

// systemValues fills the System template's substitution values of ev, in
// the template's index order.
func systemValues(ev *Event, v *[subEventData]Value) {
	v[subLevel] = UInt8(ev.Level)
	v[subOpcode] = UInt8(ev.Opcode)
	v[subTask] = UInt16(ev.Task)
	v[subEventID] = UInt16(ev.EventID)
	v[subQualifiers] = Null()
	if ev.HasQualifiers {
		v[subQualifiers] = UInt16(ev.Qualifiers)
	}
	v[subKeywords] = HexInt64(ev.Keywords)
	v[subSystemTime] = FileTime(ev.TimeCreated)
	v[subActivityID] = Null()
	if !ev.ActivityID.IsZero() {
		v[subActivityID] = Value{typ: TypeGUID, raw: ev.ActivityID[:]}
	}
	v[subProcessID] = UInt32(ev.ProcessID)
	v[subThreadID] = UInt32(ev.ThreadID)
	v[subEventRecordID] = UInt64(ev.RecordID)
	v[subVersion] = UInt8(ev.Version)
	v[subUserID] = Null()
	if ev.UserID != nil {
		v[subUserID] = SIDValue(ev.UserID)
	}
	v[subRelatedActivityID] = Null()
	v[subProviderName] = String(ev.Provider)
	v[subProviderGUID] = Null()
	if !ev.ProviderGUID.IsZero() {
		v[subProviderGUID] = Value{typ: TypeGUID, raw: ev.ProviderGUID[:]}
	}
	v[subChannel] = String(ev.Channel)
}
