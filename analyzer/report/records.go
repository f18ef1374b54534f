package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// RecordColumns are the CSV columns of a timeline of every kind of record
// (timeline --events all): the System values, the one-line summary, the
// payload as one JSON object (a process creation's normalized fields), the
// source file and whether the record was carved. Optional System values a
// record lacks are empty.
var RecordColumns = []string{"Timestamp", "Computer", "Channel", "Provider", "EventID", "Version", "EventRecordID",
	"Level", "Task", "Opcode", "Keywords", "UserID", "ProcessID", "ThreadID", "User", "Summary", "Payload",
	"SourceFile", "Recovered"}

// RecordRow renders one record as the cells of RecordColumns.
func RecordRow(r event.Record) []string {
	if p := r.Process; p != nil {
		payload := p.AppendJSON(nil)
		return []string{event.FormatTime(p.Timestamp), p.Computer, p.Channel, p.Provider,
			strconv.FormatUint(uint64(p.EventID), 10), strconv.FormatUint(uint64(p.Version), 10),
			strconv.FormatUint(p.EventRecordID, 10), "", "", "", "", p.UserSid, "", "", p.User,
			processSummary(p), string(payload), p.SourceFile, strconv.FormatBool(p.Recovered)}
	}
	e := r.Event
	opt := func(name string) string {
		v, _ := e.SystemValueOf(name)
		return v
	}
	return []string{event.FormatTime(e.Timestamp), e.Computer, e.Channel, e.Provider,
		strconv.FormatUint(uint64(e.EventID), 10), strconv.FormatUint(uint64(e.Version), 10),
		strconv.FormatUint(e.EventRecordID, 10), opt("Level"), opt("Task"), opt("Opcode"), opt("Keywords"),
		opt("UserID"), opt("Execution_ProcessID"), opt("Execution_ThreadID"), event.ActorOf(e).User,
		event.Summary(e), string(e.AppendPayloadJSON(nil)), e.SourceFile, strconv.FormatBool(e.Recovered)}
}

// processSummary is the one-line summary of a process creation: its
// command line, or its image when the command line was not logged.
func processSummary(p *event.Process) string {
	if p.CommandLine != "" {
		return p.CommandLine
	}
	return p.Image
}

// writeRecordsCSV writes a timeline of every kind of record as CSV.
func writeRecordsCSV(w io.Writer, stream EventStream, raw bool) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(RecordColumns); err != nil {
		return err
	}
	err := stream(func(r *event.Record) error { return writeCSVRow(cw, RecordRow(*r), raw) })
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// The columns of the table of every kind of record.
const (
	recTime = iota
	recHost
	recEvent
	recUser
	recSummary
	numRecordCols
)

var (
	recordHeaders = []string{"Time (UTC)", "Host", "Event", "User", "Summary"}
	recordCaps    = []int{0, 16, 28, 24, -1}
)

// recordCells renders the cells of one record of the table.
func recordCells(r *event.Record, all *[numRecordCols]string) {
	var channel, user, summary string
	var id uint32
	var recovered bool
	if p := r.Process; p != nil {
		channel, id, user, summary, recovered = p.Channel, p.EventID, p.User, processSummary(p), p.Recovered
	} else {
		e := r.Event
		channel, id, user, summary, recovered = e.Channel, e.EventID, event.ActorOf(e).User, event.Summary(e), e.Recovered
	}
	ev := shortChannel(channel) + " " + strconv.FormatUint(uint64(id), 10)
	if recovered {
		ev += " (recovered)"
	}
	all[recTime] = r.Time().UTC().Format(timeShort)
	all[recHost], all[recEvent], all[recUser], all[recSummary] = r.Host(), ev, user, summary
}

// addRecord measures one record of the table of every kind of record.
func (t *EventTable) addRecord(r *event.Record) {
	var all [numRecordCols]string
	recordCells(r, &all)
	t.fit.row()
	t.fit.asciiCell(recTime, timeCellLen(r.Time().UTC().Year()))
	for c := recHost; c < numRecordCols; c++ {
		t.fit.cell(c, all[c])
	}
}

// writeRecords writes the table of every kind of record.
func (t *EventTable) writeRecords(w io.Writer, stream EventStream) error {
	fw, err := t.fit.writer(w, []int{recTime, recHost, recEvent, recUser, recSummary})
	if err != nil {
		return err
	}
	var all [numRecordCols]string
	err = stream(func(r *event.Record) error {
		recordCells(r, &all)
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

// shortChannel drops the Microsoft-Windows- prefix and /Operational
// suffix that most channel names share.
func shortChannel(c string) string {
	const prefix, suffix = "Microsoft-Windows-", "/Operational"
	if len(c) > len(prefix) && c[:len(prefix)] == prefix {
		c = c[len(prefix):]
	}
	if len(c) > len(suffix) && c[len(c)-len(suffix):] == suffix {
		c = c[:len(c)-len(suffix)]
	}
	return c
}
