package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/builtin"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

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
count (and correlation rule count), or every problem as FILE:LINE: rule
ID: reason. Correlation rules are checked too: their attributes, and
that every rule they refer to (by id or name) is in the files checked or
built in. Rules skipped on purpose are noted, one by one, not errors:
rules for other products (linux, macos, cloud, proxies, ...),
aggregations and timeframes, Sigma filter documents. A Windows log source evtxhunt does not
map to event log channels is an error, and so is a rule id used twice (in
the files checked, or by a built-in rule).

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
	corrs    int // correlation rules
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
	lintFiles(files, sopts)
	w := opts.IO.Out
	for _, e := range pathErrs {
		fmt.Fprintf(w, "%s\n", e)
	}
	bad := len(pathErrs)
	for _, lf := range files {
		if lf.print(w) {
			bad++
		}
	}
	if bad > 0 {
		return usageErrorf("rules lint: %s of %d have errors", plural(bad, "file"), len(files)+len(pathErrs))
	}
	return nil
}

// lintFiles parses every file and records its problems, including ids
// used twice among the files or by a built-in rule, and the references of
// correlation rules (resolved with the built-in rules and correlations).
func lintFiles(files []*lintFile, opts sigma.Options) {
	builtinRules, _, _ := sigma.LoadFS(builtin.FS(), builtin.SourcePrefix, sigma.Options{})
	corrBase, corrs, _ := sigma.LoadFS(correlation.Builtin(), correlation.BuiltinPrefix, sigma.Options{})
	lists := [][]*sigma.Rule{builtinRules, corrBase}
	byPath := map[string]*lintFile{}
	for _, lf := range files {
		byPath[lf.path] = lf
		data, err := os.ReadFile(lf.path)
		if err != nil {
			lf.problems = append(lf.problems, &sigma.LoadError{File: lf.path, Reason: err.Error()})
			continue
		}
		rules, cs, errs := sigma.ParseFile(data, lf.path, opts)
		lf.rules, lf.corrs = len(rules), len(cs)
		lf.problems = append(lf.problems, errs...)
		lists = append(lists, rules)
		corrs = append(corrs, cs...)
	}
	all, dups := sigma.Combine(lists...)
	for _, d := range dups {
		if lf := byPath[d.File]; lf != nil {
			lf.rules--
			lf.problems = append(lf.problems, d)
		}
	}
	_, cerrs := detections.ResolveCorrelations(all, corrs, sigma.Informational)
	for _, e := range cerrs {
		if lf := byPath[e.File]; lf != nil {
			lf.problems = append(lf.problems, e)
		}
	}
}

// print writes the file's verdict, in line order, and reports whether it
// has errors (notes are not; an unmapped Windows log source is).
func (lf *lintFile) print(w io.Writer) bool {
	if len(lf.problems) == 0 {
		counts := plural(lf.rules, "rule")
		if lf.corrs > 0 {
			counts += ", " + plural(lf.corrs, "correlation")
		}
		fmt.Fprintf(w, "%s: ok (%s)\n", lf.path, counts)
		return false
	}
	sort.SliceStable(lf.problems, func(i, j int) bool { return lf.problems[i].Line < lf.problems[j].Line })
	errors := false
	for _, p := range lf.problems {
		errors = errors || !isLintNote(p)
		fmt.Fprintln(w, lintLine(p))
	}
	return errors
}

// isLintNote reports whether lint reports a problem as a note: a rule
// skipped on purpose, unless its Windows log source is not mapped.
func isLintNote(p *sigma.LoadError) bool { return p.Note && p.Skip != sigma.SkipUnmapped }

// lintLine renders one problem: FILE:LINE: [note: ]rule ID: reason.
func lintLine(p *sigma.LoadError) string {
	if !isLintNote(p) {
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
