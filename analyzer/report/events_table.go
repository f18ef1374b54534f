package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// The timeline table's columns, fitted to the width (fitTable): host,
// user and image are cut keeping their end, the command line gets the
// room left.
const (
	colTime = iota
	colRecovered
	colHost
	colUser
	colPID
	colImage
	colCommandLine
	numEventCols
)

var (
	eventHeaders = []string{"Time (UTC)", "Recovered", "Host", "User", "PID", "Image", "Command line"}
	eventCaps    = []int{0, 0, 16, 24, 0, 32, -1}
)

// timeShort renders a time for tables: to the millisecond, no zone letter
// (all times are UTC, which the header says).
const timeShort = "2006-01-02 15:04:05.000"

// EventTable lays out the timeline table. Column widths depend on every
// row, and a timeline may be too large to hold, so the table is made in
// two steps: Add every event, in any order, as it is read (the table
// keeps a few numbers per column, not the rows), then write the events in
// order as they stream past (WriteEventStream). The bytes are those of
// laying out all the rows at once.
//
// With Options.AllEvents the table has the layout of every kind of
// record: time, host, event (channel and id), user and summary.
type EventTable struct {
	fit       *fitTable
	recovered bool
	all       bool // the layout of every kind of record
}

// NewEventTable returns an empty layout for a table written with opts.
func NewEventTable(opts Options) *EventTable {
	if opts.AllEvents {
		return &EventTable{fit: newFitTable(recordHeaders, recordCaps, opts), all: true}
	}
	return &EventTable{fit: newFitTable(eventHeaders, eventCaps, opts)}
}

// Add measures one record of the table.
func (t *EventTable) Add(r *event.Record) {
	if t.all {
		t.addRecord(r)
		return
	}
	p := r.Process
	f := t.fit
	f.row()
	f.asciiCell(colTime, timeCellLen(p.Timestamp.UTC().Year()))
	if p.Recovered {
		t.recovered = true
		f.asciiCell(colRecovered, len("yes"))
	}
	f.cell(colHost, p.Computer)
	f.cell(colUser, p.User)
	if n, ok := p.Number(event.FieldProcessId); ok {
		f.asciiCell(colPID, len(strconv.FormatUint(n, 10)))
	}
	f.cell(colImage, p.Image)
	f.cell(colCommandLine, p.CommandLine)
}

// timeCellLen is the length of a time in timeShort for a year: 23 for
// years of four digits.
func timeCellLen(year int) int {
	if year >= 0 && year <= 9999 {
		return len(timeShort)
	}
	return len(timeShort) - 4 + len(strconv.Itoa(year))
}

// write renders the table of the events stream delivers, which must be
// those added. Recovered is shown only when some event was recovered.
func (t *EventTable) write(w io.Writer, stream EventStream) error {
	if t.all {
		return t.writeRecords(w, stream)
	}
	var shown []int
	for c := range numEventCols {
		if c != colRecovered || t.recovered {
			shown = append(shown, c)
		}
	}
	fw, err := t.fit.writer(w, shown)
	if err != nil {
		return err
	}
	var all [numEventCols]string
	err = stream(func(r *event.Record) error {
		p := r.Process
		all[colTime] = p.Timestamp.UTC().Format(timeShort)
		all[colRecovered] = ""
		if p.Recovered {
			all[colRecovered] = "yes"
		}
		all[colHost], all[colUser], all[colImage] = p.Computer, p.User, p.Image
		all[colPID] = ""
		if n, ok := p.Number(event.FieldProcessId); ok {
			all[colPID] = strconv.FormatUint(n, 10)
		}
		all[colCommandLine] = p.CommandLine
		return fw.row(all[:])
	})
	if err != nil {
		return err
	}
	if err := fw.close(); err != nil {
		return fmt.Errorf("timeline %w", err)
	}
	return nil
}
