// Package sessionreport writes the report of `evtxhunt sessions`: one row
// per logon session of every host (package sessions), with the number of
// process creations it started and of the findings in it, and one row per
// group of failed logons, as a table, CSV, JSON (one array) or JSONL (one
// object per line).
//
// CountFindings counts a scan's findings (package findings) per row: a
// finding falls in the row of the session its event's logon id gives at
// its time, by the same lookup that gives a finding its context.session
// (sessions.Index.LookupKey), so the two always agree. It reads the
// findings once, in one pass over Results.Each, keeping one counter per
// session that holds findings.
//
// It sits beside package report, whose helpers it uses (terminal-safe
// tables, CSV formula neutralization), rather than inside it, so that
// package sessions stays free of the report's dependencies: the findings
// that carry a Session are written by package report.
package sessionreport
