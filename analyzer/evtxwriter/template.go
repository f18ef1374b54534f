package evtxwriter

import (
	"crypto/sha1" //nolint:gosec // name-based GUIDs are SHA-1 by definition (RFC 4122 version 5); nothing secret
	"encoding/binary"
)

// EventNamespace is the xmlns of the Event element.
const EventNamespace = "http://schemas.microsoft.com/win/2004/08/events/event"

type shapeKind uint8

const (
	kindSystem shapeKind = iota + 1
	kindData
)

// shape is one template: the System template of a computer, or the
// EventData template of a list of Data names and declared types.
type shape struct {
	kind     shapeKind
	guid     GUID
	id       uint32 // the GUID's first 32 bits: the instance's template id
	computer string
	names    []string
	types    []ValueType
}

// newShapeGUID derives a template GUID from the template's key: a
// name-based (version 5 style) GUID over SHA-1, as the GUIDs Windows gives
// its templates look. salt makes a different GUID when the first one's
// 32-bit id is taken.
func newShapeGUID(key []byte, salt uint32) GUID {
	h := sha1.New() //nolint:gosec // see the import
	h.Write([]byte("evtxhunt template\x00"))
	var s [4]byte
	binary.LittleEndian.PutUint32(s[:], salt)
	h.Write(s[:])
	h.Write(key)
	var g GUID
	copy(g[:], h.Sum(nil))
	g[7] = g[7]&0x0f | 0x50 // version 5 in the third group's high nibble
	g[8] = g[8]&0x3f | 0x80 // RFC 4122 variant
	return g
}

// Substitution indexes of the System template, in the order Windows uses.
const (
	subLevel = iota
	subOpcode
	subTask
	subEventID
	subQualifiers
	subKeywords
	subSystemTime
	subActivityID
	subProcessID
	subThreadID
	subEventRecordID
	subVersion
	subUserID
	subRelatedActivityID
	subProviderName
	subProviderGUID
	subChannel
	subEventData
	numSystemSubs
)

// noDependency marks an element that depends on no substitution.
const noDependency = 0xffff

// Binary XML tokens.
const (
	tokEOF             = 0x00
	tokOpenStart       = 0x01
	tokCloseStart      = 0x02
	tokCloseEmpty      = 0x03
	tokEndElement      = 0x04
	tokValue           = 0x05
	tokAttribute       = 0x06
	tokTemplate        = 0x0c
	tokNormalSubst     = 0x0d
	tokOptionalSubst   = 0x0e
	tokFragmentHeader  = 0x0f
	flagHasMore        = 0x40
	fragmentMajor      = 1
	fragmentMinor      = 1
	templateInstanceV1 = 0x01
)

// writeSystemBody writes the System template's definition body: the Event
// element with its System child, each System value an optional
// substitution (the Computer name is literal text, as Windows writes it),
// and the EventData binary XML substitution after System.
func (c *chunk) writeSystemBody(computer string) {
	c.fragmentHeader()
	ev := c.openElement("Event", subEventData, true)
	c.attrText("xmlns", EventNamespace, true)
	c.closeStart(ev)
	sys := c.openElement("System", noDependency, false)
	c.closeStart(sys)

	el := c.openElement("Provider", noDependency, true)
	c.attrSubst("Name", subProviderName, TypeString, false)
	c.attrSubst("Guid", subProviderGUID, TypeGUID, true)
	c.closeEmpty(el)

	el = c.openElement("EventID", subEventID, true)
	c.attrSubst("Qualifiers", subQualifiers, TypeUInt16, true)
	c.closeStart(el)
	c.subst(tokOptionalSubst, subEventID, TypeUInt16)
	c.endElement(el)

	c.substElement("Version", subVersion, TypeUInt8)
	c.substElement("Level", subLevel, TypeUInt8)
	c.substElement("Task", subTask, TypeUInt16)
	c.substElement("Opcode", subOpcode, TypeUInt8)
	c.substElement("Keywords", subKeywords, TypeHexInt64)

	el = c.openElement("TimeCreated", noDependency, true)
	c.attrSubst("SystemTime", subSystemTime, TypeFileTime, true)
	c.closeEmpty(el)

	c.substElement("EventRecordID", subEventRecordID, TypeUInt64)

	el = c.openElement("Correlation", noDependency, true)
	c.attrSubst("ActivityID", subActivityID, TypeGUID, false)
	c.attrSubst("RelatedActivityID", subRelatedActivityID, TypeGUID, true)
	c.closeEmpty(el)

	el = c.openElement("Execution", noDependency, true)
	c.attrSubst("ProcessID", subProcessID, TypeUInt32, false)
	c.attrSubst("ThreadID", subThreadID, TypeUInt32, true)
	c.closeEmpty(el)

	c.substElement("Channel", subChannel, TypeString)

	el = c.openElement("Computer", noDependency, false)
	c.closeStart(el)
	if computer != "" {
		c.valueText(computer)
	}
	c.endElement(el)

	el = c.openElement("Security", noDependency, true)
	c.attrSubst("UserID", subUserID, TypeSID, true)
	c.closeEmpty(el)

	c.endElement(sys)
	c.subst(tokOptionalSubst, subEventData, TypeBinXML)
	c.endElement(ev)
	c.u8(tokEOF)
}

// writeDataBody writes an EventData template's definition body: one Data
// element per value, named by a literal Name attribute, holding a normal
// substitution.
func (c *chunk) writeDataBody(sh *shape) {
	c.fragmentHeader()
	ed := c.openElement("EventData", noDependency, false)
	c.closeStart(ed)
	for i, name := range sh.names {
		el := c.openElement("Data", noDependency, name != "")
		if name != "" {
			c.attrText("Name", name, true)
		}
		c.closeStart(el)
		c.subst(tokNormalSubst, i, sh.types[i])
		c.endElement(el)
	}
	c.endElement(ed)
	c.u8(tokEOF)
}

// substElement writes <name>%sub%</name>, an element that depends on its
// own optional substitution.
func (c *chunk) substElement(name string, sub int, typ ValueType) {
	el := c.openElement(name, uint16(sub), false)
	c.closeStart(el)
	c.subst(tokOptionalSubst, sub, typ)
	c.endElement(el)
}
