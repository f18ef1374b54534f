package binxml

import (
	"strconv"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// buildGeneral turns the record the walker has read into a general event
// appended to r.Selected: sys (time, host, channel, provider, event id
// filled in by the caller) completed with the other System values, and
// every payload item in order. The item values are rendered into one
// buffer and kept as one string (r.KeepText), which the items share;
// names are interned and the items are carved from the blocks of s.gb, so
// a record costs one allocation at most.
func (s *state) buildGeneral(c *decode.Chunk, r *decode.Result, sys event.System) failure {
	if s.itemsFull {
		return failure{kind: failMalformed, what: "too many payload items"}
	}
	s.systemValues(&sys)
	if f := s.renderPayload(); f.kind != 0 {
		return f
	}
	all := r.KeepText(s.values)
	b := &s.gb
	b.Begin(sys, s.kind, c.File, c.Index)
	start := 0
	for k, end := range s.ends {
		b.Add(s.payloadName(k, &s.items[s.from[k]]), all[start:end])
		start = end
	}
	if len(r.Selected) == cap(r.Selected) {
		// Room for every record left in the chunk, as for r.Events.
		remaining := len(c.Records) - s.recordIndex
		grown := make([]event.Event, len(r.Selected), len(r.Selected)+max(8, remaining))
		copy(grown, r.Selected)
		r.Selected = grown
	}
	r.Selected = append(r.Selected, b.Finish())
	return failure{}
}

// renderPayload renders the values of the payload items into s.values,
// where each ends into s.ends and the item each comes from into s.from. An
// item whose value is one array is repeated once per array item, as event
// XML repeats its element.
func (s *state) renderPayload() failure {
	s.values, s.ends, s.from = s.values[:0], s.ends[:0], s.from[:0]
	for i := range s.items {
		sp := s.items[i].value
		before, n := len(s.values), len(s.ends)
		if p, ok := s.arrayPart(sp); ok {
			s.values, s.ends, ok = appendArrayItems(s.values, s.ends, maxDataItems-n, p.vtype&^typeArray, s.bytesOf(p))
			s.rendered += len(s.values) - before
			if !ok {
				return failure{kind: failMalformed, what: "too many payload items"}
			}
		} else {
			s.values = s.appendSpan(s.values, sp)
			s.ends = append(s.ends, len(s.values))
		}
		for range len(s.ends) - n {
			s.from = append(s.from, int32(i))
		}
		if len(s.values) > maxRenderedRecord {
			return failure{kind: failMalformed, what: "payload values render too large"}
		}
		if len(s.ends) > maxDataItems {
			return failure{kind: failMalformed, what: "too many payload items"}
		}
	}
	if s.rendered > maxChunkRendered {
		return failure{kind: failMalformed, what: "chunk expands to too much text; record not decoded"}
	}
	return failure{}
}

// arrayPart returns the value of sp when it is one array value.
func (s *state) arrayPart(sp span) (part, bool) {
	if sp.n != 1 {
		return part{}, false
	}
	p := s.parts[sp.first]
	return p, p.kind == partValue && p.vtype&typeArray != 0
}

// systemValues reads the System values other than those the caller
// filled in; the optional ones are marked present when the record has
// them (an element or attribute with a value that is not null).
func (s *state) systemValues(sys *event.System) {
	sys.Version = uint8(s.spanUint(s.sys[slotVersion]))
	sys.EventRecordID = s.spanUint(s.sys[slotRecordID])
	if sp := s.sysSpan(slotProviderGUID); sp.n > 0 {
		sys.ProviderGUID = s.intern(s.spanText(sp))
		sys.Has = sys.Has.With(event.SysProviderGUID)
	}
	if sp := s.sysSpan(slotUserID); sp.n > 0 {
		sys.UserID = s.intern(s.spanText(sp))
		sys.Has = sys.Has.With(event.SysUserID)
	}
	for _, o := range optionalNumbers {
		sp := s.sysSpan(o.slot)
		if sp.n == 0 {
			continue
		}
		sys.SetNumber(o.v, s.spanUint(sp))
	}
}

// optionalNumbers are the optional System values that are numbers.
var optionalNumbers = [...]struct {
	slot slot
	v    event.SystemValue
}{
	{slotLevel, event.SysLevel},
	{slotTask, event.SysTask},
	{slotOpcode, event.SysOpcode},
	{slotKeywords, event.SysKeywords},
	{slotProcessID, event.SysProcessID},
	{slotThreadID, event.SysThreadID},
}

// payloadName returns the name of item i (0-based) of the payload: a
// Data element's Name, a UserData leaf's element name, and for a Data
// element without a name (or with an empty one) Data_N, for a Binary
// element Binary_N, N being the item's 1-based position.
func (s *state) payloadName(i int, it *item) string {
	switch it.kind {
	case itemLeaf:
		return s.nodeName(it.nameNode)
	case itemData:
		if it.name.n > 0 {
			if name := s.itemName(it); name != "" {
				return name
			}
		}
		return s.positional("Data_", i+1)
	}
	return s.positional("Binary_", i+1)
}

// positional returns prefix followed by n, interned.
func (s *state) positional(prefix string, n int) string {
	s.buf = strconv.AppendInt(append(s.buf[:0], prefix...), int64(n), 10)
	return s.intern(s.buf)
}
