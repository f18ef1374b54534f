package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// EventColumns are the CSV columns of a timeline: the time, every field of
// the field table in its order, then the source.
func EventColumns() []string {
	cols := []string{"Timestamp"}
	for _, f := range event.Fields() {
		cols = append(cols, f.Name())
	}
	return append(cols, "SourceFile", "Recovered")
}

// EventRow renders one event as the cells of EventColumns (absent fields
// are empty).
func EventRow(p *event.Process) []string {
	row := make([]string, 0, int(event.NumFields)+3)
	row = append(row, event.FormatTime(p.Timestamp))
	for _, f := range event.Fields() {
		v, _ := p.Get(f)
		row = append(row, v)
	}
	return append(row, p.SourceFile, strconv.FormatBool(p.Recovered))
}

// EventStream delivers a timeline's records in order: it calls fn with
// each and stops at fn's first error, which it returns.
type EventStream func(fn func(*event.Record) error) error

// SliceStream is the stream of records held in a slice.
func SliceStream(events []event.Record) EventStream {
	return func(fn func(*event.Record) error) error {
		for i := range events {
			if err := fn(&events[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// WriteEvents writes a timeline of records (already in order) in format
// f: with opts.AllEvents in the layout of every kind of record, otherwise
// in the process layout (every record must then be a process creation).
func WriteEvents(w io.Writer, f Format, events []event.Record, opts Options) error {
	var table *EventTable
	if f == Table {
		table = NewEventTable(opts)
		for i := range events {
			table.Add(&events[i])
		}
	}
	return WriteEventStream(w, f, SliceStream(events), table, opts)
}

// WriteEventStream writes the timeline stream delivers in format f,
// reading the stream once. A table needs its layout first: table holds
// every event of the stream and was made with the same opts (it is unused
// for other formats).
func WriteEventStream(w io.Writer, f Format, stream EventStream, table *EventTable, opts Options) error {
	switch f {
	case JSON, JSONL:
		return writeEventsJSON(w, f, stream, opts.Workers)
	case CSV:
		if opts.AllEvents {
			return writeRecordsCSV(w, stream, opts.RawCSV)
		}
		return writeEventsCSV(w, stream, opts.RawCSV)
	case Table:
		if table == nil {
			return fmt.Errorf("timeline table: no layout")
		}
		return table.write(w, stream)
	}
	return fmt.Errorf("timeline cannot be written as %q", f)
}

func writeEventsCSV(w io.Writer, stream EventStream, raw bool) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(EventColumns()); err != nil {
		return err
	}
	err := stream(func(r *event.Record) error {
		row := EventRow(r.Process)
		for j := range row {
			row[j] = CSVCell(row[j], raw)
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// jsonSegment is how many events one rendering goroutine turns into JSON
// at a time.
const jsonSegment = 2048

// maxJSONWorkers bounds the goroutines rendering JSON, and so the events
// and text of a batch held in memory (2 segments per goroutine).
const maxJSONWorkers = 8

// writeEventsJSON renders the stream's events in batches of 2 segments
// per worker, the segments of a batch in parallel on up to workers
// goroutines (0: one per CPU; at most maxJSONWorkers), and writes them in
// order.
func writeEventsJSON(w io.Writer, f Format, stream EventStream, workers int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if f == JSON {
		bw.WriteString("[")
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, maxJSONWorkers)
	batch := make([]*event.Record, 0, workers*2*jsonSegment)
	written := 0
	flush := func() error {
		err := writeJSONBatch(bw, f, batch, written, workers)
		written += len(batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	err := stream(func(p *event.Record) error {
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if f == JSON {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// writeJSONBatch renders events, the first of which is event number
// first of the timeline, in segments rendered in parallel.
func writeJSONBatch(bw *bufio.Writer, f Format, events []*event.Record, first, workers int) error {
	bufs := make([][]byte, (len(events)+jsonSegment-1)/jsonSegment)
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for k := range bufs {
		lo := k * jsonSegment
		hi := min(lo+jsonSegment, len(events))
		sem <- struct{}{}
		wg.Go(func() {
			bufs[k] = appendEventsJSON(make([]byte, 0, (hi-lo)*700), f, events[lo:hi], first+lo)
			<-sem
		})
	}
	wg.Wait()
	for _, b := range bufs {
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// appendEventsJSON renders events, the first of which is event number
// first of the timeline, as they appear in a JSON array (comma-separated,
// one per line) or as JSONL lines.
func appendEventsJSON(b []byte, f Format, events []*event.Record, first int) []byte {
	for i, p := range events {
		if f == JSON {
			if first+i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = p.AppendJSON(b)
		if f == JSONL {
			b = append(b, '\n')
		}
	}
	return b
}

// ShortenLeft cuts s to at most n runes keeping its end (the useful part
// of a path), marking the cut with an ellipsis.
func ShortenLeft(s string, n int) string {
	if n <= 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	if printableASCII(s) {
		return "…" + s[len(s)-n+1:]
	}
	runes := []rune(s) // invalid bytes become U+FFFD, as before any cut
	return "…" + string(runes[len(runes)-n+1:])
}
