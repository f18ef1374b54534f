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
	Events  string

	format report.Format
	filter filter.Filter
	want   *event.Selection // records beyond process creations to decode
}

func newCmdTimeline(ios *ioStreams) *cobra.Command {
	opts := &timelineOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "timeline [flags] PATH...",
		Short: "List every process-creation event (or every record), sorted by time",
		Long: `List every process-creation event (Security 4688 and Sysmon EventID 1)
found in the given files and folders, sorted by time, then host, then
record id. With --events all, list every record of every event id: a full
export of the logs. With --event-id or --channel, list the records of
those event ids or channels (process creations among them keep their
normalized shape).

Shapes: a process creation has its normalized fields (Image, CommandLine,
ParentImage, User, ...); any other record its System values and its
payload, "EventData" (name to value) or "UserData" (leaf element to
value), in JSON and JSONL. With --events all, or when --event-id or
--channel select other records, CSV has the System columns, User, a
one-line Summary and the Payload as JSON, and the table shows time, host,
event, user and summary.

Folders are walked recursively; files are recognised as EVTX by their
signature, not their name. Logs inside .zip archives and .gz files are
read in place and named archive.zip!/path/inside.evtx. With --carve,
deleted records recovered from chunk slack and unallocated space are
listed too, flagged Recovered.`,
		Example: `  evtxhunt timeline samples/
  evtxhunt timeline -f jsonl -o events.jsonl --host WS01 --since 2024-03-01 logs/
  evtxhunt timeline --events all -f jsonl -o everything.jsonl logs/
  evtxhunt timeline --event-id 4624,4625 --channel Security -f csv logs/
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
			switch opts.Events {
			case "process":
				opts.want = opts.filter.Selection()
			case "all":
				opts.want = event.SelectAll()
			default:
				return usageErrorf("--events: want process or all, not %q", opts.Events)
			}
			return runTimeline(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	opts.Filters.register(cmd)
	cmd.Flags().StringVar(&opts.Events, "events", "process", "which records to list: `KIND` process (process creations) or all (every record)")
	return cmd
}

func runTimeline(ctx context.Context, opts *timelineOptions) error {
	// Each chunk's Events slice is its own (the pipeline gives every chunk
	// a fresh result), so events are kept where the decoder put them and
	// only pointers are collected and sorted.
	var events []event.Record
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{
		Want: opts.want,
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Events {
				if opts.filter.Match(&r.Events[i]) {
					events = append(events, event.Record{Process: &r.Events[i]})
				}
			}
			for i := range r.Selected {
				if opts.filter.MatchEvent(&r.Selected[i]) {
					events = append(events, event.Record{Event: &r.Selected[i]})
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
		ropts.AllEvents = !opts.want.IsEmpty()
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
func sortEvents(events []event.Record, workers int) []event.Record {
	const parallelFrom = 1 << 15
	if len(events) < parallelFrom || workers < 2 {
		slices.SortFunc(events, event.CompareRecords)
		return events
	}
	half := len(events) / 2
	a, b := events[:half], events[half:]
	done := make(chan struct{})
	go func() {
		slices.SortFunc(a, event.CompareRecords)
		close(done)
	}()
	slices.SortFunc(b, event.CompareRecords)
	<-done
	out := make([]event.Record, 0, len(events))
	for len(a) > 0 && len(b) > 0 {
		if event.CompareRecords(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}
