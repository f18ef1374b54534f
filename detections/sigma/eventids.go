package sigma

import (
	"slices"
	"strings"
)

// idSet is the set of event ids a detection can match: every id (any), or
// the sorted ids listed.
type idSet struct {
	any bool
	ids []uint32
}

var anyID = idSet{any: true}

// and is the intersection of two sets.
func (a idSet) and(b idSet) idSet {
	switch {
	case a.any:
		return b
	case b.any:
		return a
	}
	var out []uint32
	for _, id := range a.ids {
		if _, ok := slices.BinarySearch(b.ids, id); ok {
			out = append(out, id)
		}
	}
	return idSet{ids: out}
}

// or is the union of two sets.
func (a idSet) or(b idSet) idSet {
	if a.any || b.any {
		return anyID
	}
	out := append(append([]uint32(nil), a.ids...), b.ids...)
	slices.Sort(out)
	return idSet{ids: slices.Compact(out)}
}

// eventIDs returns the event ids the detection can match, from the
// EventID values its condition requires: "EventID: 4624" pins the rule
// to 4624; a condition that can match without an EventID test (or only
// with a negated one) pins nothing.
func (d *detection) eventIDs() idSet { return d.cond.eventIDs(d.sels) }

func (n *condNode) eventIDs(sels []*selection) idSet {
	switch n.op {
	case opSel:
		return sels[n.sel].eventIDs()
	case opNot:
		return anyID
	case opAnd, opOr:
		acc := n.kids[0].eventIDs(sels)
		for _, k := range n.kids[1:] {
			if n.op == opAnd {
				acc = acc.and(k.eventIDs(sels))
			} else {
				acc = acc.or(k.eventIDs(sels))
			}
		}
		return acc
	}
	// N of / all of: all must match (and), or at least one (or).
	acc := sels[n.sels[0]].eventIDs()
	for _, s := range n.sels[1:] {
		if n.need == 0 {
			acc = acc.and(sels[s].eventIDs())
		} else {
			acc = acc.or(sels[s].eventIDs())
		}
	}
	return acc
}

func (s *selection) eventIDs() idSet {
	if len(s.alts) == 0 {
		return anyID
	}
	var acc idSet
	for i, alt := range s.alts {
		set := anyID
		for _, it := range alt {
			set = set.and(it.eventIDs())
		}
		if i == 0 {
			acc = set
		} else {
			acc = acc.or(set)
		}
	}
	return acc
}

// eventIDs of one item: the plain numbers of an EventID field (any of
// them, or the single one with all); anything else pins nothing.
func (it *item) eventIDs() idSet {
	if it.ref.any || it.ref.lower != "eventid" || it.neq || (it.all && len(it.ms) > 1) {
		return anyID
	}
	var ids []uint32
	for _, m := range it.ms {
		nm, ok := m.(numberMatcher)
		if !ok || nm.n > 1<<32-1 {
			return anyID
		}
		ids = append(ids, uint32(nm.n))
	}
	slices.Sort(ids)
	return idSet{ids: slices.Compact(ids)}
}

// binding is where a rule runs: a channel (empty: every channel) and its
// event ids (nil: every id), read through equiv when the channel is the
// Security-log equivalent of the rule's category.
type binding struct {
	channel string
	ids     []uint32
	equiv   *equivalent
}

// bindSources restricts the log source's sources to the event ids the
// condition can match; a source none of whose ids the condition allows is
// left out.
func bindSources(srcs []eventSource, cond idSet) []binding {
	var out []binding
	for _, s := range srcs {
		ids := s.ids
		if !cond.any {
			if len(cond.ids) == 0 {
				continue
			}
			if ids == nil {
				ids = cond.ids
			} else if ids = (idSet{ids: sortedIDs(ids)}).and(cond).ids; len(ids) == 0 {
				continue
			}
		}
		out = append(out, binding{channel: s.channel, ids: ids, equiv: s.equiv})
	}
	return out
}

func sortedIDs(ids []uint32) []uint32 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// admits reports whether a record of this channel and event id is the
// binding's.
func (b *binding) admits(channel string, id uint32) bool {
	return (b.channel == "" || strings.EqualFold(b.channel, channel)) && (b.ids == nil || slices.Contains(b.ids, id))
}
