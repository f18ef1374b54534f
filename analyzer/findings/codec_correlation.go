package findings

import (
	"encoding/binary"
	"time"

	"github.com/evtxhunt/evtxhunt/detections/correlation"
)

// appendCorrelation encodes a finding's correlation part, or its absence.
func appendCorrelation(b []byte, c *CorrelationInfo) []byte {
	if c == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendString(b, c.Type)
	b = appendString(b, c.Condition)
	b = binary.AppendVarint(b, int64(c.Timespan))
	b = binary.AppendUvarint(b, uint64(len(c.Group)))
	for _, g := range c.Group {
		b = appendString(b, g.Field)
		b = appendString(b, g.Value)
	}
	b = binary.AppendVarint(b, c.Count)
	b = binary.AppendVarint(b, c.Total)
	b = appendStrings(b, c.Values)
	b = appendStrings(b, c.Rules)
	b = appendTime(b, c.First)
	b = appendTime(b, c.Last)
	b = binary.AppendUvarint(b, uint64(len(c.Records)))
	for i := range c.Records {
		r := &c.Records[i]
		b = appendTime(b, r.Time)
		b = appendString(b, r.Computer)
		b = appendString(b, r.Channel)
		b = binary.AppendUvarint(b, uint64(r.EventID))
		b = binary.AppendUvarint(b, r.EventRecordID)
		b = appendString(b, r.File)
	}
	return b
}

// correlation decodes what appendCorrelation wrote.
func (d *decoder) correlation() *CorrelationInfo {
	flag := d.bytes(1)
	if len(flag) != 1 || flag[0] == 0 {
		return nil
	}
	c := &CorrelationInfo{Type: d.string(), Condition: d.string(), Timespan: time.Duration(d.varint())}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	for range n {
		c.Group = append(c.Group, correlation.GroupValue{Field: d.string(), Value: d.string()})
	}
	c.Count, c.Total = d.varint(), d.varint()
	c.Values, c.Rules = d.strings(), d.strings()
	c.First, c.Last = d.time(), d.time()
	if n = d.uvarint(); n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	for range n {
		r := correlation.Ref{Time: d.time(), Computer: d.string(), Channel: d.string()}
		r.EventID = uint32(d.uvarint())
		r.EventRecordID = d.uvarint()
		r.File = d.string()
		c.Records = append(c.Records, r)
	}
	return c
}
