package sessions

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// resolution ties a host's records to its logons, once both are sorted.
type resolution struct {
	owner []int32     // per record: index of its logon in host.logons, -1 for none
	end   []time.Time // per logon: its logoff (first 4634, else first 4647); zero when none
}

// resolve sorts h's logons by logon id then time and its records by time,
// drops copies of a record read from several files, and ties every record
// to its logon (see the package documentation for the rule).
func (b *Builder) resolve(h *host) resolution {
	n := len(h.logons)
	slices.SortFunc(h.logons, compareLogons)
	h.logons = slices.CompactFunc(h.logons, func(x, y logon) bool { return compareLogons(x, y) == 0 })
	m := len(h.records)
	slices.SortFunc(h.records, compareRecords)
	h.records = slices.CompactFunc(h.records, func(x, y record) bool { return compareRecords(x, y) == 0 })
	dups := n - len(h.logons) + m - len(h.records)
	b.logons -= n - len(h.logons)
	b.records -= m - len(h.records)
	b.stats.Duplicates += dups

	res := resolution{owner: make([]int32, len(h.records)), end: make([]time.Time, len(h.logons))}
	hasLogoff := make([]bool, len(h.logons)) // a 4634 was seen
	for i := range h.records {
		r := &h.records[i]
		res.owner[i] = -1
		if r.eventID != EventLogoff && r.eventID != EventUserLogoff {
			continue
		}
		o := latestLogon(h.logons, r.id, r.t)
		res.owner[i] = int32(o)
		switch {
		case o < 0:
		case r.eventID == EventLogoff && !hasLogoff[o]:
			res.end[o], hasLogoff[o] = r.t, true
		case r.eventID == EventUserLogoff && res.end[o].IsZero():
			res.end[o] = r.t
		}
	}
	for i := range h.records {
		r := &h.records[i]
		if r.eventID == EventLogoff || r.eventID == EventUserLogoff {
			continue
		}
		at := r.t
		if r.eventID == EventSpecialPrivileges {
			at = at.Add(PrivilegeSlack)
		}
		o := latestLogon(h.logons, r.id, at)
		if o >= 0 && !res.end[o].IsZero() && res.end[o].Before(r.t) {
			o = -1
		}
		res.owner[i] = int32(o)
	}
	return res
}

// latestLogon returns the index of the latest logon of id not after t in
// logons sorted by compareLogons, or -1.
func latestLogon(logons []logon, id uint64, t time.Time) int {
	i := sort.Search(len(logons), func(i int) bool {
		l := &logons[i]
		return l.id > id || (l.id == id && l.t.After(t))
	})
	if i > 0 && logons[i-1].id == id {
		return i - 1
	}
	return -1
}

// compareLogons orders logons by logon id, time and record id; copies of
// one record compare equal.
func compareLogons(x, y logon) int {
	if c := cmp.Compare(x.id, y.id); c != 0 {
		return c
	}
	if c := x.t.Compare(y.t); c != 0 {
		return c
	}
	return cmp.Compare(x.recordID, y.recordID)
}

// compareRecords orders records by time, record id, event id and logon
// id; copies of one record compare equal.
func compareRecords(x, y record) int {
	if c := x.t.Compare(y.t); c != 0 {
		return c
	}
	if c := cmp.Compare(x.recordID, y.recordID); c != 0 {
		return c
	}
	if c := cmp.Compare(x.eventID, y.eventID); c != 0 {
		return c
	}
	return cmp.Compare(x.id, y.id)
}

// trim enforces the limits: past MaxSessions logons, the busiest host
// loses a quarter of its sessions; past MaxRecordsPerSession records per
// allowed session, the host holding most records loses a quarter of them,
// the oldest tied to no session first.
func (b *Builder) trim() {
	for b.logons > b.maxSessions {
		h := b.busiest(func(h *host) int { return len(h.logons) })
		b.evictSessions(h, max(len(h.logons)/4, b.logons-b.maxSessions))
	}
	maxRecords := b.maxSessions * MaxRecordsPerSession
	for b.records > maxRecords {
		h := b.busiest(func(h *host) int { return len(h.records) })
		b.trimRecords(h, max(len(h.records)/4, b.records-maxRecords))
	}
}

// busiest returns the host with the largest size (ties: the first name),
// so that eviction does not depend on map order.
func (b *Builder) busiest(size func(*host) int) *host {
	var best *host
	for _, h := range b.hosts {
		if best == nil || size(h) > size(best) || (size(h) == size(best) && h.name < best.name) {
			best = h
		}
	}
	return best
}

// evictSessions drops n sessions of h, with their records: ended ones
// first, then open ones, the oldest first.
func (b *Builder) evictSessions(h *host, n int) {
	res := b.resolve(h)
	n = min(n, len(h.logons))
	order := make([]int, len(h.logons))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if ei, ej := !res.end[i].IsZero(), !res.end[j].IsZero(); ei != ej {
			if ei {
				return -1
			}
			return 1
		}
		if c := h.logons[i].t.Compare(h.logons[j].t); c != 0 {
			return c
		}
		return cmp.Compare(h.logons[i].recordID, h.logons[j].recordID)
	})
	drop := make([]bool, len(h.logons))
	for _, i := range order[:n] {
		drop[i] = true
	}
	records := len(h.records)
	h.records = filter(h.records, func(i int) bool { o := res.owner[i]; return o < 0 || !drop[o] })
	h.logons = filter(h.logons, func(i int) bool { return !drop[i] })
	b.logons -= n
	b.records -= records - len(h.records)
	b.stats.Evicted += n
	b.stats.Dropped += records - len(h.records)
}

// trimRecords drops n records of h: the oldest tied to no session, then,
// if that is not enough, a quarter of its sessions with their records.
func (b *Builder) trimRecords(h *host, n int) {
	res := b.resolve(h)
	dropped := 0
	records := len(h.records)
	h.records = filter(h.records, func(i int) bool {
		if res.owner[i] < 0 && dropped < n {
			dropped++
			return false
		}
		return true
	})
	b.records -= records - len(h.records)
	b.stats.Dropped += records - len(h.records)
	if dropped < n && len(h.logons) > 0 {
		b.evictSessions(h, max(len(h.logons)/4, 1))
	}
}

// filter keeps the elements whose index keep accepts, in place, and
// clears the tail so that dropped values can be collected.
func filter[T any](list []T, keep func(i int) bool) []T {
	out := list[:0]
	for i := range list {
		if keep(i) {
			out = append(out, list[i])
		}
	}
	clear(list[len(out):])
	return out
}
