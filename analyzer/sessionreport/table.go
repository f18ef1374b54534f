package sessionreport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
)

// tableTime is how tables show times (UTC).
const tableTime = "2006-01-02 15:04:05"

// writeTable writes the sessions table, headed "Logon sessions: N", then,
// when there are any, the failed-logons table, headed "Failed logons: N
// attempts in M groups".
func writeTable(w io.Writer, rows []Row, opts Options) error {
	var sessionRows, failedRows [][]string
	attempts := 0
	for i := range rows {
		r := &rows[i]
		if r.Kind == KindFailed {
			failedRows = append(failedRows, failedCells(r, opts.Full))
			attempts += r.Failed.Count
			continue
		}
		cells := sessionCells(r, opts.Full)
		if opts.Findings {
			cells = append(cells, findingsTableCell(r))
		}
		sessionRows = append(sessionRows, cells)
	}
	header := []string{"Host", "User", "Logon id", "Type", "Source", "Package", "Elevated", "Start (UTC)", "End (UTC)", "Duration", "Processes"}
	if opts.Findings {
		header = append(header, "Findings")
	}
	if len(sessionRows) == 0 {
		if _, err := fmt.Fprintln(w, "Logon sessions: none"); err != nil {
			return err
		}
	} else {
		if _, err := fmt.Fprintf(w, "Logon sessions: %d\n", len(sessionRows)); err != nil {
			return err
		}
		if err := report.WriteTable(w, header, sessionRows); err != nil {
			return err
		}
	}
	if len(failedRows) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "\nFailed logons: %d attempts in %d groups\n", attempts, len(failedRows)); err != nil {
		return err
	}
	return report.WriteTable(w, []string{"Host", "User", "Source", "Workstation", "Types", "Attempts", "First (UTC)", "Last (UTC)", "Failures"}, failedRows)
}

// sessionCells renders a session row for the table.
func sessionCells(r *Row, full bool) []string {
	s := &r.Session
	var kind, src, pkg, elevated string
	switch {
	case s.Known:
		kind = strconv.FormatUint(uint64(s.LogonType), 10)
		if s.LogonTypeName != "" {
			kind = s.LogonTypeName + " (" + kind + ")"
		}
		src = sessions.FormatSource(s.IpAddress, s.WorkstationName)
		if c := sessions.FormatSource(s.ClientAddress, s.ClientName); c != "" && c != src {
			src += "; RDP client " + c
		}
		if s.AuthenticationPackageName != "-" {
			pkg = s.AuthenticationPackageName
		}
		if s.Elevated {
			elevated = "yes"
		}
	case s.User != "":
		kind = "built-in"
	default:
		kind = "no 4624"
	}
	end, duration := "-", ""
	if !r.End.IsZero() {
		end = r.End.UTC().Format(tableTime)
	}
	if d, ok := r.Duration(); ok {
		duration = d.Round(time.Second).String()
	}
	host, user := r.Host, r.User
	if !full {
		host, user, src = report.Shorten(host, 30), report.Shorten(user, 28), report.Shorten(src, 44)
	}
	return []string{host, user, s.LogonId, kind, src, pkg, elevated, r.Start.UTC().Format(tableTime), end, duration, strconv.Itoa(r.Processes)}
}

// failedCells renders a failed-logon group for the table.
func failedCells(r *Row, full bool) []string {
	g := r.Failed
	types, failures := make([]string, 0, len(g.LogonTypes)), make([]string, 0, len(g.Statuses))
	for _, t := range g.LogonTypes {
		types = append(types, strconv.FormatUint(uint64(t), 10))
	}
	for _, s := range g.Statuses {
		what := s.Meaning
		if what == "" {
			what = s.Status + "/" + s.SubStatus
		}
		failures = append(failures, what+" ("+strconv.Itoa(s.Count)+")")
	}
	cells := []string{r.Host, r.User, g.SourceAddress, g.SourceWorkstation, strings.Join(types, ","), strconv.Itoa(g.Count),
		g.First.UTC().Format(tableTime), g.Last.UTC().Format(tableTime), strings.Join(failures, ", ")}
	if !full {
		cells[0], cells[1], cells[8] = report.Shorten(cells[0], 30), report.Shorten(cells[1], 28), report.Shorten(cells[8], 60)
	}
	return cells
}

// findingsTableCell renders a session's findings for the table: their
// number, with the highest level among them ("3 (high)").
func findingsTableCell(r *Row) string {
	if r.Findings == 0 {
		return "0"
	}
	return strconv.Itoa(r.Findings) + " (" + r.FindingsLevel.String() + ")"
}
