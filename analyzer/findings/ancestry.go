package findings

import (
	"strings"
)

// maxAncestry bounds an ancestry chain (real chains are a handful deep; a
// bound keeps crafted input from looping).
const maxAncestry = 32

// parentOf finds the parent of r (a record of h, at index self, or a view
// of an event not yet kept, with self -1) on the same host.
//
// A Sysmon ParentProcessGuid names the parent exactly. Otherwise process
// ids are reused, so the parent is the latest process with the parent's
// id that started no later than the child; it is rejected when what the
// child recorded about its parent (its image or GUID) says it is another
// process, as then the real parent's creation was not logged.
func (h *hostHistory) parentOf(r *procRecord, self int32) (int32, bool) {
	if r.parentGuid != "" {
		if p, ok := h.byGuid[r.parentGuid]; ok && p != self {
			return p, true
		}
	}
	if !r.hasPpid {
		return -1, false
	}
	refs := h.sorted(h.byPid[r.ppid])
	lo, hi := 0, len(refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if h.recs[refs[m]].time <= r.time {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := lo - 1
	for i >= 0 && (refs[i] == self || h.recs[refs[i]].sameContent(r)) {
		i--
	}
	if i < 0 {
		return -1, false
	}
	cand := &h.recs[refs[i]]
	if r.parentGuid != "" && cand.guid != "" && cand.guid != r.parentGuid {
		return -1, false
	}
	if r.parentImage != "" && cand.image != "" && !strings.EqualFold(r.parentImage, cand.image) {
		return -1, false
	}
	return refs[i], true
}

// ancestry returns the chain of parents of record ref, the parent first,
// ending with an Unknown entry for the first parent no event describes.
func (h *hostHistory) ancestry(ref int32) []ContextEvent {
	var chain []ContextEvent
	seen := []int32{ref}
	cur := ref
	for len(chain) < maxAncestry {
		r := &h.recs[cur]
		p, ok := h.parentOf(r, cur)
		if !ok {
			if r.hasPpid || r.parentImage != "" || r.parentGuid != "" {
				chain = append(chain, ContextEvent{Unknown: true, ProcessId: r.ppid, Image: r.parentImage, ProcessGuid: r.parentGuid})
			}
			break
		}
		for _, s := range seen {
			if s == p || sameProcess(&h.recs[s], &h.recs[p]) {
				return chain // a loop in crafted or damaged data
			}
		}
		seen = append(seen, p)
		chain = append(chain, h.recs[p].contextEvent())
		cur = p
	}
	return chain
}

// children returns the processes record ref started, in time order: the
// events whose parent (as parentOf finds it) is ref's process. At most
// limit are returned; the count of the others comes second.
func (h *hostHistory) children(ref int32, limit int) ([]ContextEvent, int) {
	f := &h.recs[ref]
	if !f.hasPid {
		return nil, 0
	}
	refs := h.sorted(h.byPpid[f.pid])
	var out []ContextEvent
	var picked []*procRecord
	more := 0
	start := f.time - sameProcessSlack
	lo, hi := 0, len(refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if h.recs[refs[m]].time < start {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for _, cref := range refs[lo:] {
		c := &h.recs[cref]
		if sameProcess(c, f) {
			continue
		}
		p, ok := h.parentOf(c, cref)
		if !ok {
			continue
		}
		if par := &h.recs[p]; !sameProcess(par, f) {
			if par.pid == f.pid && par.time > f.time+sameProcessSlack {
				break // the id was reused: later children are the new process'
			}
			continue
		}
		dup := false
		for _, o := range picked {
			if sameProcess(c, o) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		if len(out) == limit {
			more++
			continue
		}
		picked = append(picked, c)
		out = append(out, c.contextEvent())
	}
	return out, more
}
