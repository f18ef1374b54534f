package report

import (
	"sort"
	"time"

	"encoding/csv"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"io"
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// FindingColumns are the stable CSV columns of a findings report, one row
// per finding. SourceFile lists every file the record was read from,
// separated by ";". Channel and EventID name the record; Summary is the
// one-line summary of a record that is not a process creation (whose
// Image is then the acting process, when the record names one).
// LogonType, SourceAddress (the RDP client's address when known, else the
// logon's IpAddress), SourceWorkstation and Elevated describe the logon
// session of the event's logon id; they are empty when no logon of it is
// in the logs. A correlation finding's Summary is "correlation: " and its
// window (see CorrelationSummary), its EventRecordID and EventID are
// empty, and SourceFile lists the files of its listed records.
var FindingColumns = []string{"Id", "Time", "Level", "RuleId", "Rule", "Host", "User", "Image", "CommandLine",
	"ParentImage", "ParentCommandLine", "SourceFile", "EventRecordID", "AttackTags", "Decoded",
	"Channel", "EventID", "Summary", "LogonType", "SourceAddress", "SourceWorkstation", "Elevated"}

func findingRow(f *findings.Finding) []string {
	p := &f.Event
	image, summary := p.Image, ""
	var logonType, address, workstation, elevated string
	if s := f.Session; s != nil && s.Known {
		logonType = strconv.FormatUint(uint64(s.LogonType), 10)
		address, workstation = s.IpAddress, s.WorkstationName
		if s.ClientAddress != "" {
			address, workstation = s.ClientAddress, s.ClientName
		}
		elevated = strconv.FormatBool(s.Elevated)
	}
	if f.General != nil {
		image, summary = event.ActorOf(f.General).Image, event.Summary(f.General)
	}
	recordID, eventID := strconv.FormatUint(p.EventRecordID, 10), strconv.FormatUint(uint64(p.EventID), 10)
	if f.Correlation != nil {
		summary, recordID, eventID = "correlation: "+CorrelationSummary(f.Correlation), "", ""
	}
	return []string{f.ID, event.FormatTime(p.Timestamp), f.Level.String(), f.RuleID, f.Title, p.Computer, p.User,
		image, p.CommandLine, p.ParentImage, p.ParentCommandLine, strings.Join(f.Sources, ";"),
		recordID, strings.Join(f.Tags, ";"), f.Decoded,
		p.Channel, eventID, summary,
		logonType, address, workstation, elevated}
}

// CSVFindingsWriter writes one CSV row per finding. Cells a spreadsheet
// would run as formulas are neutralized unless Raw is set.
type CSVFindingsWriter struct {
	Raw bool
}

// WriteFindings implements FindingsWriter.
func (cw *CSVFindingsWriter) WriteFindings(w io.Writer, r *FindingsReport) error {
	out := csv.NewWriter(w)
	if err := out.Write(FindingColumns); err != nil {
		return err
	}
	err := r.Findings.Each(func(f *findings.Finding) error {
		return writeCSVRow(out, findingRow(f), cw.Raw)
	})
	if err != nil {
		return err
	}
	out.Flush()
	return out.Error()
}

func writeCSVRow(out *csv.Writer, row []string, raw bool) error {
	for i := range row {
		row[i] = CSVCell(row[i], raw)
	}
	return out.Write(row)
}

// ContextColumns are the columns of the context CSV: one row per context
// event, keyed by the finding's Id. Relation is before, after, ancestor or
// child; Index counts from 1 within a relation (for ancestors it is the
// depth: 1 is the parent); Known is false for the first ancestor no event
// describes, of which only what its child recorded is given. Relation
// session rows are the records of the finding's logon session: its 4624
// (Image: the logon process), its 4648 (User: the account whose
// credentials were used, Image: the process) and its logoffs.
var ContextColumns = []string{"FindingId", "Relation", "Index", "Known", "Time", "EventID", "EventRecordID",
	"ProcessId", "ParentProcessId", "ProcessGuid", "Image", "CommandLine", "User", "LogonId", "SourceFile"}

func contextRow(id string, row findings.ContextRow) []string {
	e := row.Event
	if e.Unknown {
		return []string{id, row.Relation, strconv.Itoa(row.Index), "false", "", "", "",
			strconv.FormatUint(e.ProcessId, 10), "", e.ProcessGuid, e.Image, "", "", "", ""}
	}
	return []string{id, row.Relation, strconv.Itoa(row.Index), "true", event.FormatTime(e.Timestamp),
		strconv.FormatUint(uint64(e.EventID), 10), strconv.FormatUint(e.EventRecordID, 10),
		strconv.FormatUint(e.ProcessId, 10), strconv.FormatUint(e.ParentProcessId, 10), e.ProcessGuid,
		e.Image, e.CommandLine, e.User, e.LogonId, e.SourceFile}
}

// WriteContextCSV writes the context rows of every finding, in report
// order, then per finding in the order of findings.Context.Rows.
func WriteContextCSV(w io.Writer, src FindingSource, raw bool) error {
	out := csv.NewWriter(w)
	if err := out.Write(ContextColumns); err != nil {
		return err
	}
	err := src.Each(func(f *findings.Finding) error {
		for _, row := range f.Context.Rows() {
			if err := writeCSVRow(out, contextRow(f.ID, row), raw); err != nil {
				return err
			}
		}
		for i, row := range sessionRows(f) {
			row[2] = strconv.Itoa(i + 1)
			if err := writeCSVRow(out, row, raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	out.Flush()
	return out.Error()
}

// sessionRows are the context rows (relation "session") of a finding's
// logon session: its logon (4624), then its explicit-credential (4648)
// and logoff (4634, 4647) records, in time order. Index is set by the
// caller.
func sessionRows(f *findings.Finding) [][]string {
	s := f.Session
	if s == nil || !s.Known {
		return nil
	}
	row := func(t time.Time, id uint32, rec uint64, image, user string) []string {
		return []string{f.ID, "session", "", "true", event.FormatTime(t), strconv.FormatUint(uint64(id), 10),
			strconv.FormatUint(rec, 10), "", "", "", image, "", user, s.LogonId, ""}
	}
	var logonRec uint64
	if len(s.EventRecordIDs) > 0 {
		logonRec = s.EventRecordIDs[0]
	}
	rows := [][]string{row(s.LogonTime, 4624, logonRec, s.LogonProcessName, s.User)}
	others := append(append([]sessions.Record(nil), s.ExplicitCredentials...), s.Logoffs...)
	sort.SliceStable(others, func(i, j int) bool { return others[i].Timestamp.Before(others[j].Timestamp) })
	for _, r := range others {
		user := s.User
		if r.TargetUser != "" {
			user = r.TargetUser
		}
		rows = append(rows, row(r.Timestamp, r.EventID, r.EventRecordID, r.ProcessName, user))
	}
	return rows
}
