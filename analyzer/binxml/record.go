package binxml

import (
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// decodeRecord decodes one record of the chunk into r: its time and host
// always, and a Process event when it is a process creation.
func (s *state) decodeRecord(c *decode.Chunk, rec evtxfile.Record, r *decode.Result) failure {
	s.beginRecord()
	if s.steps > maxChunkSteps || s.rendered > maxChunkRendered {
		return failure{kind: failMalformed, off: rec.Offset, what: "chunk expands to too much text or too many nodes; record not decoded"}
	}
	if rec.Size < evtxfile.RecordHeaderSize+4 || uint64(rec.Offset)+uint64(rec.Size) > uint64(len(s.chunk)) {
		return failure{kind: failMalformed, off: rec.Offset, what: "record outside the chunk"}
	}
	p := rec.Offset + evtxfile.RecordHeaderSize
	end := rec.Offset + rec.Size - 4
	b := s.chunk
	for p+4 <= end && b[p] == tokFragmentHeader {
		p += 4
	}
	if p >= end {
		return failure{kind: failMalformed, off: p, what: "record holds no binary XML"}
	}
	var w walker
	if b[p] == tokTemplateInstance {
		t, base, n, f := s.instance(p+1, end)
		if f.kind != 0 {
			return f
		}
		if t.fast && s.skip(t, base, n, r) {
			return failure{}
		}
		if s.staticView(t, base, n) {
			return s.finish(c, r)
		}
		f = s.walkTemplate(&w, t.first, t.end, base, n, 0)
		if f.kind != 0 {
			return f
		}
	} else if f := s.walkFragment(&w, p, end, 0); f.kind != 0 {
		return f
	}
	return s.finish(c, r)
}

// staticPart resolves the System value of slot held by template t with
// values [base, base+n): its one part, whether it has one, and whether the
// skip path can use it (not when the value is written in several pieces or
// is itself binary XML).
func (s *state) staticPart(t *template, sl slot, base, n int) (p part, present, simple bool) {
	sp := t.top.slots[sl]
	switch {
	case sp.n == 0:
		return part{}, false, true
	case sp.n > 1:
		return part{}, false, false
	}
	nd := &s.nodes[sp.first]
	switch nd.kind {
	case nodeText:
		return part{kind: partText, off: nd.off, n: nd.n}, true, true
	case nodeSubst:
		if int(nd.off) >= n {
			return part{}, false, true
		}
		v := s.vals[base+int(nd.off)]
		switch v.typ {
		case typeNull:
			return part{}, false, true
		case typeBinXML:
			return part{}, false, false
		}
		return part{kind: partValue, vtype: v.typ, off: v.off, n: uint32(v.size)}, true, true
	}
	return part{}, false, false
}

// skip is the hot path: it reads the EventID, provider and channel of a
// record straight from the values of its template instance and, when the
// record is neither a process creation nor selected by s.want, records
// its time and host and reports true. It renders nothing else and
// allocates nothing (a new host name aside). It reports false when the
// record needs the full walk.
func (s *state) skip(t *template, base, n int, r *decode.Result) bool {
	idPart, ok, simple := s.staticPart(t, slotEventID, base, n)
	if !simple {
		return false
	}
	var id uint64
	if ok {
		id = s.partUint(idPart)
	}
	eid := uint32(id)
	if !s.hostsOnly && (eid == event.SecurityProcessCreate || eid == event.SysmonProcessCreate) {
		provider, ok1, simple1 := s.staticPart(t, slotProvider, base, n)
		channel, ok2, simple2 := s.staticPart(t, slotChannel, base, n)
		if !simple1 || !simple2 {
			return false
		}
		s.buf, s.buf2 = s.buf[:0], s.buf2[:0]
		if ok1 {
			s.buf = s.appendPart(s.buf, provider)
		}
		if ok2 {
			s.buf2 = s.appendPart(s.buf2, channel)
		}
		if mayBeProcessCreation(s.buf, s.buf2, eid) {
			return false
		}
	}
	if s.want != nil && s.want.MayWant(eid) { // no call at all without a selection
		channel, ok, simple := s.staticPart(t, slotChannel, base, n)
		if !simple {
			return false
		}
		s.buf2 = s.buf2[:0]
		if ok {
			s.buf2 = s.appendPart(s.buf2, channel)
		}
		if s.want.WantsBytes(s.buf2, eid) {
			return false
		}
	}
	ts, ok, simple := s.staticTime(t, base, n)
	if !simple {
		return false
	}
	if !ok {
		ts = time.Time{}
	}
	host, ok, simple := s.staticPart(t, slotComputer, base, n)
	if !simple {
		return false
	}
	name := s.buf[:0]
	if ok {
		name = s.appendPart(name, host)
	}
	s.buf = name
	if s.rendered > maxChunkRendered {
		return false // the walk reports it
	}
	r.See(ts, s.host(name))
	return true
}

// mayBeProcessCreation is event.IsProcessCreation on rendered bytes; it
// answers true whenever it cannot be sure (a channel that is not ASCII), so
// the full path decides those.
func mayBeProcessCreation(provider, channel []byte, eventID uint32) bool {
	for _, c := range channel {
		if c >= 0x80 {
			return true
		}
	}
	switch eventID {
	case event.SecurityProcessCreate:
		return string(provider) == event.SecurityProvider || equalFoldASCII(channel, event.SecurityChannel)
	case event.SysmonProcessCreate:
		return string(provider) == event.SysmonProvider || equalFoldASCII(channel, event.SysmonChannel)
	}
	return false
}

func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

// spanText renders the parts of sp into s.buf (bounded) and returns it.
func (s *state) spanText(sp span) []byte {
	s.buf = s.appendSpan(s.buf[:0], sp)
	return s.buf
}

// appendSpan appends the text of the parts of sp, stopping once dst holds
// more than maxRenderedRecord bytes or the chunk's budget is spent.
func (s *state) appendSpan(dst []byte, sp span) []byte {
	for i := sp.first; i < sp.first+sp.n && len(dst) <= maxRenderedRecord && s.rendered <= maxChunkRendered; i++ {
		dst = s.appendPart(dst, s.parts[i])
	}
	return dst
}

// finish completes a record the walker has read: its time and host, its
// Process event when it is a process creation, and its general event
// when s.want selects it.
func (s *state) finish(c *decode.Chunk, r *decode.Result) failure {
	ts := s.spanTime(s.sys[slotTime])
	hostName := s.spanText(s.sys[slotComputer])
	if s.rendered > maxChunkRendered {
		return failure{kind: failMalformed, what: "chunk expands to too much text; record not decoded"}
	}
	host := s.host(hostName)
	r.See(ts, host)
	id := uint32(s.spanUint(s.sys[slotEventID]))
	process := !s.hostsOnly && (id == event.SecurityProcessCreate || id == event.SysmonProcessCreate)
	if !process && !s.want.MayWant(id) {
		return failure{}
	}
	provider := s.intern(s.spanText(s.sys[slotProvider]))
	channelText := s.spanText(s.sys[slotChannel])
	selected := s.want.WantsBytes(channelText, id)
	channel := s.intern(channelText)
	if process && event.IsProcessCreation(provider, channel, id) {
		if f := s.buildEvent(c, r, ts, host, provider, channel, id); f.kind != 0 || !s.processItems {
			return f
		}
	} else if !selected {
		return failure{}
	}
	return s.buildGeneral(c, r, event.System{Timestamp: ts, Computer: host, Channel: channel, Provider: provider, EventID: id})
}
