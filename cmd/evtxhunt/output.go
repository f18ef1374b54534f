package main

import (
	"github.com/spf13/cobra"

	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
)

// outputFlags select the report format and destination.
type outputFlags struct {
	Format string
	Output string
	Full   bool
	RawCSV bool
}

func (f *outputFlags) register(cmd *cobra.Command, formats string) {
	cmd.Flags().StringVarP(&f.Format, "format", "f", "", "output format: "+formats+" (default: from the -o extension, else table)")
	cmd.Flags().StringVarP(&f.Output, "output", "o", "", "write the report to `FILE` (default: stdout); written whole or not at all")
	cmd.Flags().BoolVar(&f.Full, "full", false, "table: show long values whole instead of shortening them")
	cmd.Flags().BoolVar(&f.RawCSV, "raw-csv", false, "csv: keep cells verbatim (by default cells starting with = + - @ are prefixed with ' so spreadsheets do not run them)")
}

// format resolves the output format among allowed.
func (f *outputFlags) format(allowed ...report.Format) (report.Format, error) {
	name := f.Format
	if name == "" {
		if guess, ok := report.FormatForPath(f.Output); ok {
			name = string(guess)
		} else {
			name = string(report.Table)
		}
	}
	format, err := report.ParseFormat(name, allowed...)
	if err != nil {
		return "", usageError{err}
	}
	return format, nil
}

func (f *outputFlags) options() report.Options {
	return report.Options{Full: f.Full, RawCSV: f.RawCSV}
}

// filterFlags select events by time, host and user.
type filterFlags struct {
	Since, Until string
	Hosts, Users []string
	EventIDs     []uint
	Channels     []string
}

func (f *filterFlags) register(cmd *cobra.Command) {
	f.registerRange(cmd, "events")
	cmd.Flags().UintSliceVar(&f.EventIDs, "event-id", nil, "keep records of this event `ID` (repeatable or comma-separated)")
	cmd.Flags().StringArrayVar(&f.Channels, "channel", nil, "keep records of this `CHANNEL`, e.g. Security or Microsoft-Windows-Sysmon/Operational (case-insensitive; repeatable)")
}

// registerRange registers --since, --until, --host and --user alone; what
// names the things they keep ("events", "sessions").
func (f *filterFlags) registerRange(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&f.Since, "since", "", "keep "+what+" at or after `TIME` (RFC 3339, or a date YYYY-MM-DD in UTC)")
	cmd.Flags().StringVar(&f.Until, "until", "", "keep "+what+" at or before `TIME` (RFC 3339, or a date: up to the end of that day)")
	cmd.Flags().StringArrayVar(&f.Hosts, "host", nil, "keep "+what+" of this `HOST` (full or short name, case-insensitive; repeatable)")
	cmd.Flags().StringArrayVar(&f.Users, "user", nil, "keep "+what+" of this `USER` (DOMAIN\\name or name, case-insensitive; repeatable)")
}

func (f *filterFlags) build() (filter.Filter, error) {
	out := filter.Filter{Hosts: f.Hosts, Users: f.Users, Channels: f.Channels}
	for _, id := range f.EventIDs {
		if id > 0xffff {
			return out, usageErrorf("--event-id %d: event ids are 16-bit numbers (0 to 65535)", id)
		}
		out.EventIDs = append(out.EventIDs, uint32(id))
	}
	var err error
	if f.Since != "" {
		if out.Since, err = filter.ParseTime(f.Since, false); err != nil {
			return out, usageErrorf("--since: %v", err)
		}
	}
	if f.Until != "" {
		if out.Until, err = filter.ParseTime(f.Until, true); err != nil {
			return out, usageErrorf("--until: %v", err)
		}
	}
	if !out.Since.IsZero() && !out.Until.IsZero() && out.Until.Before(out.Since) {
		return out, usageErrorf("--until is before --since")
	}
	return out, nil
}
