package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/allowlist"
	"github.com/evtxhunt/evtxhunt/detections/cmdline"
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
	Allowlist string

	Context       int
	ContextWindow time.Duration
	ContextCSV    string
	NoProgress    bool
	Quiet         bool

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
	LongCmdline  int
}

func (f *ruleFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.Paths, "rules", "r", nil, "add Sigma rules from a YAML `PATH` (a file or a folder of *.yml/*.yaml; repeatable)")
	cmd.Flags().BoolVar(&f.NoBuiltin, "no-builtin", false, "leave the built-in rules and command-line checks out")
	cmd.Flags().StringVar(&f.MinLevel, "min-level", "informational", "load only rules of this `LEVEL` or above: informational, low, medium, high, critical")
	cmd.Flags().StringVar(&f.Placeholders, "placeholders", "", "YAML `FILE` giving the values of %placeholders% used by rules with the expand modifier")
	cmd.Flags().IntVar(&f.LongCmdline, "long-cmdline", cmdline.DefaultLongThreshold, "the command-line check \"Very Long Command Line\" fires above `N` characters")
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
	if f.LongCmdline < 1 {
		return detections.Config{}, usageErrorf("--long-cmdline must be at least 1, not %d", f.LongCmdline)
	}
	return detections.Config{NoBuiltin: f.NoBuiltin, RulePaths: f.Paths, Placeholders: f.Placeholders,
		MinLevel: lvl, LongCommandLine: f.LongCmdline}, nil
}

// loadDetections loads a rule configuration. Tests that run many scans
// with the same rules replace it with a memo (a Set is read-only once
// loaded).
var loadDetections = detections.Load

// load loads the rules, printing rule defects and one note counting the
// rules skipped on purpose (see loadSkipping); rule defects are a usage
// error.
func (f *ruleFlags) load(stderr io.Writer) (*detections.Set, error) {
	set, _, err := f.loadSkipping(stderr, false)
	return set, err
}

func newCmdScan(ios *ioStreams) *cobra.Command {
	opts := &scanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Run the detection rules over the event logs and report findings with their context",
		Long: `Run every process-creation event (Security 4688 and Sysmon EventID 1) of
the given files and folders, and every other record the rules' log sources
name (any Windows log source: Security, System, PowerShell, Sysmon,
Defender, ...), through the built-in rules and any Sigma rules added with
-r, and report the findings, sorted by time (or --sort). Rules for other
products are skipped with one counted note (rules list --skipped names
them). A 4688 event's ParentCommandLine is filled from its
parent's own event when the parent was seen on the same host.

Every finding comes with its context, from all the inputs whatever the
order they are read in (a host's Security and Sysmon logs may be separate
files):
  before/after  the process events of the same user on the same host (the
                same logon session when the logon id is known) just before
                and after it: --context events each side, within
                --context-window
  ancestry      its chain of parents up to the first one no event describes,
                matched on the host by Sysmon GUID, else by process id and
                time (the latest process with the id that started before it)
  children      the processes it started
  session       the logon session of its logon id, from the Security log's
                4624/4672/4634/4648/4778 records: who logged on, how, from
                where, elevated or not (context.session in JSON, a Session
                line in the table, LogonType, SourceAddress,
                SourceWorkstation and Elevated in CSV)
A finding on a record that is not a process creation shows its event and
a one-line summary; its ancestry starts with the process it names. The
4688 and Sysmon 1 records of one process creation give one finding per
rule.
Events left out by --since, --until, --host or --user are not scanned but
still serve as context. The same record read from several files (copies,
backups, shadow copies) is reported once, listing every file.

Correlation rules (Sigma v2 correlation: documents; built in: password
guessing (NTLM and Kerberos), password spraying, slow spraying, brute
force followed by a successful logon, an account created and deleted
shortly after, one account added to many groups, service tickets for many
computers at once, SQL Server login failures from one client; evtxhunt
rules list shows them)
turn many matches of their base rules, grouped by field
values within a timespan, into one finding listing the window's records
(table: a Correlation line; csv: the Summary column; json/jsonl: a
correlation object). Their base rules report nothing of their own unless
a correlation says generate: true. --min-level applies to a correlation's
own level; the rules it refers to stay loaded. With --shard, a
correlation sees only the records of the shard's hosts.

Formats (-f, or from the -o extension): table (grouped by host and user,
context rows indented, fitted to the terminal; --full shows long values
whole), csv (one row per finding; --context-csv writes the context rows),
json, jsonl (each finding with its event, rule, context, and the message,
datetime and timestamp_desc Timesketch needs), html (one self-contained
file: summary per host and user, histogram of levels over time, findings
whose rows expand to show their context).

On a terminal a progress bar runs on stderr (--no-progress or -q turn it
off), and a summary follows the report on stderr (-q leaves it out).

--shard K/N splits a scan across N batch jobs by host. A pre-pass reads
every input only as far as its records' hosts and places each host on
one shard: the one its lower-cased Computer name hashes to (FNV-1a 64 of
the name's UTF-8 bytes, mod N, plus 1), unless that shard would then read
more than its share of the bytes plus the largest input (then the next
shard with room; hosts sharing a file go together). Give every job the
same inputs, --parser and --carve: they must compute the same placement.
Only the inputs holding one of the shard's hosts are read, and only its
hosts' events kept. The summary says which shard ran, how many files and
bytes it skipped, how many hosts left their hash shard and the
placement's fingerprint, which every job must share (--placement FILE
writes the whole placement). evtxhunt merge of the N shards' -f jsonl
outputs equals one scan of everything.

Exit codes: 0 no findings at or above --fail-level, 1 findings at or above
it, 2 usage or rule error, 3 some input could not be read (the rest was
scanned; 1 takes precedence when there are findings), 130 interrupted.`,
		Example: `  evtxhunt scan samples/
  evtxhunt scan -r my-rules/ --min-level medium -f csv -o findings.csv --context-csv context.csv /cases/42/logs
  evtxhunt scan -o report.html --context 10 --context-window 1h /cases/42/logs
  evtxhunt scan --shard 2/8 -f jsonl -o shard-2.jsonl /cases/42/logs`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := opts.check(); err != nil {
				return err
			}
			return runScan(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Read.registerShard(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl, html")
	opts.Filters.register(cmd)
	opts.Rules.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Sort, "sort", "time", "order findings by `KEY`: "+strings.Join(findings.SortKeys, ", ")+" (then by time; the table groups by host and user first)")
	f.StringVar(&opts.FailLevel, "fail-level", "informational", "exit with code 1 when a finding has this `LEVEL` or above (informational: any finding)")
	f.IntVar(&opts.Context, "context", findings.DefaultContext, "show `N` process events of the same user session before and after each finding (0: none)")
	f.DurationVar(&opts.ContextWindow, "context-window", findings.DefaultWindow, "how far in time from the finding context events may be: a `DURATION` such as 90s, 15m or 2h")
	f.StringVar(&opts.ContextCSV, "context-csv", "", "also write the context rows (before, after, ancestors, children) as CSV to `FILE`, keyed by finding id")
	f.StringVar(&opts.Allowlist, "allowlist", "", "suppress the findings covered by the entries of this YAML `FILE` (rule ids and/or field conditions, each with a reason); suppressed findings are counted per entry on stderr")
	f.BoolVar(&opts.NoProgress, "no-progress", false, "do not show the progress bar")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress bar and no summary on stderr (problems are still printed)")
	return cmd
}

// check validates the flags.
func (o *scanOptions) check() error {
	var err error
	if err = o.Read.check(); err != nil {
		return err
	}
	if o.format, err = o.Out.format(report.Table, report.CSV, report.JSON, report.JSONL, report.HTML); err != nil {
		return err
	}
	if o.filter, err = o.Filters.build(); err != nil {
		return err
	}
	if err = findings.Sort(nil, o.Sort); err != nil {
		return usageErrorf("--sort: %v", err)
	}
	if o.failLevel, err = sigma.ParseLevel(o.FailLevel); err != nil {
		return usageErrorf("--fail-level: %v", err)
	}
	if o.Context < 0 {
		return usageErrorf("--context must be 0 or more, not %d", o.Context)
	}
	if o.ContextWindow <= 0 {
		return usageErrorf("--context-window must be positive, not %s", o.ContextWindow)
	}
	return nil
}

// scanMemoryLimit is the soft memory limit of a scan (unless GOMEMLIMIT
// is set): the findings stage keeps its state within fixed limits, so the
// collector can be asked to hold the heap under this rather than let
// GOGC=400 grow it fivefold.
const scanMemoryLimit = 200 << 20

// scanGCPercent is a scan's garbage-collector setting (unless GOGC is
// set): with rule matching in the workers a scan allocates fast, and
// letting the heap grow to five times what is live (GOGC=400, as reading
// alone does) doubled its peak memory for no gain in speed.
const scanGCPercent = 200

// limitScanMemory applies scanMemoryLimit and scanGCPercent where the
// environment does not decide them; it returns what restores the
// previous settings.
func limitScanMemory() (restore func()) {
	return setCollector(scanGCPercent, scanMemoryLimit)
}

func runScan(ctx context.Context, opts *scanOptions) error {
	defer opts.Read.limitCPUs()()
	start := time.Now()
	defer limitScanMemory()()
	set, err := opts.Rules.load(opts.IO.ErrOut)
	if err != nil {
		return err
	}
	allow, err := opts.loadAllowlist(set)
	if err != nil {
		return err
	}
	scanner, err := findings.NewScanner(set, findings.Options{
		Context: opts.Context, Window: opts.ContextWindow, Allowlist: allow,
		Order: findings.Order{Key: opts.Sort, Group: opts.format == report.Table},
	})
	if err != nil {
		return usageErrorf("--sort: %v", err)
	}
	stderr := opts.IO.ErrOut
	inputs, err := openInputs(ctx, opts.Paths, &opts.Read, stderr)
	if err != nil {
		return err
	}
	var prog *progress
	if !opts.Quiet && !opts.NoProgress && isTerminal(stderr) {
		prog = newProgress(stderr, inputs.inputs, func() int { return scanner.Findings })
		stderr = prog
	}
	// The rules' records, and the Security logon records the findings'
	// sessions are built from.
	ruled := set.Selection()
	want := &event.Selection{}
	want.Merge(ruled)
	want.Merge(sessions.Selection())
	logons := sessions.NewBuilder(sessions.Options{})
	// Rule matching runs in the reading workers; the scanner completes it
	// in input order.
	scanned := func(e *event.Event) bool { return ruled.Wants(e.Channel, e.EventID) && opts.filter.MatchEvent(e) }
	detector := findings.NewDetector(set, opts.filter.Match, scanned)
	res, err := inputs.read(ctx, &opts.Read, stderr, pipeline.Options{
		Want:          want,
		NewWorkerStep: detector.NewWorkerStep,
		// The scanner and the sessions builder copy what they keep.
		ReuseEvents: true,
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			hits := detector.Hits(r)
			for i := range r.Events {
				p := &r.Events[i]
				var fresh bool
				if opts.filter.Match(p) {
					fresh = scanner.ScanDetected(p, hits.Process(i))
				} else {
					fresh = scanner.Observe(p)
				}
				if fresh { // each process creation counts once in its session
					logons.AddProcess(p)
				}
			}
			for i := range r.Selected {
				e := &r.Selected[i]
				logons.Add(e)
				if scanned(e) {
					scanner.ScanEventDetected(e, hits.Event(i))
				}
			}
		},
		OnFile:     prog.file,
		OnProgress: prog.update,
	})
	prog.finish()
	if err != nil {
		return err
	}
	readTime := time.Since(start)
	results, err := scanner.Finish()
	results.SetSessions(logons.Finish())
	if err != nil {
		results.Close()
		return err
	}
	defer results.Close()
	if err := opts.writeReports(results); err != nil {
		return err
	}
	if !opts.Quiet {
		writeSummary(opts.IO.ErrOut, res, results.Stats, readTime, time.Since(start))
		writeAllowlistCounts(opts.IO.ErrOut, allow)
	}
	if failReached(results.Stats, opts.failLevel) {
		return errFindings
	}
	if res.problems() {
		return errInputProblems
	}
	return nil
}

// loadAllowlist loads --allowlist (with the rules' placeholders), noting
// entries that name rules the set does not hold.
func (o *scanOptions) loadAllowlist(set *detections.Set) (*allowlist.List, error) {
	if o.Allowlist == "" {
		return nil, nil
	}
	var sopts sigma.Options
	if o.Rules.Placeholders != "" {
		ph, err := sigma.LoadPlaceholders(o.Rules.Placeholders)
		if err != nil {
			return nil, usageErrorf("--placeholders: %v", err)
		}
		sopts.Placeholders = ph
	}
	list, err := allowlist.Load(o.Allowlist, sopts)
	if err != nil {
		return nil, usageErrorf("--allowlist: %v", err)
	}
	for _, msg := range list.UnknownRules(set.Rules()) {
		fmt.Fprintf(o.IO.ErrOut, "evtxhunt: note: %s\n", msg)
	}
	return list, nil
}

// writeAllowlistCounts reports how many findings each allowlist entry
// suppressed, so nothing is dropped silently.
func writeAllowlistCounts(w io.Writer, list *allowlist.List) {
	if list == nil {
		return
	}
	for _, e := range list.Entries {
		fmt.Fprintf(w, "  allowlist %s (%s): %d suppressed\n", e.Location(), e.Reason, e.Hits())
	}
}

// writeReports writes the report, and the context CSV when asked for.
func (o *scanOptions) writeReports(results *findings.Results) error {
	return writeFindingsReports(o.IO, &o.Out, o.format, o.ContextCSV, results)
}

// writeFindingsReports writes findings in format as out says, and their
// context rows to contextCSV unless it is empty (scan and merge).
func writeFindingsReports(ios *ioStreams, out *outputFlags, format report.Format, contextCSV string, results *findings.Results) error {
	ropts := out.options()
	if out.Output == "" || out.Output == "-" {
		if isTerminal(ios.Out) {
			ropts.Width = terminalWidth(ios.Out)
			_, noColor := os.LookupEnv("NO_COLOR")
			ropts.Color = !noColor
		}
	}
	w, err := report.NewFindingsWriter(format, ropts)
	if err != nil {
		return err
	}
	if err := writeReport(out.Output, ios, func(o *report.Output) error {
		return w.WriteFindings(o, report.ReportOf(results))
	}); err != nil {
		return err
	}
	if contextCSV == "" {
		return nil
	}
	return writeReport(contextCSV, ios, func(o *report.Output) error {
		return report.WriteContextCSV(o, results, out.RawCSV)
	})
}
