package findings

import (
	"bytes"
	"slices"
	"strings"
)

// history keeps the process events of every host that context and
// ancestry are computed from: one compact record per distinct event
// (copies of a record in several files are kept once), indexed by logon
// session, user, process id, parent process id and Sysmon GUID. It holds
// at most limit records in all; beyond that the scanner evicts the oldest
// records of the largest host (see Scanner.evict).
type history struct {
	hosts map[string]*hostHistory // by lower-case computer name
	names []string                // host keys in first-seen order
	lower map[string]string       // lower-case forms of host and user names
	total int
	// The previous event's host, by the name it came with (a chunk's
	// events share one).
	lastName string
	lastHost *hostHistory
}

func newHistory() *history {
	return &history{hosts: map[string]*hostHistory{}, lower: map[string]string{}}
}

// lowerCase returns strings.ToLower(s), remembering the answer so the
// per-event cost is a map lookup. The cache is dropped when it grows past
// a bound, so hostile input cannot grow it without end.
func (hs *history) lowerCase(s string) string {
	if l, ok := hs.lower[s]; ok {
		return l
	}
	if len(hs.lower) >= 1<<16 {
		clear(hs.lower)
	}
	l := strings.ToLower(s)
	if l == s {
		l = strings.Clone(s)
	}
	hs.lower[l] = l
	hs.lower[strings.Clone(s)] = l
	return l
}

// lowerBytes is lowerCase of a string held as bytes.
func (hs *history) lowerBytes(b []byte) string {
	if l, ok := hs.lower[string(b)]; ok {
		return l
	}
	return hs.lowerCase(string(b))
}

// host returns the history of the host named computer, creating it.
func (hs *history) host(computer string) *hostHistory {
	if hs.lastHost != nil && computer == hs.lastName {
		return hs.lastHost
	}
	key := hs.lowerCase(computer)
	h := hs.hosts[key]
	if h == nil {
		h = newHostHistory(key)
		hs.hosts[key] = h
		hs.names = append(hs.names, key)
	}
	hs.lastName, hs.lastHost = strings.Clone(computer), h
	return h
}

// largest returns the host holding the most records.
func (hs *history) largest() *hostHistory {
	var best *hostHistory
	for _, name := range hs.names {
		if h := hs.hosts[name]; best == nil || len(h.recs) > len(best.recs) {
			best = h
		}
	}
	return best
}

// sessionKey is a user's logon session on one host.
type sessionKey struct{ user, logonID string }

// hostHistory is the history of one host.
type hostHistory struct {
	key       string
	arena     *arena
	recs      []procRecord
	byHash    map[uint64]int32 // content hash -> record
	byUser    map[string]*refList
	bySession map[sessionKey]*refList
	byPid     map[uint64]*refList
	byPpid    map[uint64]*refList
	byGuid    map[uint64]int32 // hash of the ProcessGuid -> record
}

func newHostHistory(key string) *hostHistory {
	return &hostHistory{
		key:       key,
		arena:     newArena(),
		byHash:    map[uint64]int32{},
		byUser:    map[string]*refList{},
		bySession: map[sessionKey]*refList{},
		byPid:     map[uint64]*refList{},
		byPpid:    map[uint64]*refList{},
		byGuid:    map[uint64]int32{},
	}
}

// refList is a list of record indexes kept in record order lazily:
// refs[:sorted] are in order, the tail is sorted in when the list is read.
type refList struct {
	refs   []int32
	sorted int
}

// find returns the index of the record with v's content, or -1.
// hasOtherRecordOf reports whether the history holds another record of
// the process creation ref records: the other log's record of it (a 4688
// and its Sysmon 1), found by process id, image and time (sameProcess).
func (h *hostHistory) hasOtherRecordOf(ref int32) bool {
	r := &h.recs[ref]
	l := h.byPid[r.pid]
	if l == nil || !r.has(hasPid) {
		return false
	}
	for _, o := range l.refs {
		if o != ref && h.recs[o].eventID != r.eventID && sameProcess(h.arena, &h.recs[o], r) {
			return true
		}
	}
	return false
}

func (h *hostHistory) find(v *procView) int32 {
	ref, ok := h.byHash[v.hash]
	if !ok {
		return -1
	}
	if v.sameContent(h.arena, &h.recs[ref]) {
		return ref
	}
	// A hash collision kept the other record in byHash: look among the
	// records of the same process id.
	if l := h.byPid[v.pid]; l != nil && v.flags&hasPid != 0 {
		for _, ref := range l.refs {
			if v.sameContent(h.arena, &h.recs[ref]) {
				return ref
			}
		}
	}
	return -1
}

// insert adds the event v and returns its record's index and whether it
// was new. A copy of a known record keeps the lowest record id (then file
// name) of the copies, so the result does not depend on the order the
// files were read in.
func (h *hostHistory) insert(hs *history, v *procView) (int32, bool) {
	a := h.arena
	if ref := h.find(v); ref >= 0 {
		cur := &h.recs[ref]
		if v.recordID < cur.recordID || (v.recordID == cur.recordID && v.source < a.str(cur.source)) {
			cur.recordID, cur.source = v.recordID, a.putInterned(v.source)
		}
		return ref, false
	}
	ref := int32(len(h.recs))
	h.recs = append(h.recs, procRecord{
		time: v.time, hash: v.hash, recordID: v.recordID, pid: v.pid, ppid: v.ppid, eventID: v.eventID, flags: v.flags,
		image: a.putInterned(v.image), parentImage: a.putInterned(v.parentImage), user: a.putInterned(v.user),
		logonID: a.putInterned(v.logonID), source: a.putInterned(v.source),
		commandLine: a.put(v.commandLine), guid: a.put(v.guid), parentGuid: a.put(v.parentGuid),
	})
	h.index(ref, hs.lowerCase(v.user), hs.lowerCase(v.logonID))
	hs.total++
	return ref, true
}

// index adds record ref to every index; user and logonID are its user and
// logon id in lower case.
func (h *hostHistory) index(ref int32, user, logonID string) {
	r := &h.recs[ref]
	if _, ok := h.byHash[r.hash]; !ok {
		h.byHash[r.hash] = ref
	}
	h.add(listOf(h.byUser, user), ref)
	h.add(listOf(h.bySession, sessionKey{user, logonID}), ref)
	if r.has(hasPid) {
		h.add(listOf(h.byPid, r.pid), ref)
	}
	if r.has(hasPpid) {
		h.add(listOf(h.byPpid, r.ppid), ref)
	}
	if r.guid != 0 {
		g := hashString(hashSeed, h.arena.bytes(r.guid))
		if old, ok := h.byGuid[g]; !ok || recordLess(r, &h.recs[old]) {
			h.byGuid[g] = ref
		}
	}
}

// byGUID returns the record whose ProcessGuid is the one at guid, or -1.
func (h *hostHistory) byGUID(guid []byte) int32 {
	ref, ok := h.byGuid[hashString(hashSeed, guid)]
	if !ok || !bytes.Equal(h.arena.bytes(h.recs[ref].guid), guid) {
		return -1
	}
	return ref
}
func listOf[K comparable](m map[K]*refList, k K) *refList {
	l := m[k]
	if l == nil {
		l = &refList{}
		m[k] = l
	}
	return l
}

func (h *hostHistory) add(l *refList, ref int32) {
	l.refs = append(l.refs, ref)
	if n := len(l.refs); l.sorted == n-1 && (n == 1 || !recordLess(&h.recs[ref], &h.recs[l.refs[n-2]])) {
		l.sorted = n
	}
}

// sorted returns the list's records in record order.
func (h *hostHistory) sorted(l *refList) []int32 {
	if l == nil {
		return nil
	}
	if l.sorted == len(l.refs) {
		return l.refs
	}
	less := func(a, b int32) int {
		switch {
		case recordLess(&h.recs[a], &h.recs[b]):
			return -1
		case recordLess(&h.recs[b], &h.recs[a]):
			return 1
		}
		return int(a - b)
	}
	tail := l.refs[l.sorted:]
	slices.SortFunc(tail, less)
	if l.sorted > 0 {
		merged := make([]int32, 0, len(l.refs))
		head := l.refs[:l.sorted]
		i, j := 0, 0
		for i < len(head) && j < len(tail) {
			if less(tail[j], head[i]) < 0 {
				merged = append(merged, tail[j])
				j++
			} else {
				merged = append(merged, head[i])
				i++
			}
		}
		merged = append(merged, head[i:]...)
		merged = append(merged, tail[j:]...)
		l.refs = merged
	}
	l.sorted = len(l.refs)
	return l.refs
}

// searchTime returns the first position in refs (sorted) whose record is
// not before r in record order.
func (h *hostHistory) search(refs []int32, r *procRecord) int {
	lo, hi := 0, len(refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if recordLess(&h.recs[refs[m]], r) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// quantileTime returns the time below which about frac of the host's
// records lie.
func (h *hostHistory) quantileTime(frac float64) int64 {
	times := make([]int64, len(h.recs))
	for i := range h.recs {
		times[i] = h.recs[i].time
	}
	slices.Sort(times)
	return times[min(len(times)-1, int(float64(len(times))*frac))]
}

// evictThrough drops every record stamped at or before cutoff and rebuilds
// the arena and the indexes.
func (h *hostHistory) evictThrough(hs *history, cutoff int64) {
	old, oldArena := h.recs, h.arena
	pids, users := len(h.byPid), len(h.byUser)
	*h = *newHostHistory(h.key)
	h.byPid, h.byPpid, h.byUser = make(map[uint64]*refList, pids), make(map[uint64]*refList, pids), make(map[string]*refList, users)
	h.recs = make([]procRecord, 0, len(old)/2+1)
	a := h.arena
	for i := range old {
		r := old[i]
		if r.time <= cutoff {
			continue
		}
		r.image, r.parentImage = a.putInterned(oldArena.str(r.image)), a.putInterned(oldArena.str(r.parentImage))
		r.user, r.logonID = a.putInterned(oldArena.str(r.user)), a.putInterned(oldArena.str(r.logonID))
		r.source = a.putInterned(oldArena.str(r.source))
		r.commandLine = a.put(string(oldArena.bytes(r.commandLine)))
		r.guid, r.parentGuid = a.put(string(oldArena.bytes(r.guid))), a.put(string(oldArena.bytes(r.parentGuid)))
		ref := int32(len(h.recs))
		h.recs = append(h.recs, r)
		h.index(ref, hs.lowerBytes(a.bytes(r.user)), hs.lowerBytes(a.bytes(r.logonID)))
	}
	hs.total -= len(old) - len(h.recs)
}
