package sigma

import "github.com/evtxhunt/evtxhunt/analyzer/event"

// ReadsField reports whether matching the rule on a process event can
// read field f: a selection item on f, a fieldref comparing with f, or a
// keyword search (which reads every string field). A rule that never
// applies to a process creation (see canMatchProcess: a keyword rule
// bound to Security 5142, say) reads none of its fields, so the memo key
// of process events holds only what the process rules read, not the
// GUIDs and times that make every Sysmon event unique. The channel and
// event id, which a rule's log source binds, are read by every match
// whatever this says. A caller that fills f after a first match (the
// scanner fills a 4688 event's ParentCommandLine from its parent) runs
// these rules after filling, the others before.
func (r *Rule) ReadsField(f event.Field) bool {
	if r == nil || r.det == nil || !r.canMatchProcess() {
		return false
	}
	for _, s := range r.det.sels {
		for _, alt := range s.alts {
			for _, it := range alt {
				if it.readsField(f) {
					return true
				}
			}
		}
	}
	return false
}

func (it *item) readsField(f event.Field) bool {
	if it.ref.any {
		return !f.IsNumber()
	}
	if it.ref.known && it.ref.field == f {
		return true
	}
	for _, m := range it.ms {
		if matcherReads(m, f) {
			return true
		}
	}
	return false
}

// matcherReads reports whether m reads field f of the event besides the
// value it is given (a fieldref does).
func matcherReads(m matcher, f event.Field) bool {
	switch m := m.(type) {
	case fieldrefMatcher:
		return m.other.any || (m.other.known && m.other.field == f)
	case anyMatcher:
		for _, x := range m {
			if matcherReads(x, f) {
				return true
			}
		}
	}
	return false
}
