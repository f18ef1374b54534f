package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessionreport"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
)

type sessionsOptions struct {
	IO      *ioStreams
	Paths   []string
	Read    readFlags
	Out     outputFlags
	Filters filterFlags
	Rules   ruleFlags
	// Allowlist suppresses findings as scan --allowlist does.
	Allowlist string

	format report.Format
	filter filter.Filter
}

func newCmdSessions(ios *ioStreams) *cobra.Command {
	opts := &sessionsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "sessions [flags] PATH...",
		Short: "List the logon sessions of every host: who, how, from where, with what rights, and what ran in them",
		Long: `List the logon sessions of every host, rebuilt from the Security log
(4624 logon, 4672 special privileges, 4634 and 4647 logoff, 4648
explicit credentials, 4778 and 4779 RDP reconnect and disconnect): one
row per session with the host, user, logon id, logon type, source
address and workstation, authentication package, whether it was
elevated, its start, end and duration, the number of process
creations (Security 4688 SubjectLogonId, Sysmon 1 LogonId) that ran in
it, and the number of findings in it with the highest level among them
("3 (high)"). Logon ids of process creations that no session explains
(no 4624 in the logs, or a built-in account such as SYSTEM) get a row of
their own ("no 4624" or "built-in"), with the first and last process as
start and end. Then failed logons (4625), one row per host, target user and
source address: attempts, first and last, and why they failed.

Logon ids are unique per boot only: a record belongs to the latest 4624
of its id on its host that is not after it and whose session had not
ended before it. The two halves of a split token (UAC) are two sessions
that name each other (LinkedLogonId). Records may be spread over several
files in any order; copies of a log count once.

The findings are those evtxhunt scan reports with the same rule flags
(built-in rules unless --no-builtin, -r, --min-level, --placeholders,
--long-cmdline) and --allowlist (suppressed findings count nowhere;
stderr counts them per entry). A finding counts in the session of its
event's logon id, as scan gives it its context.session: the latest 4624
of that id on that host not after the event, if that session had not
ended before it; else the logon id's "no 4624" or "built-in" row. One process
creation logged by both Security and Sysmon, or a record read from
several files, is one finding. Findings without a logon id count in no
row; a note on stderr says how many of all the findings the rows listed
hold.

--since and --until keep the sessions whose time span meets the range
(a session without a logoff may reach any later time) and count only the
failed logons inside it; --host and --user keep those hosts and users.
They choose rows only: Processes and Findings count the whole session.

Formats: table (sessions, then failed logons); csv (one header for both
kinds of rows, told apart by Kind: session or failed_logons); json (one
array) and jsonl (one object per row), each session row with its full
Session object; csv, json and jsonl give the findings as Findings and
FindingsLevel. See the README's "Logon sessions" section for every
column and field.`,
		Example: `  evtxhunt sessions samples/
  evtxhunt sessions --host WS01 --user alice --since 2024-03-12 logs/
  evtxhunt sessions -f jsonl -o sessions.jsonl /cases/42/logs
  evtxhunt sessions -r my-rules/ --min-level high /cases/42/logs`,
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
			if _, err = opts.Rules.config(); err != nil {
				return err
			}
			return runSessions(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	opts.Filters.registerRange(cmd, "sessions")
	opts.Rules.register(cmd)
	cmd.Flags().StringVar(&opts.Allowlist, "allowlist", "", "leave out of the Findings counts the findings covered by the entries of this YAML `FILE`, as scan --allowlist does; suppressed findings are counted per entry on stderr")
	return cmd
}

func runSessions(ctx context.Context, opts *sessionsOptions) error {
	defer opts.Read.limitCPUs()()
	defer limitScanMemory()()
	set, err := opts.Rules.load(opts.IO.ErrOut)
	if err != nil {
		return err
	}
	// The allowlist is loaded as scan loads it, with the rules'
	// placeholders.
	allow, err := (&scanOptions{IO: opts.IO, Rules: opts.Rules, Allowlist: opts.Allowlist}).loadAllowlist(set)
	if err != nil {
		return err
	}
	// No timeline context is shown, so none is gathered beyond what
	// findings need anyway.
	scanner, err := findings.NewScanner(set, findings.Options{Window: findings.DefaultWindow, Allowlist: allow})
	if err != nil {
		return err
	}
	// The rules' records, and the Security logon records the sessions are
	// built from.
	want := &event.Selection{}
	want.Merge(set.Selection())
	want.Merge(sessions.Selection())
	b := sessions.NewBuilder(sessions.Options{})
	ruled := set.Selection()
	detector := findings.NewDetector(set, nil, func(e *event.Event) bool { return ruled.Wants(e.Channel, e.EventID) })
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{
		Want: want, NewWorkerStep: detector.NewWorkerStep,
		OnChunk:     feedSessions(&opts.filter, ruled, detector, scanner, b),
		ReuseEvents: true, // the scanner and the builder copy what they keep
	})
	if err != nil {
		return err
	}
	results, err := scanner.Finish()
	if err != nil {
		results.Close()
		return err
	}
	defer results.Close()
	if err := writeSessions(opts, b.Finish(), results); err != nil {
		return err
	}
	writeAllowlistCounts(opts.IO.ErrOut, allow)
	if res.problems() {
		return errInputProblems
	}
	return nil
}

// feedSessions returns the pipeline's chunk callback: every process
// creation and logon record goes to the sessions builder, and every
// process creation and record the rules name (ruled) to the scanner.
func feedSessions(f *filter.Filter, ruled *event.Selection, det *findings.Detector, scanner *findings.Scanner, b *sessions.Builder) func(*pipeline.FileStats, int, *decode.Result) {
	return func(_ *pipeline.FileStats, _ int, r *decode.Result) {
		hits := det.Hits(r) // matched in the reading workers
		for i := range r.Events {
			// Copies of a record and the two logs' records of one
			// process creation count once.
			if scanner.ScanDetected(&r.Events[i], hits.Process(i)) {
				b.AddProcess(&r.Events[i])
			}
		}
		for i := range r.Selected {
			e := &r.Selected[i]
			if ruled.Wants(e.Channel, e.EventID) {
				scanner.ScanEventDetected(e, hits.Event(i))
			}
			// Failed logons are counted within the range only; every
			// other record serves to rebuild the sessions.
			if e.EventID == sessions.EventLogonFailed && !f.MatchEvent(e) {
				continue
			}
			b.Add(e)
		}
	}
}

// writeSessions writes the report of the sessions the filters keep, with
// the findings of results counted in them, and the notes on stderr.
func writeSessions(opts *sessionsOptions, idx *sessions.Index, results *findings.Results) error {
	stderr := opts.IO.ErrOut
	if st := idx.Stats(); st.Evicted > 0 || st.Dropped > 0 {
		fmt.Fprintf(stderr, "evtxhunt: note: %d sessions and %d records were dropped to stay within the memory limit (%d sessions held at once); their processes are listed as \"no 4624\"\n",
			st.Evicted, st.Dropped, sessions.DefaultMaxSessions)
	}
	rows := sessionreport.Rows(idx, &opts.filter)
	counts, err := sessionreport.CountFindings(rows, idx, results)
	if err != nil {
		return err
	}
	if counts.Total > 0 {
		fmt.Fprintf(stderr, "evtxhunt: note: %s, %d of them in the sessions listed\n", plural(counts.Total, "finding"), counts.InRows)
	}
	return writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		return sessionreport.Write(o, opts.format, rows, sessionreport.Options{Options: opts.Out.options(), Findings: true})
	})
}
