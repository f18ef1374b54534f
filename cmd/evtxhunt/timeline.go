package main

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
)

type timelineOptions struct {
	IO      *ioStreams
	Paths   []string
	Read    readFlags
	Out     outputFlags
	Filters filterFlags

	format report.Format
	filter filter.Filter
}

func newCmdTimeline(ios *ioStreams) *cobra.Command {
	opts := &timelineOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "timeline [flags] PATH...",
		Short: "List every process-creation event, sorted by time",
		Long: `List every process-creation event (Security 4688 and Sysmon EventID 1)
found in the given files and folders, sorted by time, then host, then
record id. Folders are walked recursively; files are recognised as EVTX by
their signature, not their name. Logs inside .zip archives and .gz files
are read in place and named archive.zip!/path/inside.evtx. With --carve,
deleted records recovered from chunk slack and unallocated space are
listed too, flagged Recovered. With --shard K/N only the events of the
hosts of shard K are listed (see scan --help), and only the inputs
holding them are read.`,
		Example: `  evtxhunt timeline samples/
  evtxhunt timeline -f jsonl -o events.jsonl --host WS01 --since 2024-03-01 logs/
  evtxhunt timeline --carve triage.zip`,
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
			if opts.filter, err = opts.Filters.build(); err != nil {
				return err
			}
			return runTimeline(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Read.registerShard(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	opts.Filters.register(cmd)
	return cmd
}

func runTimeline(ctx context.Context, opts *timelineOptions) error {
	// Each chunk's Events slice is its own (the pipeline gives every chunk
	// a fresh result), so events are kept where the decoder put them and
	// only pointers are collected and sorted.
	var events []*event.Process
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Events {
				if opts.filter.Match(&r.Events[i]) {
					events = append(events, &r.Events[i])
				}
			}
		},
	})
	if err != nil {
		return err
	}
	events = sortEvents(events, opts.Read.Workers)
	if err := writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		ropts := opts.Out.options()
		ropts.Workers = opts.Read.Workers
		return report.WriteEvents(o, opts.format, events, ropts)
	}); err != nil {
		return err
	}
	if res.problems() {
		return errInputProblems
	}
	return nil
}

// writeReport opens the destination, writes through fn, and commits the
// output only when fn succeeded.
func writeReport(path string, ios *ioStreams, fn func(o *report.Output) error) error {
	out, err := report.OpenOutput(path, ios.Out)
	if err != nil {
		return err
	}
	if err := fn(out); err != nil {
		out.Abort()
		return err
	}
	return out.Commit()
}

// sortEvents sorts events by event.Compare; with two workers or more, a
// large timeline's halves are sorted in parallel, then merged.
func sortEvents(events []*event.Process, workers int) []*event.Process {
	const parallelFrom = 1 << 15
	if len(events) < parallelFrom || workers < 2 {
		slices.SortFunc(events, event.Compare)
		return events
	}
	half := len(events) / 2
	a, b := events[:half], events[half:]
	done := make(chan struct{})
	go func() {
		slices.SortFunc(a, event.Compare)
		close(done)
	}()
	slices.SortFunc(b, event.Compare)
	<-done
	out := make([]*event.Process, 0, len(events))
	for len(a) > 0 && len(b) > 0 {
		if event.Compare(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}
