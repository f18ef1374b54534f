package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/detections/builtin"
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
shows its id, level, title, MITRE ATT&CK tags (without the "attack."
prefix in table and CSV) and source ("builtin:<path>" or the file) with
the line it starts on. A rule that does not load is reported on stderr
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
		return writeRuleList(o, opts.format, set.Rules(), opts.Out.RawCSV)
	})
}

var ruleListHeader = []string{"ID", "LEVEL", "TITLE", "ATT&CK", "SOURCE"}

func ruleListRow(r *sigma.Rule) []string {
	var tags []string
	for _, t := range r.AttackTags() {
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

func writeRuleList(w io.Writer, f report.Format, rules []*sigma.Rule, rawCSV bool) error {
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
				row[i] = report.CSVCell(row[i], rawCSV)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	t.Header(ruleListHeader[0], ruleListHeader[1], ruleListHeader[2], ruleListHeader[3], ruleListHeader[4])
	for _, r := range rules {
		row := ruleListRow(r)
		for i := range row {
			row[i] = report.SafeText(row[i])
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type rulesLintOptions struct {
	IO           *ioStreams
	Paths        []string
	Placeholders string
}

func newCmdRulesLint(ios *ioStreams) *cobra.Command {
	opts := &rulesLintOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "lint [flags] PATH...",
		Short: "Check Sigma rule files and say exactly what is wrong in each",
		Long: `Check Sigma rule files (files, or folders searched for *.yml and *.yaml)
the way scan loads them, and print one line per file: "ok" with its rule
count, or every problem as FILE:LINE: rule ID: reason. Rules that are not
process_creation rules are noted, not errors. A rule id used twice (in
the files checked, or by a built-in rule) is an error.

Exit code 0 when every file is usable (notes allowed), 2 when any has an
error.`,
		Example: `  evtxhunt rules lint my-rules/
  evtxhunt rules lint --placeholders placeholders.yml rule.yml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			return runRulesLint(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Placeholders, "placeholders", "", "YAML `FILE` giving the values of %placeholders% used by rules with the expand modifier")
	return cmd
}

// lintFile is what lint found in one file.
type lintFile struct {
	path     string
	rules    int
	problems []*sigma.LoadError
}

func runRulesLint(opts *rulesLintOptions) error {
	var sopts sigma.Options
	if opts.Placeholders != "" {
		ph, err := sigma.LoadPlaceholders(opts.Placeholders)
		if err != nil {
			return usageErrorf("--placeholders: %v", err)
		}
		sopts.Placeholders = ph
	}
	files, pathErrs := lintPaths(opts.Paths)
	builtinRules, _ := sigma.LoadFS(builtin.FS(), builtin.SourcePrefix, sigma.Options{})
	lists := [][]*sigma.Rule{builtinRules}
	byPath := map[string]*lintFile{}
	for _, lf := range files {
		byPath[lf.path] = lf
		data, err := os.ReadFile(lf.path)
		if err != nil {
			lf.problems = append(lf.problems, &sigma.LoadError{File: lf.path, Reason: err.Error()})
			continue
		}
		rules, errs := sigma.ParseRules(data, lf.path, sopts)
		lf.rules = len(rules)
		lf.problems = append(lf.problems, errs...)
		lists = append(lists, rules)
	}
	_, dups := sigma.Combine(lists...)
	for _, d := range dups {
		if lf := byPath[d.File]; lf != nil {
			lf.rules--
			lf.problems = append(lf.problems, d)
		}
	}
	bad := len(pathErrs)
	w := opts.IO.Out
	for _, e := range pathErrs {
		fmt.Fprintf(w, "%s\n", e)
	}
	for _, lf := range files {
		sort.SliceStable(lf.problems, func(i, j int) bool { return lf.problems[i].Line < lf.problems[j].Line })
		errors := 0
		for _, p := range lf.problems {
			if !p.Note {
				errors++
			}
		}
		if errors > 0 {
			bad++
		}
		if len(lf.problems) == 0 {
			fmt.Fprintf(w, "%s: ok (%s)\n", lf.path, plural(lf.rules, "rule"))
			continue
		}
		for _, p := range lf.problems {
			fmt.Fprintln(w, lintLine(p))
		}
	}
	if bad > 0 {
		return usageErrorf("rules lint: %s of %d have errors", plural(bad, "file"), len(files)+len(pathErrs))
	}
	return nil
}

// lintLine renders one problem: FILE:LINE: [note: ]rule ID: reason.
func lintLine(p *sigma.LoadError) string {
	if !p.Note {
		return p.Error()
	}
	q := *p
	q.Reason = "note: " + p.Reason
	if q.RuleID != "" {
		q.Reason = fmt.Sprintf("note: rule %s: %s", q.RuleID, p.Reason)
		q.RuleID = ""
	}
	return q.Error()
}

// lintPaths expands the arguments to rule files: a file as given, a
// folder's *.yml and *.yaml files recursively, sorted.
func lintPaths(paths []string) ([]*lintFile, []error) {
	var files []*lintFile
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, &lintFile{path: p})
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		var found []string
		err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			ext := strings.ToLower(filepath.Ext(p))
			if !d.IsDir() && (ext == ".yml" || ext == ".yaml") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		if len(found) == 0 && err == nil {
			errs = append(errs, fmt.Errorf("%s: no *.yml or *.yaml rule files in folder", root))
		}
		sort.Strings(found)
		for _, p := range found {
			add(p)
		}
	}
	return files, errs
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
