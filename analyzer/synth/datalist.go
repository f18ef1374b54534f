package synth

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// dataList builds EventData values, keeping the first conversion error,
// which names the Data element.
type dataList struct {
	list []evtxwriter.Data
	err  error
}

func newDataList(n int) *dataList { return &dataList{list: make([]evtxwriter.Data, 0, n)} }

func (d *dataList) add(name string, v evtxwriter.Value, decl evtxwriter.ValueType) {
	d.list = append(d.list, evtxwriter.Data{Name: name, Value: v, Decl: decl})
}

func (d *dataList) fail(name, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	d.add(name, evtxwriter.String(""), 0)
}

func (d *dataList) str(name, s string) { d.add(name, evtxwriter.String(s), 0) }

func (d *dataList) sid(name, s string) {
	sid, err := evtxwriter.ParseSID(s)
	if err != nil {
		d.fail(name, "%v", err)
		return
	}
	d.add(name, evtxwriter.SIDValue(sid), 0)
}

func (d *dataList) guid(name, s string) {
	g, err := evtxwriter.ParseGUID(s)
	if err != nil {
		d.fail(name, "%v", err)
		return
	}
	d.add(name, evtxwriter.GUIDValue(g), 0)
}

// hex64 writes a number given in decimal or 0x-hex as a HexInt64.
func (d *dataList) hex64(name, s string) {
	n, ok := event.ParseNumber(s)
	if !ok {
		d.fail(name, "not a number: %q", s)
		return
	}
	d.add(name, evtxwriter.HexInt64(n), 0)
}

// pid writes a process id as Windows does on 64-bit systems: declared
// SizeT, stored HexInt64.
func (d *dataList) pid(name string, n uint64) {
	d.add(name, evtxwriter.HexInt64(n), evtxwriter.TypeSizeT)
}

func (d *dataList) u32(name string, n uint64) {
	if n > math.MaxUint32 {
		d.fail(name, "%d does not fit in 32 bits", n)
		return
	}
	d.add(name, evtxwriter.UInt32(uint32(n)), 0)
}

// u32text writes a decimal number given as text as a UInt32.
func (d *dataList) u32text(name, s string) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		d.fail(name, "not a 32-bit number: %q", s)
		return
	}
	d.add(name, evtxwriter.UInt32(uint32(n)), 0)
}

// typed converts a generic EventData value to the type its name has in
// the event's type table (a string when it has none). JSON numbers
// without a table entry become UInt32, or UInt64 when larger; JSON
// booleans become Bool.
func (d *dataList) typed(v DataValue, typ evtxwriter.ValueType) {
	if typ == 0 {
		switch {
		case v.Bool:
			typ = evtxwriter.TypeBool
		case v.Number:
			typ = evtxwriter.TypeUInt32
			if n, err := strconv.ParseUint(v.Value, 10, 64); err == nil && n > math.MaxUint32 {
				typ = evtxwriter.TypeUInt64
			}
		default:
			d.str(v.Name, v.Value)
			return
		}
	}
	switch typ {
	case evtxwriter.TypeString:
		d.str(v.Name, v.Value)
	case evtxwriter.TypeSID:
		d.sid(v.Name, v.Value)
	case evtxwriter.TypeGUID:
		d.guid(v.Name, v.Value)
	case evtxwriter.TypeBool:
		b, err := strconv.ParseBool(v.Value)
		if err != nil {
			d.fail(v.Name, "not a boolean: %q", v.Value)
			return
		}
		d.add(v.Name, evtxwriter.Bool(b), 0)
	case evtxwriter.TypeSizeT:
		n, ok := event.ParseNumber(v.Value)
		if !ok {
			d.fail(v.Name, "not a number: %q", v.Value)
			return
		}
		d.pid(v.Name, n)
	default:
		d.number(v, typ)
	}
}

// number writes an integer value of type typ.
func (d *dataList) number(v DataValue, typ evtxwriter.ValueType) {
	n, ok := event.ParseNumber(v.Value)
	limit := map[evtxwriter.ValueType]uint64{
		evtxwriter.TypeUInt8: math.MaxUint8, evtxwriter.TypeUInt16: math.MaxUint16,
		evtxwriter.TypeUInt32: math.MaxUint32, evtxwriter.TypeHexInt32: math.MaxUint32,
		evtxwriter.TypeUInt64: math.MaxUint64, evtxwriter.TypeHexInt64: math.MaxUint64,
	}[typ]
	if !ok || n > limit {
		d.fail(v.Name, "not a %s: %q", typ, v.Value)
		return
	}
	var val evtxwriter.Value
	switch typ {
	case evtxwriter.TypeUInt8:
		val = evtxwriter.UInt8(uint8(n))
	case evtxwriter.TypeUInt16:
		val = evtxwriter.UInt16(uint16(n))
	case evtxwriter.TypeUInt32:
		val = evtxwriter.UInt32(uint32(n))
	case evtxwriter.TypeHexInt32:
		val = evtxwriter.HexInt32(uint32(n))
	case evtxwriter.TypeHexInt64:
		val = evtxwriter.HexInt64(n)
	default:
		val = evtxwriter.UInt64(n)
	}
	d.add(v.Name, val, 0)
}
