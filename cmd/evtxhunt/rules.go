package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

func newCmdRules(ios *ioStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the detection rules, or check rule files",
		Long: `Work with the Sigma rules scan uses: the built-in rules and those added
with -r. Rules must have logsource category process_creation (product
windows); other Sigma rules are skipped with a note.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCmdRulesList(ios))
	cmd.AddCommand(newCmdRulesLint(ios))
	return cmd
}

type rulesListOptions struct {
	IO    *ioStreams
	Rules ruleFlags
	Out   outputFlags

	format report.Format
}

func newCmdRulesList(ios *ioStreams) *cobra.Command {
	opts := &rulesListOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List every loaded rule: id, level, title, ATT&CK tags, source",
		Long: `List every rule scan would load with the same flags: the built-in rules
(unless --no-builtin) and those of -r, at or above --min-level. Each rule
shows its id, level, title (shortened in the table unless --full), MITRE
ATT&CK tags (without the "attack." prefix in table and CSV) and source
("builtin:<path>" or the file) with the line it starts on. A rule that does not load is reported on stderr
and the exit code is 2.`,
		Example: `  evtxhunt rules list
  evtxhunt rules list -r my-rules/ --no-builtin -f csv -o rules.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.format, err = opts.Out.format(report.Table, report.CSV, report.JSON, report.JSONL); err != nil {
				return err
			}
			if _, err = opts.Rules.config(); err != nil {
				return err
			}
			return runRulesList(opts)
		},
	}
	opts.Rules.register(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	return cmd
}

func runRulesList(opts *rulesListOptions) error {
	set, err := opts.Rules.load(opts.IO.ErrOut)
	if err != nil {
		return err
	}
	return writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		return writeRuleList(o, opts.format, set.Rules(), opts.Out.options())
	})
}

var ruleListHeader = []string{"ID", "LEVEL", "TITLE", "ATT&CK", "SOURCE"}

func ruleListRow(r *sigma.Rule) []string {
	attack := r.AttackTags()
	tags := make([]string, 0, len(attack))
	for _, t := range attack {
		tags = append(tags, t[len("attack."):])
	}
	return []string{r.ID, r.Level.String(), r.Title, strings.Join(tags, ","), r.Location()}
}

// ruleJSON is one rule in rules list's JSON output.
type ruleJSON struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Level      string   `json:"level"`
	Status     string   `json:"status,omitempty"`
	AttackTags []string `json:"attack_tags"`
	Tags       []string `json:"tags"`
	Source     string   `json:"source"`
	Line       int      `json:"line"`
}

// ruleTitleWidth is where the table shortens titles (unless --full).
const ruleTitleWidth = 72

func writeRuleList(w io.Writer, f report.Format, rules []*sigma.Rule, ro report.Options) error {
	switch f {
	case report.JSON, report.JSONL:
		list := make([]ruleJSON, len(rules))
		for i, r := range rules {
			list[i] = ruleJSON{ID: r.ID, Title: r.Title, Level: r.Level.String(), Status: r.Status,
				AttackTags: nonNil(r.AttackTags()), Tags: nonNil(r.Tags), Source: r.Source, Line: r.Line}
		}
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
	case report.CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(ruleListHeader); err != nil {
			return err
		}
		for _, r := range rules {
			row := ruleListRow(r)
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
	rows := make([][]string, 0, len(rules))
	for _, r := range rules {
		row := ruleListRow(r)
		if !ro.Full {
			row[2] = report.Shorten(row[2], ruleTitleWidth)
		}
		rows = append(rows, row)
	}
	return report.WriteTable(w, ruleListHeader, rows)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
