package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

type scanOptions struct {
	IO      *ioStreams
	Paths   []string
	Read    readFlags
	Out     outputFlags
	Filters filterFlags
	Rules   ruleFlags

	Sort      string
	FailLevel string

	format    report.Format
	filter    filter.Filter
	failLevel sigma.Level
}

// ruleFlags choose the detection rules.
type ruleFlags struct {
	Paths        []string
	NoBuiltin    bool
	MinLevel     string
	Placeholders string
}

func (f *ruleFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.Paths, "rules", "r", nil, "add Sigma rules from a YAML `PATH` (a file or a folder of *.yml/*.yaml; repeatable)")
	cmd.Flags().BoolVar(&f.NoBuiltin, "no-builtin", false, "leave the built-in rules out")
	cmd.Flags().StringVar(&f.MinLevel, "min-level", "informational", "load only rules of this `LEVEL` or above: informational, low, medium, high, critical")
	cmd.Flags().StringVar(&f.Placeholders, "placeholders", "", "YAML `FILE` giving the values of %placeholders% used by rules with the expand modifier")
}

// config checks the flags and returns the detection configuration.
func (f *ruleFlags) config() (detections.Config, error) {
	lvl, err := sigma.ParseLevel(f.MinLevel)
	if err != nil {
		return detections.Config{}, usageErrorf("--min-level: %v", err)
	}
	if f.NoBuiltin && len(f.Paths) == 0 {
		return detections.Config{}, usageErrorf("--no-builtin needs rules from -r/--rules")
	}
	return detections.Config{NoBuiltin: f.NoBuiltin, RulePaths: f.Paths, Placeholders: f.Placeholders, MinLevel: lvl}, nil
}

// load loads the rules, printing notes; rule defects are a usage error.
func (f *ruleFlags) load(stderr interface{ Write([]byte) (int, error) }) (*detections.Set, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	set, errs := detections.Load(cfg)
	bad := 0
	for _, e := range errs {
		if e.Note {
			fmt.Fprintf(stderr, "evtxhunt: note: %v\n", e)
			continue
		}
		bad++
		fmt.Fprintf(stderr, "evtxhunt: rule error: %v\n", e)
	}
	if bad > 0 {
		return nil, usageErrorf("%d rule errors (see above); fix or remove the rules (evtxhunt rules lint checks them)", bad)
	}
	return set, nil
}

func newCmdScan(ios *ioStreams) *cobra.Command {
	opts := &scanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Run the detection rules over every process-creation event and report findings",
		Long: `Run every process-creation event (Security 4688 and Sysmon EventID 1) of
the given files and folders through the built-in rules and any Sigma
process_creation rules added with -r, and report the findings, sorted by
time (or --sort). A 4688 event's ParentCommandLine is filled from its
parent's own 4688 event when the parent was seen on the same host.

Exit codes: 0 no findings at or above --fail-level, 1 findings at or above
it, 2 usage or rule error, 3 some input could not be read (the rest was
scanned; 1 takes precedence when there are findings).`,
		Example: `  evtxhunt scan samples/
  evtxhunt scan -r my-rules/ --min-level medium -f csv -o findings.csv /cases/42/logs`,
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
			if err = findings.Sort(nil, opts.Sort); err != nil {
				return usageErrorf("--sort: %v", err)
			}
			if opts.failLevel, err = sigma.ParseLevel(opts.FailLevel); err != nil {
				return usageErrorf("--fail-level: %v", err)
			}
			return runScan(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	opts.Filters.register(cmd)
	opts.Rules.register(cmd)
	cmd.Flags().StringVar(&opts.Sort, "sort", "time", "order findings by `KEY`: "+strings.Join(findings.SortKeys, ", ")+" (then by time)")
	cmd.Flags().StringVar(&opts.FailLevel, "fail-level", "informational", "exit with code 1 when a finding has this `LEVEL` or above")
	return cmd
}

func runScan(ctx context.Context, opts *scanOptions) error {
	set, err := opts.Rules.load(opts.IO.ErrOut)
	if err != nil {
		return err
	}
	sopts := findings.DefaultOptions()
	sopts.Order.Key = opts.Sort
	scanner, err := findings.NewScanner(set, sopts)
	if err != nil {
		return usageErrorf("--sort: %v", err)
	}
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Events {
				if opts.filter.Match(&r.Events[i]) {
					scanner.Scan(&r.Events[i])
				} else {
					scanner.Observe(&r.Events[i])
				}
			}
		},
	})
	if err != nil {
		return err
	}
	results, err := scanner.Finish()
	defer results.Close()
	if err != nil {
		return err
	}
	fs, err := results.All()
	if err != nil {
		return err
	}
	if err := writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		return report.WriteFindings(o, opts.format, fs, opts.Out.options())
	}); err != nil {
		return err
	}
	for i := range fs {
		if fs[i].Level >= opts.failLevel {
			return errFindings
		}
	}
	if res.problems() {
		return errInputProblems
	}
	return nil
}
