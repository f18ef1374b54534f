package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/filter"
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
elevated, its start, end and duration, and the number of process
creations (Security 4688 SubjectLogonId, Sysmon 1 LogonId) that ran in
it. Logon ids of process creations that no session explains (no 4624 in
the logs, or a built-in account such as SYSTEM) get a row of their own
("no 4624" or "built-in"), with the first and last process as start and
end. Then failed logons (4625), one row per host, target user and
source address: attempts, first and last, and why they failed.

Logon ids are unique per boot only: a record belongs to the latest 4624
of its id on its host that is not after it and whose session had not
ended before it. The two halves of a split token (UAC) are two sessions
that name each other (LinkedLogonId). Records may be spread over several
files in any order; copies of a log count once.

--since and --until keep the sessions whose time span meets the range
(a session without a logoff may reach any later time) and count only the
failed logons inside it; --host and --user keep those hosts and users.

Formats: table (sessions, then failed logons); csv (one header for both
kinds of rows, told apart by Kind: session or failed_logons); json (one
array) and jsonl (one object per row), each session row with its full
Session object. See the README's "Logon sessions" section for every
column and field.`,
		Example: `  evtxhunt sessions samples/
  evtxhunt sessions --host WS01 --user alice --since 2024-03-12 logs/
  evtxhunt sessions -f jsonl -o sessions.jsonl /cases/42/logs`,
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
			return runSessions(cmd.Context(), opts)
		},
	}
	opts.Read.register(cmd)
	opts.Out.register(cmd, "table, csv, json, jsonl")
	opts.Filters.registerRange(cmd, "sessions")
	return cmd
}

func runSessions(ctx context.Context, opts *sessionsOptions) error {
	defer opts.Read.limitCPUs()()
	b := sessions.NewBuilder(sessions.Options{})
	res, err := readInputs(ctx, opts.Paths, &opts.Read, opts.IO.ErrOut, pipeline.Options{
		Want: sessions.Selection(),
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Events {
				b.AddProcess(&r.Events[i])
			}
			for i := range r.Selected {
				e := &r.Selected[i]
				// Failed logons are counted within the range only; every
				// other record serves to rebuild the sessions.
				if e.EventID == sessions.EventLogonFailed && !opts.filter.MatchEvent(e) {
					continue
				}
				b.Add(e)
			}
		},
	})
	if err != nil {
		return err
	}
	idx := b.Finish()
	if st := idx.Stats(); st.Evicted > 0 || st.Dropped > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "evtxhunt: note: %d sessions and %d records were dropped to stay within the memory limit (%d sessions held at once); their processes are listed as \"no 4624\"\n",
			st.Evicted, st.Dropped, sessions.DefaultMaxSessions)
	}
	rows := sessionreport.Rows(idx, &opts.filter)
	if err := writeReport(opts.Out.Output, opts.IO, func(o *report.Output) error {
		// Findings per session come from scan; until it feeds them,
		// the column is left out (sessionreport.Options.Findings).
		return sessionreport.Write(o, opts.format, rows, sessionreport.Options{Options: opts.Out.options()})
	}); err != nil {
		return err
	}
	if res.problems() {
		return errInputProblems
	}
	return nil
}
