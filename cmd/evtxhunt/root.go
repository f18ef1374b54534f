package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// ioStreams carries the process' standard streams to every command.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

const rootLong = `evtxhunt reads Windows event logs (.evtx) offline, extracts every
process-creation record (Security 4688 and Sysmon EventID 1) into one
normalized event, reads every other record its rules or you ask for, and
runs the built-in detections, Sigma rules of every Windows log source and
Sigma correlation rules over them; every finding comes with its timeline
context, ancestry and logon session. It also lists every record
(timeline --events all), rebuilds the logon sessions of every host
(sessions) and scales out by hosts (scan --shard, merge).

Exit codes:
  0    success, no findings
  1    findings at or above --fail-level (scan, merge)
  2    usage error: bad flag, argument, rule or configuration file, or
       (merge) an unreadable file or a line that is not a finding
  3    some input could not be read or was damaged; the rest was processed
  130  interrupted (Ctrl-C): what was read is printed, no report is written

Environment:
  EVTXHUNT_HUGEPAGES=0  do not ask for transparent huge pages for the heap
                        (asked for by default on 64-bit Linux where the
                        THP mode is madvise, overcommit is not strict and
                        ulimit -v is unlimited: page faults cost less)
  GOGC, GOMEMLIMIT      Go's garbage-collector settings; where set, they
                        replace evtxhunt's own (GOGC=400, and for scan
                        GOGC=200 with a 200 MiB soft limit)`

func newCmdRoot(ios *ioStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "evtxhunt",
		Short:         "Hunt process-creation events in Windows event logs",
		Long:          rootLong,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(c *cobra.Command, _ []string) {
			if !isHelpCommand(c) {
				prepareHeap()
			}
		},
	}
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	// Commands, one line each.
	cmd.AddCommand(newCmdTimeline(ios))
	cmd.AddCommand(newCmdSessions(ios))
	cmd.AddCommand(newCmdStats(ios))
	cmd.AddCommand(newCmdScan(ios))
	cmd.AddCommand(newCmdMerge(ios))
	cmd.AddCommand(newCmdRules(ios))
	cmd.AddCommand(newCmdSynth(ios))
	return cmd
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// The first Ctrl-C (or SIGTERM) cancels the commands' context: they
	// stop reading promptly, print what they had done and write no
	// report. Once it is cancelled the default handling is restored, so a
	// second Ctrl-C ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return runContext(ctx, args, stdin, stdout, stderr)
}

// runContext runs evtxhunt with args under ctx and returns the exit code.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ios := &ioStreams{In: stdin, Out: stdout, ErrOut: stderr}
	cmd := newCmdRoot(ios)
	cmd.SetArgs(args)
	return exitCode(cmd.ExecuteContext(ctx), stderr)
}
