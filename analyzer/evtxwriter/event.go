package evtxwriter

import (
	"fmt"
	"time"
)

// Event is one record to write: the System values of the Windows event
// schema and the EventData values, in order.
type Event struct {
	Provider     string
	ProviderGUID GUID // zero: the Guid attribute is left out
	EventID      uint16
	Qualifiers   uint16 // written only when HasQualifiers
	Version      uint8
	Level        uint8
	Task         uint16
	Opcode       uint8
	Keywords     uint64
	TimeCreated  time.Time // written as a FILETIME, 100 ns precision
	RecordID     uint64    // the EventRecordID element
	ActivityID   GUID      // zero: left out
	ProcessID    uint32    // Execution ProcessID
	ThreadID     uint32    // Execution ThreadID
	Channel      string
	Computer     string
	UserID       SID // nil: the UserID attribute is left out

	HasQualifiers bool

	// Data are the EventData values, written as <Data Name="...">
	// elements in this order; a Data without a name is written as a bare
	// <Data> element, as classic event sources do.
	Data []Data
}

// Data is one named EventData value.
type Data struct {
	Name  string
	Value Value
	// Decl is the type the template declares for the value; zero means
	// the value's own type. Windows declares process ids as TypeSizeT and
	// stores them as TypeHexInt64.
	Decl ValueType
}

// declType returns the type the template declares for d.
func (d *Data) declType() ValueType {
	if d.Decl != 0 {
		return d.Decl
	}
	return d.Value.typ
}

// ValueError reports a value that cannot be written.
type ValueError struct {
	Field string // the System element or Data name
	What  string
}

func (e *ValueError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.What) }

// maxStringUnits bounds the UTF-16 length of literal text (names, the
// Computer name, Data names): a 16-bit character count.
const maxStringUnits = 0xffff - 1

// check validates the values of ev that the encoder cannot represent.
func (ev *Event) check() error {
	if n := utf16Len(ev.Computer); n > maxStringUnits {
		return &ValueError{"Computer", fmt.Sprintf("%d UTF-16 units, more than %d", n, maxStringUnits)}
	}
	strs := [...]struct{ name, s string }{{"Provider", ev.Provider}, {"Channel", ev.Channel}}
	for _, f := range strs {
		if n := 2 * utf16Len(f.s); n > maxValueSize {
			return &ValueError{f.name, fmt.Sprintf("%d bytes, more than %d", n, maxValueSize)}
		}
	}
	for i := range ev.Data {
		d := &ev.Data[i]
		if n := utf16Len(d.Name); n > maxStringUnits {
			return &ValueError{fmt.Sprintf("Data %d", i+1), fmt.Sprintf("name of %d UTF-16 units", n)}
		}
		if err := checkValue(d); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(d *Data) error {
	v := &d.Value
	switch v.typ {
	case TypeNull:
		// Windows never writes one, and libevtx cannot substitute it.
		return &ValueError{d.Name, "a Data value cannot be null (write an empty string)"}
	case TypeString, TypeUInt8, TypeUInt16, TypeUInt32, TypeUInt64,
		TypeHexInt32, TypeHexInt64, TypeFileTime, TypeBool:
	case TypeGUID:
		if len(v.raw) != 16 {
			return &ValueError{d.Name, "GUID value is not 16 bytes"}
		}
	case TypeSID:
		if len(v.raw) < 8 || len(v.raw) != 8+4*int(v.raw[1]) {
			return &ValueError{d.Name, "malformed SID value"}
		}
	default:
		return &ValueError{d.Name, fmt.Sprintf("value type %s cannot be written", v.typ)}
	}
	if n := v.size(); n > maxValueSize {
		return &ValueError{d.Name, fmt.Sprintf("value of %d bytes, more than %d", n, maxValueSize)}
	}
	switch d.Decl {
	case 0, v.typ:
	case TypeSizeT:
		if v.typ != TypeHexInt32 && v.typ != TypeHexInt64 {
			return &ValueError{d.Name, fmt.Sprintf("a SizeT declaration needs a HexInt32 or HexInt64 value, not %s", v.typ)}
		}
	default:
		return &ValueError{d.Name, fmt.Sprintf("declared %s but the value is %s", d.Decl, v.typ)}
	}
	return nil
}
