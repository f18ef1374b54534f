package findings

import (
	"slices"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/allowlist"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Options configure a Scanner.
type Options struct {
	// Context is the number of timeline events shown each side of a
	// finding (0: none; ancestry and children are still computed).
	Context int
	// Window is how far from the finding, in time, timeline events may be.
	Window time.Duration
	// Order is the order Results.Each delivers findings in.
	Order Order
	// TempDir holds spilled findings ("": the system's temporary folder).
	TempDir string
	// Allowlist suppresses the findings it covers; they are counted in
	// Stats.Suppressed (nil: none).
	Allowlist *allowlist.List

	// HistoryLimit bounds the process events kept for context, over all
	// hosts (0: DefaultHistoryLimit).
	HistoryLimit int
	// PendingLimit bounds the flagged records waiting for the rest of the
	// input before their context is computed (0: DefaultPendingLimit).
	PendingLimit int
	// SpoolMemory bounds the bytes of finished findings held in memory
	// before they are spilled to TempDir (0: DefaultSpoolMemory).
	SpoolMemory int
}

// Defaults of Options.
const (
	DefaultContext      = 5
	DefaultWindow       = 15 * time.Minute
	DefaultHistoryLimit = 200_000 // about 75 MiB of records
	DefaultPendingLimit = 4096
	DefaultSpoolMemory  = 32 << 20
)

// DefaultOptions returns the options the scan command starts from.
func DefaultOptions() Options {
	return Options{Context: DefaultContext, Window: DefaultWindow, Order: Order{Key: "time"}}
}

// Scanner runs detections over events delivered in input order and keeps
// the state that gives findings their context. See the package
// documentation for the design.
type Scanner struct {
	set  *detections.Set
	opts Options
	hist *history

	view    eventView // the current event, as a record
	fresh   bool      // the current event is a process creation not read before
	hits    []detections.Hit
	scratch []*sigma.Rule
	late    *detections.Memo // of the set's DetectLate

	pending []*pendingRecord
	seen    map[recordKey]*pendingRecord // nil once the record is spooled
	twins   map[twinKey][]*pendingRecord // pending process records, for pairing
	extra   map[recordKey][]string       // sources found after spooling
	spool   *spool
	tally   *tally
	corr    *correlator // nil without correlation rules
	err     error

	Stats
}

// eventView is the event being scanned, seen as a history record.
type eventView struct {
	procView
	filled bool // the scanner filled its ParentCommandLine
}

// pendingRecord is a flagged record waiting for its context.
type pendingRecord struct {
	event   event.Process  // the process event, or the identity of general
	general *event.Event   // a record that is not a process creation
	twin    *event.Process // the 4688 twin of a Sysmon process event, when merged
	// twinSources are the files the twin was read from.
	twinSources []string
	actor       event.Actor // who and what general names
	key         recordKey
	host        *hostHistory
	sources     []string
	hits        []detections.Hit
}

// NewScanner returns a scanner over the detection set. It checks the
// order's sort key.
func NewScanner(set *detections.Set, opts Options) (*Scanner, error) {
	if err := opts.Order.check(); err != nil {
		return nil, err
	}
	opts.HistoryLimit = cmpOr(opts.HistoryLimit, DefaultHistoryLimit)
	opts.PendingLimit = cmpOr(opts.PendingLimit, DefaultPendingLimit)
	opts.SpoolMemory = cmpOr(opts.SpoolMemory, DefaultSpoolMemory)
	s := &Scanner{
		set:   set,
		opts:  opts,
		hist:  newHistory(),
		seen:  map[recordKey]*pendingRecord{},
		twins: map[twinKey][]*pendingRecord{},
		extra: map[recordKey][]string{},
		spool: newSpool(opts.Order, opts.TempDir, opts.SpoolMemory),
		tally: newTally(),
		late:  set.NewLateMemo(),
	}
	s.corr = newCorrelator(s)
	return s, nil
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// evict drops the older half of the largest host's history, first
// finishing the pending findings whose timeline window reaches into it.
// (Half, not less: every eviction rebuilds what is kept, so the rebuilding
// costs one record per record evicted.)
func (s *Scanner) evict() {
	h := s.hist.largest()
	cutoff := h.quantileTime(0.5)
	reach := cutoff + int64(s.opts.Window)
	kept := s.pending[:0]
	for _, pr := range s.pending {
		if pr.host == h && pr.event.Timestamp.UnixNano() <= reach {
			s.finish(pr)
		} else {
			kept = append(kept, pr)
		}
	}
	clear(s.pending[len(kept):])
	s.pending = kept
	h.evictThrough(s.hist, cutoff)
}

// finishOldestPending finishes the older half of the pending records.
func (s *Scanner) finishOldestPending() {
	slices.SortStableFunc(s.pending, func(a, b *pendingRecord) int {
		return a.event.Timestamp.Compare(b.event.Timestamp)
	})
	half := len(s.pending) / 2
	for _, pr := range s.pending[:half] {
		s.finish(pr)
	}
	n := copy(s.pending, s.pending[half:])
	clear(s.pending[n:])
	s.pending = s.pending[:n]
}

// Correlation feeding: the hits of each record not seen before (copies
// from other files are not fed twice) that no allowlist entry suppressed
// feed the correlation rules referring to their rules; hits of rules whose
// own findings the correlations suppress (generate: false) are then
// dropped from findings and counts.

// finish computes a pending record's context and spools its findings.
func (s *Scanner) finish(pr *pendingRecord) {
	s.seen[pr.key] = nil
	s.forgetTwin(pr)
	var ctx Context
	if pr.general != nil {
		ctx = pr.host.contextAt(s.hist, &pr.actor, pr.event.Timestamp, s.opts.Context, s.opts.Window)
	} else {
		var view procView
		makeView(&view, &pr.event)
		if ref := pr.host.find(&view); ref >= 0 {
			ctx = pr.host.contextOf(s.hist, ref, s.opts.Context, s.opts.Window)
			s.fillParentLate(pr, ref)
		}
	}
	ev := pr.event
	if pr.twin != nil {
		ev = completeSysmon(&pr.event, pr.twin)
	}
	records := recordsOf(pr)
	for _, hit := range pr.hits {
		r := hit.Rule
		f := Finding{
			ID:          newID(r.ID, &ev),
			RuleID:      r.ID,
			Title:       r.Title,
			Level:       r.Level,
			Tags:        r.AttackTags(),
			Description: r.Description,
			RuleSource:  r.Location(),
			Reason:      hit.Reason,
			Decoded:     hit.Decoded,
			Event:       ev,
			General:     pr.general,
			Records:     records,
			Sources:     pr.sources,
			Context:     ctx,
			key:         pr.key,
		}
		s.tally.add(&f)
		if err := s.spool.add(&f); err != nil && s.err == nil {
			s.err = err
		}
	}
}

// fillParentLate gives a 4688 event whose parent was read after it (in a
// later file) the parent's command line, for the report.
func (s *Scanner) fillParentLate(pr *pendingRecord, ref int32) {
	p := &pr.event
	if p.EventID != event.SecurityProcessCreate {
		return
	}
	if _, has := p.Get(event.FieldParentCommandLine); has {
		return
	}
	h := pr.host
	if par, ok := h.parentOf(ref); ok && h.recs[par].has(hasCmdLine) {
		p.Set(event.FieldParentCommandLine, h.arena.str(h.recs[par].commandLine))
	}
}

// Finish computes the context of every pending finding and returns the
// results. The scanner must not be used afterwards. The error is one of
// spilling findings to disk; the results then hold what could be kept.
func (s *Scanner) Finish() (*Results, error) {
	if s.corr != nil {
		s.corr.engine.Flush()
		s.Correlation = s.corr.engine.Stats
	}
	for _, pr := range s.pending {
		s.finish(pr)
	}
	s.pending = nil
	r := &Results{Stats: s.Stats, spool: s.spool, extra: s.extra}
	s.tally.results(r)
	s.hist = nil
	return r, s.err
}
