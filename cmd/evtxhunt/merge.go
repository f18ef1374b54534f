package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

type mergeOptions struct {
	IO    *ioStreams
	Paths []string
	Out   outputFlags

	Sort       string
	FailLevel  string
	ContextCSV string
	Quiet      bool

	format    report.Format
	failLevel sigma.Level
}

func newCmdMerge(ios *ioStreams) *cobra.Command {
	opts := &mergeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "merge [flags] FILE.jsonl...",
		Short: "Merge the JSONL findings of several scans (such as the shards of one) into one report",
		Long: `Read the findings of scan -f jsonl outputs (such as those of scan --shard
K/N for K = 1..N), merge copies of one finding (the same id and record:
one finding listing the files of every copy), sort them as scan does
(--sort, the same keys and tie-breaks) and write them in any of scan's
formats, with the same per-host and per-user summary. The JSONL of merging
the outputs of scan --shard 1/N to N/N equals, byte for byte, the JSONL of
one scan of everything; merging one scan's JSONL gives it back unchanged.

Every line must be a finding exactly as this evtxhunt writes it; an
unreadable file or a bad line (not JSON, a missing id, a field of the
wrong shape, an edited value) stops the merge with FILE:LINE and the
reason, exit code 2, and no report. FILE "-" is standard input. A finding
on an event other than a process creation is kept as it is.

Exit codes: 0 no findings at or above --fail-level, 1 findings at or above
it, 2 usage error or bad input, 130 interrupted.`,
		Example: `  evtxhunt merge -f html -o report.html shard-*.jsonl
  evtxhunt merge -f jsonl -o all.jsonl --fail-level high shard-1.jsonl shard-2.jsonl shard-3.jsonl
  evtxhunt merge -f csv -o findings.csv --context-csv context.csv shard-*.jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := opts.check(); err != nil {
				return err
			}
			return runMerge(cmd.Context(), opts)
		},
	}
	opts.Out.register(cmd, "table, csv, json, jsonl, html")
	f := cmd.Flags()
	f.StringVar(&opts.Sort, "sort", "time", "order findings by `KEY`: "+strings.Join(findings.SortKeys, ", ")+" (then by time; the table groups by host and user first)")
	f.StringVar(&opts.FailLevel, "fail-level", "informational", "exit with code 1 when a finding has this `LEVEL` or above (informational: any finding)")
	f.StringVar(&opts.ContextCSV, "context-csv", "", "also write the context rows (before, after, ancestors, children) as CSV to `FILE`, keyed by finding id")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no summary on stderr")
	return cmd
}

func (o *mergeOptions) check() error {
	var err error
	if o.format, err = o.Out.format(report.Table, report.CSV, report.JSON, report.JSONL, report.HTML); err != nil {
		return err
	}
	if err = findings.Sort(nil, o.Sort); err != nil {
		return usageErrorf("--sort: %v", err)
	}
	if o.failLevel, err = sigma.ParseLevel(o.FailLevel); err != nil {
		return usageErrorf("--fail-level: %v", err)
	}
	return nil
}

func runMerge(ctx context.Context, opts *mergeOptions) error {
	m, err := findings.NewMerger(findings.Options{Order: findings.Order{Key: opts.Sort, Group: opts.format == report.Table}})
	if err != nil {
		return usageErrorf("--sort: %v", err)
	}
	lines := 0
	for _, path := range opts.Paths {
		err := readFindingsFile(path, opts.IO.In, func(f *findings.Finding) error {
			if ctx.Err() != nil {
				return errInterrupted
			}
			lines++
			m.Add(f)
			return nil
		})
		if errors.Is(err, errInterrupted) {
			fmt.Fprintf(opts.IO.ErrOut, "evtxhunt: interrupted: stopped after reading %d findings; no report written\n", lines)
			return err
		}
		if err != nil {
			return usageError{err}
		}
	}
	results, err := m.Finish()
	if err != nil {
		results.Close()
		return err
	}
	defer results.Close()
	if err := writeFindingsReports(opts.IO, &opts.Out, opts.format, opts.ContextCSV, results); err != nil {
		return err
	}
	if !opts.Quiet {
		writeMergeSummary(opts.IO.ErrOut, results.Stats, lines, len(opts.Paths))
	}
	if failReached(results.Stats, opts.failLevel) {
		return errFindings
	}
	return nil
}

// readFindingsFile reads the findings JSONL at path ("-": in) into fn.
func readFindingsFile(path string, in io.Reader, fn func(*findings.Finding) error) error {
	if path == "-" {
		return report.ReadFindingsJSONL(in, "stdin", fn)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read findings: %w", err)
	}
	defer f.Close()
	return report.ReadFindingsJSONL(f, path, fn)
}

// writeMergeSummary prints what merge read and wrote.
func writeMergeSummary(w io.Writer, st findings.Stats, lines, files int) {
	levels := st.Levels.List()
	parts := make([]string, 0, len(levels))
	for _, l := range levels {
		parts = append(parts, l.String())
	}
	line := fmt.Sprintf("evtxhunt: merged %d findings", st.Findings)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(w, "%s from %d lines of %d files; %d copies merged\n", line, lines, files, st.Duplicates)
}
