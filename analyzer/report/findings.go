package report

import (
	"fmt"
	"io"

	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// HTML is the self-contained HTML report format (findings only).
const HTML Format = "html"

// FindingSource delivers findings in report order; findings.Results and
// findings.List are sources.
type FindingSource interface {
	Each(fn func(*findings.Finding) error) error
}

// FindingsReport is what a findings writer writes: the findings in report
// order and the summaries the scan computed along the way.
type FindingsReport struct {
	Findings FindingSource
	Stats    findings.Stats
	Groups   []findings.Group     // per host and user
	Hours    []findings.HourCount // findings per hour and level
}

// ReportOf makes the report of a scan's results.
func ReportOf(r *findings.Results) *FindingsReport {
	return &FindingsReport{Findings: r, Stats: r.Stats, Groups: r.Groups, Hours: r.Hours}
}

// FindingsWriter writes a findings report in one format. Writers stream:
// they hold one finding at a time, whatever the report's size.
type FindingsWriter interface {
	WriteFindings(w io.Writer, r *FindingsReport) error
}

// NewFindingsWriter returns the writer of format f.
func NewFindingsWriter(f Format, opts Options) (FindingsWriter, error) {
	switch f {
	case Table:
		return &TableFindingsWriter{Options: opts}, nil
	case CSV:
		return &CSVFindingsWriter{Raw: opts.RawCSV}, nil
	case JSON:
		return &JSONFindingsWriter{}, nil
	case JSONL:
		return &JSONFindingsWriter{Lines: true}, nil
	case HTML:
		return &HTMLFindingsWriter{}, nil
	}
	return nil, fmt.Errorf("findings cannot be written as %q", f)
}

// WriteFindings writes findings (already in order) in format f: a
// shorthand for NewFindingsWriter with a report of just those findings.
func WriteFindings(w io.Writer, f Format, fs []findings.Finding, opts Options) error {
	fw, err := NewFindingsWriter(f, opts)
	if err != nil {
		return err
	}
	return fw.WriteFindings(w, ReportOfList(fs))
}

// ReportOfList makes a report of findings already in memory, computing the
// summaries the scan would have.
func ReportOfList(fs []findings.Finding) *FindingsReport {
	r := &FindingsReport{Findings: findings.List(fs)}
	r.Stats, r.Groups, r.Hours = findings.Summarize(fs)
	return r
}
