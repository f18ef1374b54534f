package velocidex

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
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
	for i, rec := range records {
		if i >= safe {
			break
		}
		decodeRecord(c, c.Records[i], rec, r)
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

func decodeRecord(c *decode.Chunk, ref evtxfile.Record, rec *evtx.EventRecord, r *decode.Result) {
	root, ok := rec.Event.(*ordereddict.Dict)
	var sys *ordereddict.Dict
	if ok {
		sys = dict(get(root, "Event"), "System")
	}
	if sys == nil {
		r.Records++
		r.Problems = append(r.Problems, c.Problemf(int64(ref.Offset), "record %d: no System element decoded", ref.Number))
		return
	}
	ts := systemTime(get(dict(get(sys, "TimeCreated"), ""), "SystemTime"))
	computer := str(get(sys, "Computer"))
	r.See(ts, computer)

	provider := str(get(dict(get(sys, "Provider"), ""), "Name"))
	channel := str(get(sys, "Channel"))
	eventID := eventIDOf(get(sys, "EventID"))
	if !extract.IsProcessCreation(provider, channel, eventID) {
		return
	}
	var b extract.Builder
	b.Begin()
	b.P.Timestamp = ts
	b.P.Computer = computer
	b.P.Channel = channel
	b.P.Provider = provider
	b.P.EventID = eventID
	b.P.Version = uint8(number(get(sys, "Version")))
	b.P.EventRecordID = number(get(sys, "EventRecordID"))
	b.P.SourceFile = c.File
	b.P.ChunkIndex = c.Index
	eventData(get(dict(get(root, "Event"), ""), "EventData"), b.Data)
	r.Events = append(r.Events, *b.Finish())
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

// render turns a decoded value into the string the extraction expects:
// numbers in decimal, text as is. Elements (dictionaries and lists of
// them) are no value of a process field and render empty: printing them
// costs up to the square of their nesting depth, and shared parts of the
// expanded tree would be printed once per reference.
func render(v any) string {
	switch x := v.(type) {
	case nil, *ordereddict.Dict, []any:
		return ""
	case string:
		return x
	case []string:
		return fmt.Sprint(x)
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
