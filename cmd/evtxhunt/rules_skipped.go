package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// loadSkipping loads the rules, printing each rule defect and one note
// that counts the rules skipped on purpose (quiet leaves the note out),
// and returns the skipped rules' notes too. Rule defects are a usage
// error.
func (f *ruleFlags) loadSkipping(stderr io.Writer, quiet bool) (*detections.Set, []*sigma.LoadError, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, nil, err
	}
	resume := func() {}
	if len(cfg.RulePaths) == 0 {
		// The built-in rules alone: a known, small amount to allocate.
		resume = pauseCollector()
	}
	set, errs := loadDetections(cfg)
	resume()
	bad := 0
	var skipped []*sigma.LoadError
	for _, e := range errs {
		if e.Note {
			skipped = append(skipped, e)
			continue
		}
		bad++
		fmt.Fprintf(stderr, "evtxhunt: rule error: %v\n", e)
	}
	if bad > 0 {
		return nil, nil, usageErrorf("%d rule errors (see above); fix or remove the rules (evtxhunt rules lint checks them)", bad)
	}
	if msg := skippedNote(skipped); msg != "" && !quiet {
		fmt.Fprintf(stderr, "evtxhunt: note: %s\n", msg)
	}
	return set, skipped, nil
}

// skipLabels words the count of each skip reason in the summary note.
var skipLabels = map[sigma.SkipReason][2]string{
	sigma.SkipProduct:     {"for another product", "for other products"},
	sigma.SkipUnmapped:    {"with a Windows log source evtxhunt does not map", "with Windows log sources evtxhunt does not map"},
	sigma.SkipCorrelation: {"correlation rule", "correlation rules"},
	sigma.SkipAggregation: {"with an aggregation or timeframe", "with aggregations or timeframes"},
	sigma.SkipFilter:      {"Sigma filter document", "Sigma filter documents"},
	sigma.NotSkipped:      {"for another reason", "for other reasons"},
}

// skippedNote summarizes the skipped rules in one line, "skipped 152
// rules: 150 for other products, 2 correlation rules (...)", or "".
func skippedNote(skipped []*sigma.LoadError) string {
	if len(skipped) == 0 {
		return ""
	}
	counts := map[sigma.SkipReason]int{}
	for _, e := range skipped {
		counts[e.Skip]++
	}
	var parts []string
	for _, r := range []sigma.SkipReason{sigma.SkipProduct, sigma.SkipUnmapped, sigma.SkipCorrelation,
		sigma.SkipAggregation, sigma.SkipFilter, sigma.NotSkipped} {
		if n := counts[r]; n > 0 {
			label := skipLabels[r][1]
			if n == 1 {
				label = skipLabels[r][0]
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	return fmt.Sprintf("skipped %s: %s (evtxhunt rules list --skipped names them)", plural(len(skipped), "rule"), strings.Join(parts, ", "))
}

var skippedHeader = []string{"ID", "SKIPPED", "REASON", "SOURCE"}

// skippedJSON is one skipped rule in rules list --skipped's JSON output.
type skippedJSON struct {
	ID      string `json:"id"`
	Skipped string `json:"skipped"`
	Reason  string `json:"reason"`
	Source  string `json:"source"`
	Line    int    `json:"line"`
}

// writeSkippedList writes the skipped rules: id, the kind of reason,
// the reason, and where the rule is.
func writeSkippedList(w io.Writer, f report.Format, skipped []*sigma.LoadError, ro report.Options) error {
	rows := make([][]string, len(skipped))
	for i, e := range skipped {
		src := e.File
		if e.Line > 0 {
			src = fmt.Sprintf("%s:%d", e.File, e.Line)
		}
		rows[i] = []string{e.RuleID, e.Skip.String(), e.Reason, src}
		if e.Skip == sigma.NotSkipped {
			rows[i][1] = "other"
		}
	}
	switch f {
	case report.JSON, report.JSONL:
		list := make([]skippedJSON, len(skipped))
		for i, e := range skipped {
			list[i] = skippedJSON{ID: e.RuleID, Skipped: rows[i][1], Reason: e.Reason, Source: e.File, Line: e.Line}
		}
		return writeJSONList(w, f, list)
	case report.CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(skippedHeader); err != nil {
			return err
		}
		for _, row := range rows {
			for i := range row {
				row[i] = report.CSVCell(row[i], ro.RawCSV)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	if !ro.Full {
		for _, row := range rows {
			row[2] = report.Shorten(row[2], ruleTitleWidth)
		}
	}
	return report.WriteTable(w, skippedHeader, rows)
}

// writeJSONList writes a list as one indented JSON array or as JSON lines.
func writeJSONList[T any](w io.Writer, f report.Format, list []T) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if f == report.JSON {
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	for i := range list {
		if err := enc.Encode(&list[i]); err != nil {
			return err
		}
	}
	return nil
}
