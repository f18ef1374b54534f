package crossparse

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Event converts a parsed record into the general event evtxhunt's
// decoders give (event.Event), for tests that need general records from
// a reference parser: the System values Timestamp, Computer, Channel,
// Provider, EventID, Version and EventRecordID, and the EventData values
// in order. Values are as Normalize left them (numbers in decimal, GUIDs
// without braces, "\n" line ends); file names the record's source.
func (r *Record) Event(file string) (event.Event, error) {
	e := event.Event{Kind: event.EventData, SourceFile: file}
	ts, err := time.Parse(TimeLayout, r.System["TimeCreated/SystemTime"])
	if err != nil {
		return e, fmt.Errorf("record time: %w", err)
	}
	e.Timestamp = ts
	e.Computer, e.Channel, e.Provider = r.System["Computer"], r.System["Channel"], r.System["Provider/Name"]
	for _, f := range []struct {
		key  string
		bits int
		set  func(uint64)
	}{
		{"EventID", 16, func(n uint64) { e.EventID = uint32(n) }},
		{"Version", 8, func(n uint64) { e.Version = uint8(n) }},
		{"EventRecordID", 64, func(n uint64) { e.EventRecordID = n }},
	} {
		v := r.System[f.key]
		if v == "" && f.key == "Version" {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, f.bits)
		if err != nil {
			return e, fmt.Errorf("record %s %q: %w", f.key, v, err)
		}
		f.set(n)
	}
	for i, d := range r.Data {
		name := d.Name
		if name == "" {
			name = "Data_" + strconv.Itoa(i+1)
		}
		e.Items = append(e.Items, event.Item{Name: name, Value: d.Value})
	}
	return e, nil
}

// VelocidexEvents parses a file with the Velocidex parser and returns its
// records as general events (see Record.Event).
func VelocidexEvents(path string) ([]event.Event, error) {
	recs, err := Velocidex(path)
	if err != nil {
		return nil, err
	}
	out := make([]event.Event, 0, len(recs))
	for i := range recs {
		e, err := recs[i].Event(path)
		if err != nil {
			return out, fmt.Errorf("%s: record %d: %w", path, i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}
