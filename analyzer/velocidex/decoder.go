package velocidex

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/Velocidex/ordereddict"
	"www.velocidex.com/golang/evtx"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
)

// Decoder is the Velocidex-backed decode.Decoder. It holds no state and is
// safe for concurrent use.
type Decoder struct{}

// Name implements decode.Decoder.
func (Decoder) Name() string { return "velocidex" }

// Decode implements decode.Decoder.
func (Decoder) Decode(c *decode.Chunk, r *decode.Result) {
	if len(c.Records) == 0 {
		return
	}
	// The parser has no bounds of its own: it is given only the records
	// Guard finds safe.
	safe, refusal := Guard(c.Data, c.Records)
	if refusal != nil {
		r.Problems = append(r.Problems, c.Problemf(int64(refusal.Offset),
			"record %d of %d refused for the velocidex parser: %s; %d records not decoded",
			refusal.Record+1, len(c.Records), refusal.Reason, len(c.Records)-safe))
	}
	if safe == 0 {
		return
	}
	records, err := parseChunk(c, safe)
	if err != nil {
		r.Problems = append(r.Problems, c.Problemf(-1, "velocidex parser: %v", err))
	}
	var b event.Builder
	for i, rec := range records {
		if i >= safe {
			break
		}
		decodeRecord(c, c.Records[i], rec, r, &b)
	}
	if n := len(records); n < safe && err == nil {
		lost := c.Records[n]
		r.Problems = append(r.Problems, c.Problemf(int64(lost.Offset),
			"velocidex parser stopped at record %d of %d; %d records not decoded", n+1, len(c.Records), safe-n))
	}
}

// parseChunk runs the Velocidex chunk parser over the first n records of
// the validated record chain of c, recovering from panics.
func parseChunk(c *decode.Chunk, n int) (records []*evtx.EventRecord, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	data := c.Data
	if len(data) < evtxfile.ChunkSize {
		// The parser reads a whole chunk; pad a short one.
		data = append(append(make([]byte, 0, evtxfile.ChunkSize), data...), make([]byte, evtxfile.ChunkSize-len(data))...)
	}
	chunk := &evtx.Chunk{
		Header: evtx.ChunkHeader{FirstEventRecNumber: 1, LastEventRecNumber: uint64(n)},
		Fd:     bytes.NewReader(data),
	}
	return chunk.Parse(0)
}

// decodeRecord reads one record's time and host, and its Process event
// when it is a process creation, or its general event (built with b) when
// c.Want selects it.
func decodeRecord(c *decode.Chunk, ref evtxfile.Record, rec *evtx.EventRecord, r *decode.Result, b *event.Builder) {
	root, ok := rec.Event.(*ordereddict.Dict)
	var ev, sys *ordereddict.Dict
	if ok {
		ev = dict(get(root, "Event"), "")
		sys = dict(ev, "System")
	}
	if sys == nil {
		r.Records++
		r.Problems = append(r.Problems, c.Problemf(int64(ref.Offset), "record %d: no System element decoded", ref.Number))
		return
	}
	ts := systemTime(get(dict(get(sys, "TimeCreated"), ""), "SystemTime"))
	computer := str(get(sys, "Computer"))
	r.See(ts, computer)

	s := event.System{
		Timestamp:     ts,
		Computer:      computer,
		Channel:       str(scalar(get(sys, "Channel"))),
		Provider:      str(get(dict(get(sys, "Provider"), ""), "Name")),
		EventID:       eventIDOf(get(sys, "EventID")),
		EventRecordID: number(scalar(get(sys, "EventRecordID"))),
	}
	if event.IsProcessCreation(s.Provider, s.Channel, s.EventID) {
		r.Events = append(r.Events, processEvent(c, ev, sys, s))
		return
	}
	if !c.Want.Wants(s.Channel, s.EventID) {
		return
	}
	systemValues(sys, &s)
	b.Begin(s, event.NoData, c.File, c.Index)
	kind := payload(ev, b)
	e := b.Finish()
	e.Kind = kind
	r.Selected = append(r.Selected, e)
}

// processEvent builds the Process event of a process creation.
func processEvent(c *decode.Chunk, ev, sys *ordereddict.Dict, s event.System) event.Process {
	var b extract.Builder
	b.Begin()
	b.P.Timestamp = s.Timestamp
	b.P.Computer = s.Computer
	b.P.Channel = s.Channel
	b.P.Provider = s.Provider
	b.P.EventID = s.EventID
	b.P.Version = uint8(number(get(sys, "Version")))
	b.P.EventRecordID = s.EventRecordID
	b.P.SourceFile = c.File
	b.P.ChunkIndex = c.Index
	eventData(get(ev, "EventData"), b.Data)
	return *b.Finish()
}

// eventData calls fn for each name/value pair of an EventData element, in
// either the normalized form (a map of names) or the raw form the parser
// leaves when a Data element has no value (a list of {Name, Value}).
func eventData(v any, fn func(name, value string)) {
	d, ok := v.(*ordereddict.Dict)
	if !ok {
		return
	}
	if raw, ok := d.Get("Data"); ok && len(d.Keys()) == 1 {
		items, isList := raw.([]any)
		if !isList {
			items = []any{raw}
		}
		for _, item := range items {
			m, ok := item.(*ordereddict.Dict)
			if !ok {
				continue
			}
			name, ok := get(m, "Name").(string)
			if !ok {
				continue
			}
			fn(name, render(get(m, "Value")))
		}
		return
	}
	for _, k := range d.Keys() {
		v, _ := d.Get(k)
		fn(k, render(v))
	}
}

func get(d *ordereddict.Dict, key string) any {
	if d == nil {
		return nil
	}
	v, _ := d.Get(key)
	return v
}

// dict returns v as a dictionary; with a key, the dictionary under it.
func dict(v any, key string) *ordereddict.Dict {
	d, _ := v.(*ordereddict.Dict)
	if key == "" || d == nil {
		return d
	}
	sub, _ := get(d, key).(*ordereddict.Dict)
	return sub
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return render(v)
}

// render turns a decoded value into text as event XML writes it, as far
// as the parser lets: numbers in decimal (the parser reads hex-typed
// values as plain integers), text as is, binary as upper-case hex, FILETIME
// values (which the parser gives as float Unix seconds) as times to the
// microsecond, string arrays joined with ", ".
// Elements (dictionaries and lists of them) render empty: printing them
// costs up to the square of their nesting depth, and shared parts of the
// expanded tree would be printed once per reference.
func render(v any) string {
	switch x := v.(type) {
	case nil, *ordereddict.Dict, []any:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, ", ")
	case []byte:
		return fmt.Sprintf("%X", x)
	case uint8:
		return strconv.FormatUint(uint64(x), 10)
	case uint16:
		return strconv.FormatUint(uint64(x), 10)
	case uint32:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if t := systemTime(x); !t.IsZero() {
			return event.FormatTime(t)
		}
	}
	return fmt.Sprint(v)
}

func number(v any) uint64 {
	switch x := v.(type) {
	case uint8:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint32:
		return uint64(x)
	case uint64:
		return x
	case int:
		return uint64(x)
	case string:
		n, _ := event.ParseNumber(x)
		return n
	}
	return 0
}

func eventIDOf(v any) uint32 {
	if d, ok := v.(*ordereddict.Dict); ok {
		v = get(d, "Value")
	}
	return uint32(number(v))
}

// systemTime converts the parser's float Unix seconds to a UTC time rounded
// to the microsecond.
func systemTime(v any) time.Time {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}
	}
	sec := math.Floor(f)
	usec := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(usec)*1000).UTC()
}
