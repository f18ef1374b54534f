package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

func newCmdRules(ios *ioStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the detection rules, or check rule files",
		Long: `Work with the Sigma rules scan uses: the built-in rules and those added
with -r. Rules of every Windows log source load (process_creation,
registry, file, network, image load, PowerShell, Security, System,
Defender, ...: see README, "Log sources"); rules for other products
(linux, macos, cloud, proxies, ...) and aggregations are skipped with a
note. Correlation rules (Sigma v2: event_count, value_count, temporal,
temporal_ordered) load, built-in ones included, and are listed with the
log source "correlation/<type>".`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCmdRulesList(ios))
	cmd.AddCommand(newCmdRulesLint(ios))
	return cmd
}

type rulesListOptions struct {
	IO      *ioStreams
	Rules   ruleFlags
	Out     outputFlags
	Skipped bool

	format report.Format
}

func newCmdRulesList(ios *ioStreams) *cobra.Command {
	opts := &rulesListOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List every loaded rule: id, level, title, log source, ATT&CK tags, source",
		Long: `List every rule scan would load with the same flags: the built-in rules
(unless --no-builtin) and those of -r, at or above --min-level. Each rule
shows its id, level, title (shortened in the table unless --full), log
source (product/category/service, e.g. windows/registry_set/ or
windows//security), MITRE ATT&CK tags (without the "attack." prefix in
table and CSV) and source ("builtin:<path>" or the file) with the line it
starts on. Correlation rules follow, their log source
"correlation/<type>" (correlation/event_count, ...); --min-level applies
to their own level, and the rules they refer to are listed whatever
their level.

--skipped lists instead the rules skipped on purpose, one by one: id,
why (other product, aggregation, unmapped Windows log
source, filter document), the reason in full, and where the rule is. Scan
and rules list print only their count, in one note on stderr.

A rule that does not load is reported on stderr and the exit code is 2.`,
		Example: `  evtxhunt rules list
  evtxhunt rules list -r my-rules/ --no-builtin -f csv -o rules.csv
  evtxhunt rules list -r sigma/rules --skipped`,
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
	cmd.Flags().BoolVar(&opts.Skipped, "skipped", false, "list the rules skipped on purpose (other products, correlations, aggregations, ...) and why, instead of the loaded ones")
	return cmd
}

func runRulesList(opts *rulesListOptions) error {
	set, skipped, err := opts.Rules.loadSkipping(opts.IO.ErrOut, opts.Skipped)
	if err != nil {
		return err
	}
	return writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		if opts.Skipped {
			return writeSkippedList(o, opts.format, skipped, opts.Out.options())
		}
		return writeRuleList(o, opts.format, listedRules(set.Rules(), set.Correlations().Rules()), opts.Out.options())
	})
}

var ruleListHeader = []string{"ID", "LEVEL", "TITLE", "LOGSOURCE", "ATT&CK", "SOURCE"}

// listedRule is one line of rules list: a Sigma rule or a correlation.
type listedRule struct {
	ID, Title, Level, Status, LogSource, Source, Location string
	Line                                                  int
	Tags, AttackTags                                      []string
}

// listedRules lists the Sigma rules, then the correlation rules.
func listedRules(rules []*sigma.Rule, corrs []*correlation.Rule) []listedRule {
	out := make([]listedRule, 0, len(rules)+len(corrs))
	for _, r := range rules {
		out = append(out, listedRule{ID: r.ID, Title: r.Title, Level: r.Level.String(), Status: r.Status,
			LogSource: r.LogSource().String(), Source: r.Source, Location: r.Location(), Line: r.Line,
			Tags: r.Tags, AttackTags: r.AttackTags()})
	}
	for _, c := range corrs {
		out = append(out, listedRule{ID: c.ID, Title: c.Title, Level: c.Level, Status: c.Status,
			LogSource: "correlation/" + c.Type.String(), Source: c.Source, Location: c.Location(), Line: c.Line,
			Tags: c.Tags, AttackTags: c.AttackTags()})
	}
	return out
}

func ruleListRow(r *listedRule) []string {
	tags := make([]string, 0, len(r.AttackTags))
	for _, t := range r.AttackTags {
		tags = append(tags, t[len("attack."):])
	}
	return []string{r.ID, r.Level, r.Title, r.LogSource, strings.Join(tags, ","), r.Location}
}

// ruleJSON is one rule in rules list's JSON output.
type ruleJSON struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Level      string   `json:"level"`
	Status     string   `json:"status,omitempty"`
	LogSource  string   `json:"logsource"`
	AttackTags []string `json:"attack_tags"`
	Tags       []string `json:"tags"`
	Source     string   `json:"source"`
	Line       int      `json:"line"`
}

// ruleTitleWidth is where the table shortens titles (unless --full).
const ruleTitleWidth = 72

func writeRuleList(w io.Writer, f report.Format, rules []listedRule, ro report.Options) error {
	switch f {
	case report.JSON, report.JSONL:
		list := make([]ruleJSON, len(rules))
		for i, r := range rules {
			list[i] = ruleJSON{ID: r.ID, Title: r.Title, Level: r.Level, Status: r.Status, LogSource: r.LogSource,
				AttackTags: nonNil(r.AttackTags), Tags: nonNil(r.Tags), Source: r.Source, Line: r.Line}
		}
		return writeJSONList(w, f, list)
	case report.CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(ruleListHeader); err != nil {
			return err
		}
		for i := range rules {
			row := ruleListRow(&rules[i])
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
	for i := range rules {
		row := ruleListRow(&rules[i])
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
