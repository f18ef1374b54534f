package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extsort"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/synth"
)

type timelineOptions struct {
	IO         *ioStreams
	Paths      []string
	Read       readFlags
	Out        outputFlags
	Filters    filterFlags
	SortMemory string
	Events     string

	format     report.Format
	filter     filter.Filter
	want       *event.Selection // records beyond process creations to decode
	sortMemory int64
	tempDir    string // "": the system's (TMPDIR); tests set it
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

Folders are walked recursively; files are recognised as EVTX by
their signature, not their name. Logs inside .zip archives and .gz files
are read in place and named archive.zip!/path/inside.evtx. With --carve,
deleted records recovered from chunk slack and unallocated space are
listed too, flagged Recovered. With --shard K/N only the events of the
hosts of shard K are listed (see scan --help), and only the inputs
holding them are read.

Memory stays bounded whatever the input size: events are sorted in memory
up to --sort-memory (default 128MiB), then in sorted runs written to
temporary files under TMPDIR (or /tmp), merged as the report is written.
The files have no name on disk and vanish when evtxhunt exits, however it
ends. The output is the same whatever the budget.`,
		Example: `  evtxhunt timeline samples/
  evtxhunt timeline -f jsonl -o events.jsonl --host WS01 --since 2024-03-01 logs/
  evtxhunt timeline --events all -f jsonl -o everything.jsonl logs/
  evtxhunt timeline --event-id 4624,4625 --channel Security -f csv logs/
  evtxhunt timeline --carve triage.zip
  TMPDIR=/mnt/scratch evtxhunt timeline --sort-memory 512MiB -f csv -o all.csv evidence/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := opts.check(); err != nil {
				return err
			}
			return runTimeline(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Read.registerShard(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	opts.Filters.register(cmd)
	cmd.Flags().StringVar(&opts.SortMemory, "sort-memory", "128MiB",
		"memory for sorting events (`SIZE` such as 64MiB or 1GiB); more events are sorted in temporary files under TMPDIR")
	cmd.Flags().StringVar(&opts.Events, "events", "process", "which records to list: `KIND` process (process creations) or all (every record)")
	return cmd
}

// check validates the flags.
func (o *timelineOptions) check() error {
	var err error
	if err = o.Read.check(); err != nil {
		return err
	}
	if o.format, err = o.Out.format(report.Table, report.CSV, report.JSON, report.JSONL); err != nil {
		return err
	}
	if o.filter, err = o.Filters.build(); err != nil {
		return err
	}
	switch o.Events {
	case "process":
		o.want = o.filter.Selection()
	case "all":
		o.want = event.SelectAll()
	default:
		return usageErrorf("--events: want process or all, not %q", o.Events)
	}
	if o.sortMemory, err = synth.ParseSize(o.SortMemory); err != nil {
		return usageErrorf("--sort-memory: %v", err)
	}
	if o.sortMemory < 1 {
		return usageErrorf("--sort-memory must be more than 0")
	}
	return nil
}

// timelineHeadroom is what a timeline needs besides the events it sorts
// (reading buffers, decoders, rendering): the soft memory limit is the
// sort budget plus this, so the collector keeps the heap near what is
// live rather than letting GOGC=400 grow it fivefold.
const timelineHeadroom = 96 << 20

func runTimeline(ctx context.Context, opts *timelineOptions) error {
	defer opts.Read.limitCPUs()()
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(opts.sortMemory + timelineHeadroom))
	}
	ropts := opts.Out.options()
	ropts.Workers = opts.Read.Workers
	ropts.AllEvents = !opts.want.IsEmpty()
	compare := func(a, b *event.Record) int { return event.CompareRecords(*a, *b) }
	sorter := extsort.New(extsort.BinaryCodec[event.Record](), compare, extsort.Options{
		Memory: opts.sortMemory, TempDir: opts.tempDir, Workers: opts.Read.Workers, What: "events",
	})
	defer sorter.Close()
	var table *report.EventTable
	if opts.format == report.Table {
		table = report.NewEventTable(ropts)
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	failed := false
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{
		Want: opts.want,
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			if failed {
				return
			}
			for _, rec := range keptRecords(r, &opts.filter) {
				if table != nil {
					table.Add(rec)
				}
				if err := sorter.Add(rec); err != nil {
					failed = true
					stop(stopError{err})
					return
				}
			}
		},
	})
	if err != nil {
		return err
	}
	err = writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		stream := func(fn func(*event.Record) error) error { return sorter.Each(ctx, fn) }
		return report.WriteEventStream(o, opts.format, stream, table, ropts)
	})
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(opts.IO.ErrOut, "evtxhunt: interrupted while writing the report (an -o file is left as it was)")
		return errInterrupted
	}
	if err != nil {
		return err
	}
	if res.problems() {
		return errInputProblems
	}
	return nil
}

// keptEvents returns the events of a chunk that f keeps. The sorter holds
// pointers to them, which keep their whole array alive, so the array is
// handed over as it is only when little of it would be wasted (each
// chunk's Events slice is its own: the pipeline gives every chunk a fresh
// result); otherwise the kept events are copied out.
func keptEvents(events []event.Process, f *filter.Filter) []event.Process {
	n := 0
	for i := range events {
		if f.Match(&events[i]) {
			n++
		}
	}
	if n == len(events) && cap(events)-n <= n/4+8 {
		return events
	}
	kept := make([]event.Process, 0, n)
	for i := range events {
		if f.Match(&events[i]) {
			kept = append(kept, events[i])
		}
	}
	return kept
}

// keptRecords returns the records of a chunk that f keeps, process
// creations and other records, as timeline records.
func keptRecords(r *decode.Result, f *filter.Filter) []*event.Record {
	events := keptEvents(r.Events, f)
	n := len(events)
	for i := range r.Selected {
		if f.MatchEvent(&r.Selected[i]) {
			n++
		}
	}
	recs := make([]event.Record, 0, n)
	for i := range events {
		recs = append(recs, event.Record{Process: &events[i]})
	}
	for i := range r.Selected {
		if f.MatchEvent(&r.Selected[i]) {
			recs = append(recs, event.Record{Event: &r.Selected[i]})
		}
	}
	out := make([]*event.Record, len(recs))
	for i := range recs {
		out[i] = &recs[i]
	}
	return out
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
