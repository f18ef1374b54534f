package findings

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
)

// Process events: how the scanner takes each one in, in input order.

// Observe keeps p for the context of other events without running the
// detections on it (an event outside the report's filters). Like Scan,
// it reports whether p is a process creation not read before.
func (s *Scanner) Observe(p *event.Process) (fresh bool) {
	s.Observed++
	s.remember(p)
	return s.fresh
}

// Scan enriches p, keeps it for context, runs the detections on it and
// records its findings. It reports whether p is a process creation not
// read before: neither a copy of a record already read (in another file)
// nor the other log's record of a creation already read (the 4688 of a
// Sysmon 1, or the reverse), as far as the history reaches; counts of
// process creations count those.
func (s *Scanner) Scan(p *event.Process) (fresh bool) {
	s.hits, s.scratch = s.set.Detect(p, s.hits[:0], s.scratch)
	return s.ScanDetected(p, s.hits)
}

// ScanDetected is Scan for an event a Detector matched: hits are the hits
// Detect gave for p as it was decoded (the scanner reads them, never
// keeps or changes them). When the scanner fills p's ParentCommandLine,
// the rules that read it are run again.
func (s *Scanner) ScanDetected(p *event.Process, hits []detections.Hit) (fresh bool) {
	s.Events++
	deferred := s.set.Defers(p)
	h := s.remember(p)
	s.hits = append(s.hits[:0], hits...)
	if deferred && s.view.filled {
		s.hits = s.set.DropDeferred(s.hits)
		s.hits, s.scratch = s.late.DetectLate(p, s.hits, s.scratch)
	}
	if len(s.hits) == 0 {
		return s.fresh
	}
	s.record(p, h)
	return s.fresh
}

// record records the findings of s.hits on p.
func (s *Scanner) record(p *event.Process, h *hostHistory) {
	key := keyOf(p, s.view.filled)
	if s.copyOf(key, p.SourceFile) {
		return
	}
	p.Own() // p is kept from here on
	pr := &pendingRecord{event: *p, key: key, host: h, sources: []string{p.SourceFile}}
	for _, hit := range s.hits {
		if s.opts.Allowlist.Suppressed(hit.Rule, p) != nil {
			s.Suppressed++
			continue
		}
		pr.hits = append(pr.hits, hit)
	}
	pr.hits = s.corr.observeProcess(pr.hits, p)
	if tk, ok := twinKeyOf(p); ok && len(pr.hits) > 0 {
		if o := s.pendingTwin(tk, p); o != nil {
			s.count(s.mergeTwin(o, pr))
			return
		}
		s.twins[tk] = append(s.twins[tk], pr)
	}
	s.count(pr.hits)
	s.addPending(pr)
}

// count counts new findings.
func (s *Scanner) count(hits []detections.Hit) {
	for _, hit := range hits {
		s.Findings++
		s.Levels.add(hit.Rule.Level)
	}
}

// addPending keeps a flagged record until its context can be computed;
// one whose findings were all suppressed is only remembered as seen.
func (s *Scanner) addPending(pr *pendingRecord) {
	key := pr.key
	if len(pr.hits) == 0 {
		s.seen[key] = nil // copies of it are duplicates, not new suppressions
		return
	}
	s.pending = append(s.pending, pr)
	s.seen[key] = pr
	if len(s.pending) > s.opts.PendingLimit {
		s.finishOldestPending()
	}
}

// remember adds p to its host's history, evicting old history when the
// limit is passed, and fills a 4688 event's missing ParentCommandLine from
// its parent's event. It leaves p's record view in s.view.
func (s *Scanner) remember(p *event.Process) *hostHistory {
	h := s.hist.host(p.Computer)
	makeView(&s.view.procView, p)
	s.view.filled = false
	ref, isNew := h.insert(s.hist, &s.view.procView)
	s.fresh = isNew && !h.hasOtherRecordOf(ref)
	if isNew && s.hist.total > s.opts.HistoryLimit {
		s.evict()
		h = s.hist.host(p.Computer)
		if ref = h.find(&s.view.procView); ref < 0 {
			return h // evicted with the oldest: too old to have a parent kept
		}
	}
	if p.EventID == event.SecurityProcessCreate {
		if _, has := p.Get(event.FieldParentCommandLine); !has {
			if par, ok := h.parentOf(ref); ok && h.recs[par].has(hasCmdLine) {
				// A view, not a copy: most events are not kept.
				p.Set(event.FieldParentCommandLine, h.arena.view(h.recs[par].commandLine))
				s.view.filled = true
			}
		}
	}
	return h
}
