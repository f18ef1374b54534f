package binxml

import (
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// buildEvent turns the record the walker has read into a Process event:
// identity fields from the System values, then every EventData item in
// order through extract.Builder. The item values are rendered into one
// buffer and converted to a single string, which the event's fields share.
func (s *state) buildEvent(c *decode.Chunk, r *decode.Result, ts time.Time, host, provider, channel string, id uint32) failure {
	if s.itemsFull {
		return failure{kind: failMalformed, what: "too many EventData items"}
	}
	remaining := len(c.Records) - s.recordIndex
	b := &s.b
	b.Begin()
	p := &b.P
	p.Timestamp = ts
	p.Computer = host
	p.Channel = channel
	p.Provider = provider
	p.EventID = id
	p.Version = uint8(s.spanUint(s.sys[slotVersion]))
	p.EventRecordID = s.spanUint(s.sys[slotRecordID])
	p.SourceFile = c.File
	p.ChunkIndex = c.Index

	s.values, s.ends = s.values[:0], s.ends[:0]
	for _, it := range s.items {
		s.values = s.appendSpan(s.values, it.value)
		if len(s.values) > maxRenderedRecord {
			return failure{kind: failMalformed, what: "EventData values render too large"}
		}
		s.ends = append(s.ends, len(s.values))
	}
	all := r.KeepText(s.values)
	start := 0
	for i := range s.items {
		it := &s.items[i]
		value := all[start:s.ends[i]]
		start = s.ends[i]
		if it.name.n == 0 {
			continue // a Data element without a name carries nothing to map
		}
		b.Data(s.itemName(it), value)
	}
	if len(r.Events) == cap(r.Events) {
		// Room for every record left in the chunk, so a chunk of process
		// creations grows the slice once rather than by doubling.
		grown := make([]event.Process, len(r.Events), len(r.Events)+max(8, remaining))
		copy(grown, r.Events)
		r.Events = grown
	}
	r.Events = append(r.Events, *b.Finish())
	return failure{}
}
