package sessions

import (
	"cmp"
	"slices"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// maxProcessBuckets bounds the process-creation counts a Builder holds
// (16 bytes each): past it, counts are merged into buckets twice as wide.
const maxProcessBuckets = 1 << 22

// procCounter counts process creations per host, logon id and time
// bucket: one second wide, wider once there are more than max buckets.
type procCounter struct {
	width   int64 // bucket width in seconds
	buckets int   // buckets held, all hosts
	max     int
	hosts   []*host // hosts with counts, for compaction
}

// procLog is the process creations of one logon id on one host.
type procLog struct {
	user    string // the account the first one names
	buckets []bucket
}

// bucket counts the process creations in [start, start+width) seconds.
type bucket struct {
	start int64
	n     int64
}

// UnknownLogon is a logon id of process creations that no session
// explains: no 4624 of it is in the logs (or it is a built-in id), or
// none covers their time. Times are to the second.
type UnknownLogon struct {
	Host        string
	LogonId     string
	User        string // the account the process records name
	Processes   int
	First, Last time.Time
}

func (c *procCounter) add(h *host, id uint64, t time.Time, user string, strs *interner) {
	if c.width == 0 {
		c.width = 1
	}
	if h.procs == nil {
		h.procs = map[uint64]*procLog{}
		c.hosts = append(c.hosts, h)
	}
	pl := h.procs[id]
	if pl == nil {
		pl = &procLog{}
		h.procs[id] = pl
	}
	if pl.user == "" && usable(user) {
		pl.user = strs.get(user)
	}
	start := floorTo(t.Unix(), c.width)
	if n := len(pl.buckets); n > 0 && pl.buckets[n-1].start == start {
		pl.buckets[n-1].n++
		return
	}
	pl.buckets = append(pl.buckets, bucket{start: start, n: 1})
	c.buckets++
	if c.buckets > c.max {
		c.compact()
	}
}

// compact merges every log's buckets, widening them until at most three
// quarters of max remain.
func (c *procCounter) compact() {
	for {
		c.buckets = 0
		for _, h := range c.hosts {
			for _, pl := range h.procs {
				pl.buckets = mergeBuckets(pl.buckets, c.width)
				c.buckets += len(pl.buckets)
			}
		}
		if c.buckets <= c.max/4*3 || c.width > 1<<40 {
			return
		}
		c.width *= 2
	}
}

// mergeBuckets aligns buckets to width, sorts them and adds up those that
// start together.
func mergeBuckets(list []bucket, width int64) []bucket {
	for i := range list {
		list[i].start = floorTo(list[i].start, width)
	}
	slices.SortFunc(list, func(a, b bucket) int { return cmp.Compare(a.start, b.start) })
	out := list[:0]
	for _, b := range list {
		if n := len(out); n > 0 && out[n-1].start == b.start {
			out[n-1].n += b.n
			continue
		}
		out = append(out, b)
	}
	return slices.Clip(out)
}

// floorTo rounds s down to a multiple of width.
func floorTo(s, width int64) int64 {
	r := s % width
	if r < 0 {
		r += width
	}
	return s - r
}

// attribute adds h's process creations to the sessions that cover them
// and returns the rest, one UnknownLogon per logon id.
func (c *procCounter) attribute(h *host, hi *hostIndex) []UnknownLogon {
	var out []UnknownLogon
	for id, pl := range h.procs {
		pl.buckets = mergeBuckets(pl.buckets, c.width)
		var unknown *UnknownLogon
		for _, b := range pl.buckets {
			lo, hiSec := b.start, b.start+c.width-1
			i := latestEntry(hi.sessions, id, time.Unix(hiSec, 999_999_999))
			if i >= 0 {
				s := &hi.sessions[i].s
				if s.LogoffTime.IsZero() || s.LogoffTime.Unix() >= lo {
					hi.sessions[i].processes += int(b.n)
					continue
				}
			}
			if unknown == nil {
				out = append(out, UnknownLogon{Host: h.name, LogonId: event.FormatHex(id), User: pl.user, First: time.Unix(lo, 0).UTC()})
				unknown = &out[len(out)-1]
			}
			unknown.Processes += int(b.n)
			unknown.Last = time.Unix(hiSec, 0).UTC()
		}
	}
	return out
}
