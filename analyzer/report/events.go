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

// WriteEvents writes a timeline of records (already in order) in format
// f: with opts.AllEvents in the layout of every kind of record, otherwise
// in the process layout (every record must then be a process creation).
func WriteEvents(w io.Writer, f Format, events []event.Record, opts Options) error {
	if opts.AllEvents && (f == CSV || f == Table) {
		return writeRecords(w, f, events, opts)
	}
	switch f {
	case JSON, JSONL:
		return writeEventsJSON(w, f, events, opts.Workers)
	case CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(EventColumns()); err != nil {
			return err
		}
		for _, r := range events {
			row := EventRow(r.Process)
			for j := range row {
				row[j] = CSVCell(row[j], opts.RawCSV)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case Table:
		return writeEventsTable(w, events, opts)
	}
	return fmt.Errorf("timeline cannot be written as %q", f)
}

// jsonSegment is how many events one rendering goroutine turns into JSON
// at a time.
const jsonSegment = 2048

// writeEventsJSON renders segments of events in parallel and writes them
// in order, with up to workers goroutines (0: one per CPU); at most 2
// segments per worker are held in memory.
func writeEventsJSON(w io.Writer, f Format, events []event.Record, workers int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if f == JSON {
		bw.WriteString("[")
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var firstErr error
	for start := 0; start < len(events) && firstErr == nil; start += workers * 2 * jsonSegment {
		end := min(start+workers*2*jsonSegment, len(events))
		bufs := make([][]byte, (end-start+jsonSegment-1)/jsonSegment)
		var wg sync.WaitGroup
		sem := make(chan struct{}, workers)
		for k := range bufs {
			lo := start + k*jsonSegment
			hi := min(lo+jsonSegment, end)
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				bufs[k] = appendEventsJSON(make([]byte, 0, (hi-lo)*700), f, events, lo, hi)
				<-sem
			}()
		}
		wg.Wait()
		for _, b := range bufs {
			if _, err := bw.Write(b); err != nil {
				firstErr = err
				break
			}
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if f == JSON {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// appendEventsJSON renders events[lo:hi] as they appear in a JSON array
// (comma-separated, one per line) or as JSONL lines.
func appendEventsJSON(b []byte, f Format, events []event.Record, lo, hi int) []byte {
	for i := lo; i < hi; i++ {
		if f == JSON {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = events[i].AppendJSON(b)
		if f == JSONL {
			b = append(b, '\n')
		}
	}
	return b
}

// timeShort renders a time for tables: to the millisecond, no zone letter
// (all times are UTC, which the header says).
const timeShort = "2006-01-02 15:04:05.000"

func writeEventsTable(w io.Writer, records []event.Record, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = 120
	}
	// Carved events are marked in a column of their own, present only
	// when there are any.
	recovered := false
	for i := range records {
		recovered = recovered || records[i].Process.Recovered
	}
	rows := make([][]string, 0, len(records))
	for _, r := range records {
		p := r.Process
		pid := ""
		if n, ok := p.Number(event.FieldProcessId); ok {
			pid = strconv.FormatUint(n, 10)
		}
		row := []string{p.Timestamp.UTC().Format(timeShort), p.Computer, p.User, pid, p.Image, p.CommandLine}
		if recovered {
			mark := ""
			if p.Recovered {
				mark = "yes"
			}
			row = append(row[:1], append([]string{mark}, row[1:]...)...)
		}
		rows = append(rows, row)
	}
	header := []string{"Time (UTC)", "Host", "User", "PID", "Image", "Command line"}
	caps := []int{0, 16, 24, 0, 32, -1}
	if recovered {
		header = append(header[:1], append([]string{"Recovered"}, header[1:]...)...)
		caps = append(caps[:1], append([]int{0}, caps[1:]...)...)
	}
	if !opts.Full {
		fitColumns(rows, header, width, caps)
	}
	return WriteTable(w, header, rows)
}

// fitColumns shortens cells so the table fits width: column i is cut to
// caps[i] runes (0: never cut; paths keep their end), and the column with
// cap -1 gets the room that is left.
func fitColumns(rows [][]string, header []string, width int, caps []int) {
	used := 1 + 3*len(header) // borders and padding
	flex := -1
	for c, limit := range caps {
		if limit < 0 {
			flex = c
			continue
		}
		n := utf8.RuneCountInString(header[c])
		for _, r := range rows {
			n = max(n, utf8.RuneCountInString(SafeText(r[c])))
		}
		if limit > 0 {
			n = min(n, limit)
			for _, r := range rows {
				r[c] = ShortenLeft(r[c], n)
			}
		}
		used += n
	}
	if flex >= 0 {
		room := max(width-used, 20)
		for _, r := range rows {
			r[flex] = Shorten(r[flex], room)
		}
	}
}

// ShortenLeft cuts s to at most n runes keeping its end (the useful part
// of a path), marking the cut with an ellipsis.
func ShortenLeft(s string, n int) string {
	runes := []rune(s)
	if n <= 1 || len(runes) <= n {
		return s
	}
	return "…" + string(runes[len(runes)-n+1:])
}
