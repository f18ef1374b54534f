// Package sessionreport writes the report of `evtxhunt sessions`: one row
// per logon session of every host (package sessions), with the number of
// process creations it started, and one row per group of failed logons,
// as a table, CSV, JSON (one array) or JSONL (one object per line).
//
// It sits beside package report, whose helpers it uses (terminal-safe
// tables, CSV formula neutralization), rather than inside it, so that
// package sessions stays free of the report's dependencies: the findings
// that will carry a Session are written by package report.
package sessionreport
