package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// FindingColumns are the stable CSV columns of a findings report.
var FindingColumns = []string{"Id", "Time", "Level", "RuleId", "Rule", "Host", "User", "Image", "CommandLine",
	"ParentImage", "ParentCommandLine", "SourceFile", "EventRecordID", "AttackTags", "Decoded"}

func findingRow(f *findings.Finding) []string {
	p := &f.Event
	return []string{f.ID, event.FormatTime(p.Timestamp), f.Level.String(), f.RuleID, f.Title, p.Computer, p.User,
		p.Image, p.CommandLine, p.ParentImage, p.ParentCommandLine, strings.Join(f.Sources, ";"),
		strconv.FormatUint(p.EventRecordID, 10), strings.Join(f.Tags, ";"), f.Decoded}
}

// WriteFindings writes findings (already sorted) in format f.
func WriteFindings(w io.Writer, f Format, fs []findings.Finding, opts Options) error {
	switch f {
	case CSV:
		cw := csv.NewWriter(w)
		cw.Write(FindingColumns)
		for i := range fs {
			row := findingRow(&fs[i])
			for j := range row {
				row[j] = CSVCell(row[j], opts.RawCSV)
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	case JSON, JSONL:
		return writeFindingsJSON(w, f, fs)
	case Table:
		return writeFindingsTable(w, fs, opts)
	}
	return fmt.Errorf("findings cannot be written as %q", f)
}

// AppendFindingJSON appends one finding as a JSON object. Its top-level
// message, datetime and timestamp_desc make JSONL load into Timesketch
// as it is.
func AppendFindingJSON(b []byte, f *findings.Finding) []byte {
	b = append(b, `{"message":`...)
	b = event.AppendJSONString(b, f.Message())
	b = append(b, `,"datetime":`...)
	b = event.AppendJSONString(b, event.FormatTime(f.Event.Timestamp))
	b = append(b, `,"timestamp_desc":"Process Creation","id":`...)
	b = event.AppendJSONString(b, f.ID)
	b = append(b, `,"level":`...)
	b = event.AppendJSONString(b, f.Level.String())
	b = append(b, `,"rule":{"id":`...)
	b = event.AppendJSONString(b, f.RuleID)
	b = append(b, `,"title":`...)
	b = event.AppendJSONString(b, f.Title)
	b = append(b, `,"level":`...)
	b = event.AppendJSONString(b, f.Level.String())
	b = append(b, `,"tags":`...)
	b = appendJSONStrings(b, f.Tags)
	b = append(b, `,"description":`...)
	b = event.AppendJSONString(b, f.Description)
	b = append(b, `,"source":`...)
	b = event.AppendJSONString(b, f.RuleSource)
	b = append(b, '}')
	if f.Reason != "" {
		b = append(b, `,"reason":`...)
		b = event.AppendJSONString(b, f.Reason)
	}
	if f.Decoded != "" {
		b = append(b, `,"decoded":`...)
		b = event.AppendJSONString(b, f.Decoded)
	}
	b = append(b, `,"sources":`...)
	b = appendJSONStrings(b, f.Sources)
	b = append(b, `,"event":`...)
	b = f.Event.AppendJSON(b)
	return append(b, '}')
}

func appendJSONStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = event.AppendJSONString(b, s)
	}
	return append(b, ']')
}

func writeFindingsJSON(w io.Writer, f Format, fs []findings.Finding) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var b []byte
	if f == JSON {
		bw.WriteString("[")
	}
	for i := range fs {
		b = b[:0]
		if f == JSON {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = AppendFindingJSON(b, &fs[i])
		if f == JSONL {
			b = append(b, '\n')
		}
		bw.Write(b)
	}
	if f == JSON {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

func writeFindingsTable(w io.Writer, fs []findings.Finding, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = 120
	}
	rows := make([][]string, 0, len(fs))
	for i := range fs {
		f := &fs[i]
		what := f.Event.CommandLine
		if what == "" {
			what = f.Event.Image
		}
		rows = append(rows, []string{f.Event.Timestamp.UTC().Format(timeShort), f.Level.String(), f.Title,
			f.Event.Computer, f.Event.User, what})
	}
	header := []string{"Time (UTC)", "Level", "Rule", "Host", "User", "Command line"}
	if !opts.Full {
		fitColumns(rows, header, width, []int{0, 0, 40, 16, 20, -1})
	}
	return writeTable(w, header, rows)
}
