package synth

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// Options control a run.
type Options struct {
	// Noise is the number of background records to add around the lines.
	Noise int
	// Seed makes the noise; the same seed and input give the same file.
	Seed uint64
	// Size, when positive, keeps adding noise after the last record until
	// the file is at least this many bytes.
	Size int64
	// Start is the time of a first line without a Timestamp; zero means
	// the time of the run.
	Start time.Time
	// Source names the input in errors.
	Source string
	// World, when set, is the simulated network the noise comes from (the
	// samples generator shares it with its story); otherwise one is made
	// from the hosts and users the lines name.
	World *World
}

// Stats describe a written file.
type Stats struct {
	Lines   int    // input events written
	Noise   int    // background records added
	Records uint64 // all records
	Bytes   int64  // file size
}

// maxSize bounds Size: a file holds at most 65535 chunks.
const maxSize = 4096 + int64(evtxwriter.MaxChunks)*65536

// Write converts the lines, adds the noise and writes the file to out.
// Every line is converted before anything is written, so a bad line
// fails the run before a byte is written; its error is a *LineError.
func Write(out io.WriterAt, lines []Line, opts Options) (Stats, error) {
	if opts.Size > maxSize {
		return Stats{}, fmt.Errorf("size %d is more than an EVTX file can hold (%d)", opts.Size, maxSize)
	}
	if opts.Noise < 0 {
		return Stats{}, errors.New("noise must not be negative")
	}
	conv := converter{start: opts.Start}
	if conv.start.IsZero() {
		conv.start = time.Now().UTC()
	}
	events := make([]*evtxwriter.Event, len(lines))
	for i := range lines {
		ev, err := conv.convert(&lines[i])
		if err != nil {
			return Stats{}, &LineError{opts.Source, lines[i].Number, err}
		}
		events[i] = ev
	}
	gen := newNoise(opts, lines, events)
	from, to := span(events, conv.start)
	noise, err := gen.convert(gen.lines(opts.Noise, from, to))
	if err != nil {
		return Stats{}, err
	}
	r := run{w: evtxwriter.New(out), opts: &opts}
	if err := r.merge(lines, events, noise); err != nil {
		return r.st, err
	}
	if err := r.grow(gen, lastTime(events, noise)); err != nil {
		return r.st, err
	}
	if err := r.w.Close(); err != nil {
		return r.st, err
	}
	r.st.Records, r.st.Bytes = r.w.Records(), r.w.Size()
	return r.st, nil
}

// run is the writing half of Write.
type run struct {
	w    *evtxwriter.Writer
	opts *Options
	ids  recordIDs
	st   Stats
}

func (r *run) noise(ev *evtxwriter.Event) error {
	ev.RecordID = r.ids.next(0, false)
	r.st.Noise++
	return r.w.Write(ev)
}

// merge writes the lines' records in input order, each preceded by the
// noise records older than it.
func (r *run) merge(lines []Line, events, noise []*evtxwriter.Event) error {
	ni := 0
	for i, ev := range events {
		for ; ni < len(noise) && noise[ni].TimeCreated.Before(ev.TimeCreated); ni++ {
			if err := r.noise(noise[ni]); err != nil {
				return err
			}
		}
		ev.RecordID = r.ids.next(lines[i].P.EventRecordID, lines[i].given&givenRecordID != 0)
		if err := r.w.Write(ev); err != nil {
			return &LineError{r.opts.Source, lines[i].Number, err}
		}
		r.st.Lines++
	}
	for ; ni < len(noise); ni++ {
		if err := r.noise(noise[ni]); err != nil {
			return err
		}
	}
	return nil
}

// grow adds noise after last, ten minutes at a time, until the file
// reaches opts.Size.
func (r *run) grow(gen *noise, last time.Time) error {
	for r.opts.Size > 0 && r.w.Size() < r.opts.Size {
		more, err := gen.convert(gen.lines(256, last, last.Add(10*time.Minute)))
		if err != nil {
			return err
		}
		for _, ev := range more {
			if r.w.Size() >= r.opts.Size {
				break
			}
			if err := r.noise(ev); err != nil {
				return err
			}
		}
		last = last.Add(10 * time.Minute)
	}
	return nil
}

// recordIDs numbers records: a line's EventRecordID is kept, anything else
// takes the number after the previous record's.
type recordIDs struct{ last uint64 }

func (r *recordIDs) next(id uint64, given bool) uint64 {
	if !given {
		id = r.last + 1
	}
	r.last = id
	return id
}

// span returns the time range the noise spreads over: the lines' range,
// widened to at least an hour; the hour before start without lines.
func span(events []*evtxwriter.Event, start time.Time) (time.Time, time.Time) {
	if len(events) == 0 {
		return start.Add(-time.Hour), start
	}
	lo, hi := events[0].TimeCreated, events[0].TimeCreated
	for _, ev := range events {
		if ev.TimeCreated.Before(lo) {
			lo = ev.TimeCreated
		}
		if ev.TimeCreated.After(hi) {
			hi = ev.TimeCreated
		}
	}
	if d := hi.Sub(lo); d < time.Hour {
		lo = lo.Add(-(time.Hour - d) / 2)
		hi = lo.Add(time.Hour)
	}
	return lo, hi
}

func lastTime(events, noise []*evtxwriter.Event) time.Time {
	var t time.Time
	for _, list := range [][]*evtxwriter.Event{events, noise} {
		for _, ev := range list {
			if ev.TimeCreated.After(t) {
				t = ev.TimeCreated
			}
		}
	}
	return t
}

// WriteFile reads JSON lines from in and writes the file at path ("-" for
// stdout) atomically: on any error nothing is written.
func WriteFile(path string, in io.Reader, stdout io.Writer, opts Options) (Stats, error) {
	lines, err := ReadLines(in, opts.Source)
	if err != nil {
		return Stats{}, err
	}
	out, err := Create(path, stdout)
	if err != nil {
		return Stats{}, err
	}
	st, err := Write(out, lines, opts)
	if err != nil {
		out.Abort()
		return st, err
	}
	return st, out.Commit()
}
