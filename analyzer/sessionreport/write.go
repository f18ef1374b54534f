package sessionreport

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
)

// Options tune the writers.
type Options struct {
	report.Options
	// Findings adds the findings in each session (Row.Findings and
	// Row.FindingsLevel): a Findings column in the table ("3 (high)"),
	// Findings and FindingsLevel columns in CSV and fields in JSON.
	Findings bool
}

// CSVColumns are the CSV columns, for both kinds of rows; FindingColumns
// follow with Options.Findings.
var CSVColumns = []string{"Kind", "Host", "User", "LogonId", "LogonType", "LogonTypeName",
	"SourceAddress", "SourcePort", "SourceWorkstation", "AuthenticationPackage", "LogonProcess",
	"Elevated", "Privileges", "LinkedLogonId", "ClientAddress", "ClientName", "Start", "End",
	"DurationSeconds", "Processes", "Known", "EventRecordIDs", "Attempts", "Failures"}

// FindingColumns are the CSV columns Options.Findings adds: the number of
// findings in a session and the highest level among them (empty for
// none, and for failed-logon rows).
var FindingColumns = []string{"Findings", "FindingsLevel"}

// Write writes the rows in format f.
func Write(w io.Writer, f report.Format, rows []Row, opts Options) error {
	switch f {
	case report.Table:
		return writeTable(w, rows, opts)
	case report.CSV:
		return writeCSV(w, rows, opts)
	case report.JSON, report.JSONL:
		return writeJSON(w, f, rows, opts)
	}
	return fmt.Errorf("sessions cannot be written as %q", f)
}

func writeCSV(w io.Writer, rows []Row, opts Options) error {
	cw := csv.NewWriter(w)
	header := CSVColumns
	if opts.Findings {
		header = append(header[:len(header):len(header)], FindingColumns...)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range rows {
		row := csvRow(&rows[i])
		if opts.Findings {
			row = append(row, findingsCells(&rows[i])...)
		}
		for j := range row {
			row[j] = report.CSVCell(row[j], opts.RawCSV)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvRow renders a row as the cells of CSVColumns.
func csvRow(r *Row) []string {
	if r.Kind == KindFailed {
		g := r.Failed
		types, names := make([]string, 0, len(g.LogonTypes)), make([]string, 0, len(g.LogonTypes))
		for _, t := range g.LogonTypes {
			types = append(types, strconv.FormatUint(uint64(t), 10))
			names = append(names, sessions.LogonTypeName(t))
		}
		failures := make([]string, 0, len(g.Statuses))
		for _, s := range g.Statuses {
			failures = append(failures, s.Status+"/"+s.SubStatus+"="+strconv.Itoa(s.Count))
		}
		return []string{r.Kind, r.Host, r.User, "", strings.Join(types, ";"), strings.Join(names, ";"),
			g.SourceAddress, "", g.SourceWorkstation, "", "", "", "", "", "", "",
			timeCell(r.Start), timeCell(r.End), "", "", "", "", strconv.Itoa(g.Count), strings.Join(failures, ";")}
	}
	s := &r.Session
	row := []string{r.Kind, r.Host, r.User, s.LogonId, "", "", "", "", "", "", "", "", "", "", "", "",
		timeCell(r.Start), timeCell(r.End), "", strconv.Itoa(r.Processes), strconv.FormatBool(s.Known), "", "", ""}
	if d, ok := r.Duration(); ok {
		row[18] = strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10)
	}
	if !s.Known {
		return row
	}
	ids := make([]string, len(s.EventRecordIDs))
	for i, id := range s.EventRecordIDs {
		ids[i] = strconv.FormatUint(id, 10)
	}
	copy(row[4:16], []string{strconv.FormatUint(uint64(s.LogonType), 10), s.LogonTypeName, s.IpAddress, s.IpPort,
		s.WorkstationName, s.AuthenticationPackageName, s.LogonProcessName, strconv.FormatBool(s.Elevated),
		strings.Join(s.Privileges, ";"), s.LinkedLogonId, s.ClientAddress, s.ClientName})
	row[21] = strings.Join(ids, ";")
	return row
}

// findingsCells renders the FindingColumns of a row.
func findingsCells(r *Row) []string {
	switch {
	case r.Kind != KindSession:
		return []string{"", ""}
	case r.Findings == 0:
		return []string{"0", ""}
	}
	return []string{strconv.Itoa(r.Findings), r.FindingsLevel.String()}
}

func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return event.FormatTime(t)
}

func writeJSON(w io.Writer, f report.Format, rows []Row, opts Options) error {
	bw := bufio.NewWriter(w)
	if f == report.JSON {
		bw.WriteString("[")
	}
	var b []byte
	for i := range rows {
		b = b[:0]
		if f == report.JSON {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = AppendRowJSON(b, &rows[i], opts.Findings)
		if f == report.JSONL {
			b = append(b, '\n')
		}
		bw.Write(b)
	}
	if f == report.JSON {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// AppendRowJSON appends a row as one JSON object. A session:
// {"Kind":"session","Host","User","LogonId","Start","End",
// "DurationSeconds","Processes"[,"Findings"[,"FindingsLevel"]],
// "Session":{…}}, End and DurationSeconds left out when unknown,
// FindingsLevel when there are no findings, Session in the shape of
// sessions.Session.AppendJSON. A failed-logon group:
// {"Kind":"failed_logons","Host","User","SourceAddress",
// "SourceWorkstation","LogonTypes":[…],"Attempts","First","Last",
// "Failures":[{"Status","SubStatus","Meaning","Count"}]}.
func AppendRowJSON(b []byte, r *Row, withFindings bool) []byte {
	b = append(b, `{"Kind":`...)
	b = event.AppendJSONString(b, r.Kind)
	b = appendString(b, "Host", r.Host)
	b = appendString(b, "User", r.User)
	if r.Kind == KindFailed {
		return appendFailedJSON(b, r)
	}
	b = appendString(b, "LogonId", r.Session.LogonId)
	b = appendString(b, "Start", event.FormatTime(r.Start))
	if !r.End.IsZero() {
		b = appendString(b, "End", event.FormatTime(r.End))
	}
	if d, ok := r.Duration(); ok {
		b = append(b, `,"DurationSeconds":`...)
		b = strconv.AppendInt(b, int64(d.Round(time.Second)/time.Second), 10)
	}
	b = append(b, `,"Processes":`...)
	b = strconv.AppendInt(b, int64(r.Processes), 10)
	if withFindings {
		b = append(b, `,"Findings":`...)
		b = strconv.AppendInt(b, int64(r.Findings), 10)
		if r.Findings > 0 {
			b = appendString(b, "FindingsLevel", r.FindingsLevel.String())
		}
	}
	b = append(b, `,"Session":`...)
	b = r.Session.AppendJSON(b)
	return append(b, '}')
}

func appendFailedJSON(b []byte, r *Row) []byte {
	g := r.Failed
	b = appendString(b, "SourceAddress", g.SourceAddress)
	b = appendString(b, "SourceWorkstation", g.SourceWorkstation)
	b = append(b, `,"LogonTypes":[`...)
	for i, t := range g.LogonTypes {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(t), 10)
	}
	b = append(b, `],"Attempts":`...)
	b = strconv.AppendInt(b, int64(g.Count), 10)
	b = appendString(b, "First", event.FormatTime(g.First))
	b = appendString(b, "Last", event.FormatTime(g.Last))
	b = append(b, `,"Failures":[`...)
	for i, s := range g.Statuses {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Status":`...)
		b = event.AppendJSONString(b, s.Status)
		b = appendString(b, "SubStatus", s.SubStatus)
		b = appendString(b, "Meaning", s.Meaning)
		b = append(b, `,"Count":`...)
		b = strconv.AppendInt(b, int64(s.Count), 10)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendString(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return event.AppendJSONString(b, value)
}
