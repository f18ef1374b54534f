package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/synth"
)

type synthOptions struct {
	IO     *ioStreams
	Input  string // "-" for stdin
	Output string
	Noise  int
	Seed   uint64
	Size   string
	Start  string

	size  int64
	start time.Time
}

const synthLong = `Write an EVTX file holding one record per input line, the way Windows
writes it, so that any EVTX parser reads it like a log taken from a real
machine. Input is JSON lines in the shape "timeline -f jsonl" prints
(standard input when no file is given), so timeline, then synth, then
timeline gives back the same events.

  EventID 4688  a Security-Auditing 4688 record, version 2 with all 15
                EventData values (a line stating "Version" 0, 1 or 2 gets
                that version's layout); values typed as Windows types them
  EventID 1     a Sysmon EventID 1 version 5 record (GUIDs, ids, hashes)
  other ids     a generic record of the line's Provider and Channel whose
                EventData is the line's "EventData" object, in order;
                Level, Task, Opcode and Keywords may be given too

Fields a line leaves out get values derived from the ones it gives (an
account's SID and logon id, process ids, Sysmon GUIDs that match between
a parent and its children, hashes, version information). A line's
EventRecordID becomes the record's; a line without one takes the number
after the previous record's. A line that cannot be written stops the run
with an error naming it, and nothing is written: the output appears
whole or not at all.

--noise adds realistic background records around the events, spread over
their time span: logons and logoffs (4624, 4634), special privileges
(4672), permitted connections (5156) and benign 4688s with real parent
chains for Security; process starts, network connections and exits
(Sysmon 1, 3, 5) for Sysmon, on the hosts and for the users the input
names. The same --seed gives the same file. --size keeps adding
background records until the file reaches that size.`

func newCmdSynth(ios *ioStreams) *cobra.Command {
	opts := &synthOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "synth -o OUT.evtx [flags] [EVENTS.jsonl]",
		Short: "Write an EVTX file from JSON lines, with optional realistic background noise",
		Long:  synthLong,
		Example: `  evtxhunt timeline -f jsonl -o events.jsonl logs/ && evtxhunt synth -o copy.evtx events.jsonl
  evtxhunt synth -o demo.evtx --noise 2000 --seed 7 story.jsonl
  echo '{"EventID":4688,"CommandLine":"mshta.exe javascript:alert(1)"}' | evtxhunt synth -o one.evtx
  evtxhunt synth -o big.evtx --size 1GiB --seed 1 story.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = "-"
			if len(args) == 1 {
				opts.Input = args[0]
			}
			if err := opts.check(); err != nil {
				return err
			}
			return runSynth(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "", `file to write ("-" for standard output); required`)
	f.IntVar(&opts.Noise, "noise", 0, "number of background records to add around the events")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed of the background records")
	f.StringVar(&opts.Size, "size", "", `keep adding background records until the file is this big ("512MiB", "1GiB")`)
	f.StringVar(&opts.Start, "start", "", "time of a first line without Timestamp (RFC 3339; default: now)")
	return cmd
}

// check validates the flags.
func (o *synthOptions) check() error {
	var err error
	switch {
	case o.Output == "":
		return usageErrorf("synth: --output (-o) is required")
	case o.Noise < 0:
		return usageErrorf("synth: --noise must not be negative")
	}
	if o.Size != "" {
		if o.size, err = synth.ParseSize(o.Size); err != nil {
			return usageErrorf("synth: --size: %v", err)
		}
	}
	if o.Start != "" {
		if o.start, err = time.Parse(time.RFC3339Nano, o.Start); err != nil {
			return usageErrorf("synth: --start: not an RFC 3339 time: %q", o.Start)
		}
	}
	return nil
}

func runSynth(opts *synthOptions) error {
	in, source := opts.IO.In, "stdin"
	if opts.Input != "-" {
		f, err := os.Open(opts.Input)
		if err != nil {
			return err
		}
		defer f.Close()
		in, source = f, opts.Input
	}
	st, err := synth.WriteFile(opts.Output, in, opts.IO.Out, synth.Options{
		Noise: opts.Noise, Seed: opts.Seed, Size: opts.size, Start: opts.start, Source: source,
	})
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	noun := "records"
	if st.Records == 1 {
		noun = "record"
	}
	fmt.Fprintf(opts.IO.ErrOut, "evtxhunt: wrote %s: %d %s (%d from the input, %d background), %d bytes\n",
		opts.Output, st.Records, noun, st.Lines, st.Noise, st.Bytes)
	return nil
}
