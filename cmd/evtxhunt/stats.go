package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
)

type statsOptions struct {
	IO    *ioStreams
	Paths []string
	Read  readFlags
	Out   outputFlags

	format report.Format
}

func newCmdStats(ios *ioStreams) *cobra.Command {
	opts := &statsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "stats [flags] PATH...",
		Short: "Describe each input file: size, chunks, records, process events, time span, hosts, problems",
		Long: `Describe each EVTX input with one row: path, bytes, chunks holding
records, records, Security 4688 records, Sysmon EventID 1 records, first
and last event time (UTC), the hosts seen, and the number of problems
(damaged chunks or records) found in it. JSON and CSV also give the
chunk count the file header claims, never-written chunks, and the
header's dirty flag. With --carve, a Recovered column counts the deleted
records recovered from slack and unallocated space (JSON and CSV:
Recovered, Recovered4688, RecoveredSysmon1; empty or null without
--carve). Logs inside .zip archives and .gz files are read in place.`,
		Example: `  evtxhunt stats samples/
  evtxhunt stats -f csv -o inventory.csv /cases/42/logs`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			var err error
			if err = opts.Read.check(); err != nil {
				return err
			}
			if opts.format, err = opts.Out.format(report.Table, report.CSV, report.JSON, report.JSONL); err != nil {
				return err
			}
			return runStats(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	return cmd
}

func runStats(ctx context.Context, opts *statsOptions) error {
	defer opts.Read.limitCPUs()()
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{})
	if err != nil {
		return err
	}
	if err := writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		return report.WriteStats(o, opts.format, res.summary.Files, opts.Out.options())
	}); err != nil {
		return err
	}
	if res.problems() {
		return errInputProblems
	}
	return nil
}
