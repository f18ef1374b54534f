package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
)

// StatsColumns are the columns (and JSON keys) of the stats report.
var StatsColumns = []string{"Path", "Bytes", "Chunks", "Records", "Security4688", "Sysmon1",
	"First", "Last", "Hosts", "Problems", "HeaderChunks", "EmptyChunks", "Dirty",
	"Recovered", "Recovered4688", "RecoveredSysmon1"}

// recoveredColumn is the index of Recovered in StatsColumns.
const recoveredColumn = 13

func statsRow(f *pipeline.FileStats) []string {
	return []string{f.Path, strconv.FormatInt(f.Bytes, 10), strconv.Itoa(f.Chunks), strconv.Itoa(f.Records),
		strconv.Itoa(f.N4688), strconv.Itoa(f.NSysmon1), timeOrEmpty(f.First), timeOrEmpty(f.Last),
		strings.Join(f.Hosts, ";"), strconv.Itoa(f.Problems), strconv.Itoa(f.HeaderChunks),
		strconv.Itoa(f.EmptyChunks), strconv.FormatBool(f.Dirty),
		carvedCount(f, f.Recovered), carvedCount(f, f.Recovered4688), carvedCount(f, f.RecoveredSysmon1)}
}

// carvedCount renders a count of recovered records: empty when the file
// was not carved (no count is not zero).
func carvedCount(f *pipeline.FileStats, n int) string {
	if !f.Carved {
		return ""
	}
	return strconv.Itoa(n)
}

// anyCarved reports whether any file was carved (the table then shows the
// Recovered column).
func anyCarved(files []*pipeline.FileStats) bool {
	for _, f := range files {
		if f.Carved {
			return true
		}
	}
	return false
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return event.FormatTime(t)
}

// WriteStats writes one row per input file in format f.
func WriteStats(w io.Writer, f Format, files []*pipeline.FileStats, opts Options) error {
	switch f {
	case CSV:
		cw := csv.NewWriter(w)
		cw.Write(StatsColumns)
		for _, st := range files {
			row := statsRow(st)
			for j := range row {
				row[j] = CSVCell(row[j], opts.RawCSV)
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	case JSON, JSONL:
		return writeStatsJSON(w, f, files)
	case Table:
		header := []string{"File", "Bytes", "Chunks", "Records", "4688", "Sysmon 1", "First (UTC)", "Last (UTC)", "Hosts", "Problems"}
		carved := anyCarved(files)
		if carved {
			header = append(header, "Recovered")
		}
		rows := make([][]string, 0, len(files))
		for _, st := range files {
			r := statsRow(st)
			if !opts.Full {
				r[0] = ShortenLeft(r[0], 50)
				r[8] = Shorten(r[8], 30)
			}
			if r[6] != "" {
				r[6], r[7] = st.First.Format(timeShort[:19]), st.Last.Format(timeShort[:19])
			}
			if carved {
				r = append(r[:10], r[recoveredColumn])
			}
			rows = append(rows, r[:len(header)])
		}
		return WriteTable(w, header, rows)
	}
	return fmt.Errorf("stats cannot be written as %q", f)
}

func writeStatsJSON(w io.Writer, f Format, files []*pipeline.FileStats) error {
	bw := bufio.NewWriter(w)
	if f == JSON {
		bw.WriteString("[")
	}
	for i, st := range files {
		if f == JSON {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
		}
		b := []byte(`{"Path":`)
		b = event.AppendJSONString(b, st.Path)
		b = fmt.Appendf(b, `,"Bytes":%d,"Chunks":%d,"Records":%d,"Security4688":%d,"Sysmon1":%d,"First":`,
			st.Bytes, st.Chunks, st.Records, st.N4688, st.NSysmon1)
		b = appendJSONTime(b, st.First)
		b = append(b, `,"Last":`...)
		b = appendJSONTime(b, st.Last)
		b = append(b, `,"Hosts":[`...)
		for j, h := range st.Hosts {
			if j > 0 {
				b = append(b, ',')
			}
			b = event.AppendJSONString(b, h)
		}
		b = fmt.Appendf(b, `],"Problems":%d,"HeaderChunks":%d,"EmptyChunks":%d,"Dirty":%t`,
			st.Problems, st.HeaderChunks, st.EmptyChunks, st.Dirty)
		b = appendJSONCount(b, "Recovered", st, st.Recovered)
		b = appendJSONCount(b, "Recovered4688", st, st.Recovered4688)
		b = appendJSONCount(b, "RecoveredSysmon1", st, st.RecoveredSysmon1)
		b = append(b, '}')
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

func appendJSONTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return event.AppendJSONString(b, event.FormatTime(t))
}

// appendJSONCount appends a recovered-record count, null when the file
// was not carved.
func appendJSONCount(b []byte, key string, st *pipeline.FileStats, n int) []byte {
	b = fmt.Appendf(b, `,%q:`, key)
	if !st.Carved {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(n), 10)
}
