package findings

// maxAncestry bounds an ancestry chain (real chains are a handful deep; a
// bound keeps crafted input from looping).
const maxAncestry = 32

// parentOf finds the parent of record self on the same host.
//
// A Sysmon ParentProcessGuid names the parent exactly. Otherwise process
// ids are reused, so the parent is the latest process with the parent's
// id that started no later than the child; it is rejected when what the
// child recorded about its parent (its image or GUID) says it is another
// process, as then the real parent's creation was not logged.
func (h *hostHistory) parentOf(self int32) (int32, bool) {
	r := &h.recs[self]
	a := h.arena
	if r.parentGuid != 0 {
		if p := h.byGUID(a.bytes(r.parentGuid)); p >= 0 && p != self {
			return p, true
		}
	}
	if !r.has(hasPpid) {
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
	for i >= 0 && refs[i] == self {
		i--
	}
	if i < 0 {
		return -1, false
	}
	cand := &h.recs[refs[i]]
	if r.parentGuid != 0 && cand.guid != 0 && !a.equalFold(cand.guid, r.parentGuid) {
		return -1, false
	}
	if r.parentImage != 0 && cand.image != 0 && !a.equalFold(r.parentImage, cand.image) {
		return -1, false
	}
	return refs[i], true
}

// ancestry returns the chain of parents of record ref, the parent first,
// ending with an Unknown entry for the first parent no event describes.
func (h *hostHistory) ancestry(ref int32) []ContextEvent {
	a := h.arena
	var chain []ContextEvent
	seen := []int32{ref}
	cur := ref
	for len(chain) < maxAncestry {
		r := &h.recs[cur]
		p, ok := h.parentOf(cur)
		if !ok {
			if r.has(hasPpid) || r.parentImage != 0 || r.parentGuid != 0 {
				chain = append(chain, ContextEvent{Unknown: true, ProcessId: r.ppid, Image: a.str(r.parentImage), ProcessGuid: a.str(r.parentGuid)})
			}
			break
		}
		for _, s := range seen {
			if s == p || sameProcess(a, &h.recs[s], &h.recs[p]) {
				return chain // a loop in crafted or damaged data
			}
		}
		seen = append(seen, p)
		chain = append(chain, a.contextEvent(&h.recs[p]))
		cur = p
	}
	return chain
}

// children returns the processes record ref started, in time order: the
// events whose parent (as parentOf finds it) is ref's process. At most
// limit are returned; the count of the others comes second.
func (h *hostHistory) children(ref int32, limit int) ([]ContextEvent, int) {
	a := h.arena
	f := &h.recs[ref]
	if !f.has(hasPid) {
		return nil, 0
	}
	refs := h.sorted(h.byPpid[f.pid])
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
	var out []ContextEvent
	var picked []*procRecord
	more := 0
	for _, cref := range refs[lo:] {
		c := &h.recs[cref]
		if sameProcess(a, c, f) {
			continue
		}
		p, ok := h.parentOf(cref)
		if !ok {
			continue
		}
		if par := &h.recs[p]; !sameProcess(a, par, f) {
			if par.pid == f.pid && par.time > f.time+sameProcessSlack {
				break // the id was reused: later children are the new process'
			}
			continue
		}
		if dup(a, picked, c) {
			continue
		}
		if len(out) == limit {
			more++
			continue
		}
		picked = append(picked, c)
		out = append(out, a.contextEvent(c))
	}
	return out, more
}

// dup reports whether r is the same process as one of picked.
func dup(a *arena, picked []*procRecord, r *procRecord) bool {
	for _, o := range picked {
		if sameProcess(a, r, o) {
			return true
		}
	}
	return false
}
