package detections

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Detection in two steps.
//
// The reading workers decode chunks in parallel, and the findings scanner
// sees their events afterwards, one at a time in input order. Detection
// depends on the event alone, and runs in the workers (Detect), with one
// exception: a Security 4688 record has no ParentCommandLine, which the
// scanner fills from the parent's event in its history when it has it.
// For such an event, the hits of the rules that can read that field (see
// sigma.Rule.ReadsField) are then dropped (DropDeferred) and those rules
// run again on the completed event (DetectLate). Together the two steps
// give exactly what Detect gives on the event as the scanner completed
// it, in the same order; an event the scanner did not complete keeps the
// workers' hits.

// deferredRules indexes the rules that read ParentCommandLine.
type deferredRules struct {
	skip   []bool         // by index in the rule set: deferred
	set    *sigma.RuleSet // the deferred rules alone
	fields []memoField    // what they read (memokey.go)
	order  map[*sigma.Rule]int
}

func newDeferredRules(all []*sigma.Rule) *deferredRules {
	d := &deferredRules{skip: make([]bool, len(all)), order: make(map[*sigma.Rule]int, len(all))}
	var late []*sigma.Rule
	for i, r := range all {
		d.order[r] = i
		if r.ReadsField(event.FieldParentCommandLine) {
			d.skip[i] = true
			late = append(late, r)
		}
	}
	if len(late) == 0 {
		d.skip = nil
	}
	d.set = sigma.NewRuleSet(late)
	d.fields = memoFields(late, false)
	return d
}

// Defers reports whether the hits of some rules on p depend on a
// ParentCommandLine the scanner may fill: p is a Security 4688 event
// without one and the set has rules reading it. Ask before p is filled.
func (s *Set) Defers(p *event.Process) bool {
	return s.deferred.skip != nil && p.EventID == event.SecurityProcessCreate &&
		!p.Has.Contains(event.FieldParentCommandLine)
}

// DropDeferred removes from hits, in place, the hits of the rules that
// read ParentCommandLine, and returns what remains.
func (s *Set) DropDeferred(hits []Hit) []Hit {
	kept := hits[:0]
	for _, h := range hits {
		if i, ok := s.deferred.order[h.Rule]; ok && s.deferred.skip[i] {
			continue
		}
		kept = append(kept, h)
	}
	return kept
}

// DetectLate adds to early, p's hits without the deferred rules'
// (DropDeferred), the hits of the deferred rules on p as the scanner
// completed it, keeping Detect's order.
func (s *Set) DetectLate(p *event.Process, early []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	scratch = s.deferred.set.Match(p, scratch[:0])
	for _, r := range scratch {
		early = s.insertLate(early, Hit{Rule: r})
	}
	return early, scratch
}

// deferredHits appends the hits of the deferred rules on p to dst.
func (s *Set) deferredHits(p *event.Process, dst []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	scratch = s.deferred.set.Match(p, scratch[:0])
	for _, r := range scratch {
		dst = append(dst, Hit{Rule: r})
	}
	return dst, scratch
}

// mergeLate inserts the deferred rules' hits into early in Detect's order.
func (s *Set) mergeLate(early, late []Hit) []Hit {
	for _, h := range late {
		early = s.insertLate(early, h)
	}
	return early
}

func (s *Set) insertLate(early []Hit, h Hit) []Hit {
	at := len(early)
	for at > 0 && s.deferred.rank(early[at-1].Rule) > s.deferred.rank(h.Rule) {
		at--
	}
	early = append(early, Hit{})
	copy(early[at+1:], early[at:])
	early[at] = h
	return early
}

// rank is the rule's place in Detect's order: its index in the rule set;
// the check stand-ins come after every rule.
func (d *deferredRules) rank(r *sigma.Rule) int {
	if i, ok := d.order[r]; ok {
		return i
	}
	return len(d.order)
}
