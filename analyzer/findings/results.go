package findings

import (
	"slices"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// LevelCounts counts findings per level, indexed by sigma.Level.
type LevelCounts [sigma.Critical + 1]int

// Total is the number of findings counted.
func (c *LevelCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// List returns the non-zero counts, most critical first.
func (c *LevelCounts) List() []LevelCount {
	var out []LevelCount
	for l := sigma.Critical; l >= sigma.Informational; l-- {
		if c[l] > 0 {
			out = append(out, LevelCount{l, c[l]})
		}
	}
	return out
}

func (c *LevelCounts) add(l sigma.Level) {
	if l >= sigma.Informational && l <= sigma.Critical {
		c[l]++
	}
}

// Stats counts what a scan saw and found.
type Stats struct {
	Events      int         // process events the detections ran on
	OtherEvents int         // other records the detections ran on
	MergedPairs int         // 4688 and Sysmon 1 records of one process creation reported as one
	Observed    int         // process events kept for context only (filtered out)
	Findings    int         // findings reported, duplicates merged
	Duplicates  int         // findings merged into one already reported from another file
	Suppressed  int         // findings an allowlist suppressed
	Levels      LevelCounts // findings per level
	// Correlation counts what the correlation engine did (its findings
	// are among Findings, less those an allowlist suppressed).
	Correlation correlation.Stats
}

// Group is the summary of the findings of one user on one host.
type Group struct {
	Host, User  string
	Levels      LevelCounts
	First, Last time.Time
}

// HourCount counts the findings of one hour per level.
type HourCount struct {
	Hour   time.Time
	Levels LevelCounts
}

// Results are the findings of a scan, read back in report order.
type Results struct {
	Stats
	Groups []Group     // by host, then user (case-insensitive)
	Hours  []HourCount // hours with findings, in time order

	spool    *spool
	extra    map[recordKey][]string
	sessions *sessions.Index // nil: findings get no session
}

// Each calls fn with every finding in report order, stopping at the first
// error. It may be called more than once. The finding passed to fn is only
// valid during the call.
func (r *Results) Each(fn func(*Finding) error) error {
	return r.spool.each(func(f *Finding) error {
		for _, src := range r.extra[f.key] {
			f.Sources = addSource(f.Sources, src)
		}
		if r.sessions != nil {
			f.Session = r.sessionOf(f)
		}
		return fn(f)
	})
}

// SetSessions gives the findings their logon sessions from idx: Each
// then sets Session on every finding whose event names a logon id.
func (r *Results) SetSessions(idx *sessions.Index) { r.sessions = idx }

// sessionOf looks up the logon session of a finding's event: the latest
// logon of its host and logon id not after the event.
func (r *Results) sessionOf(f *Finding) *sessions.Session {
	if r.sessions == nil {
		return nil
	}
	id := f.LogonID()
	if id == "" {
		return nil
	}
	s := r.sessions.Lookup(f.Event.Computer, id, f.Event.Timestamp)
	return &s
}

// All returns every finding in report order (for tests and small inputs).
func (r *Results) All() ([]Finding, error) {
	var out []Finding
	err := r.Each(func(f *Finding) error {
		out = append(out, *f)
		return nil
	})
	return out, err
}

// Close removes the temporary files the results were spilled to.
func (r *Results) Close() error { return r.spool.close() }

// tally keeps the per-group and per-hour counts during a scan.
type tally struct {
	groups map[[2]string]*Group
	hours  map[int64]*LevelCounts
}

func newTally() *tally {
	return &tally{groups: map[[2]string]*Group{}, hours: map[int64]*LevelCounts{}}
}

func (t *tally) add(f *Finding) {
	p := &f.Event
	k := [2]string{strings.ToLower(p.Computer), strings.ToLower(p.User)}
	g := t.groups[k]
	if g == nil {
		g = &Group{Host: p.Computer, User: p.User, First: p.Timestamp, Last: p.Timestamp}
		t.groups[k] = g
	}
	// The spelling shown is the least one, whatever the reading order.
	g.Host, g.User = min(g.Host, p.Computer), min(g.User, p.User)
	g.Levels.add(f.Level)
	if p.Timestamp.Before(g.First) {
		g.First = p.Timestamp
	}
	if p.Timestamp.After(g.Last) {
		g.Last = p.Timestamp
	}
	hour := p.Timestamp.Truncate(time.Hour).Unix()
	h := t.hours[hour]
	if h == nil {
		h = &LevelCounts{}
		t.hours[hour] = h
	}
	h.add(f.Level)
}

func (t *tally) results(r *Results) {
	keys := make([][2]string, 0, len(t.groups))
	for k := range t.groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	for _, k := range keys {
		r.Groups = append(r.Groups, *t.groups[k])
	}
	hours := make([]int64, 0, len(t.hours))
	for h := range t.hours {
		hours = append(hours, h)
	}
	slices.Sort(hours)
	for _, h := range hours {
		r.Hours = append(r.Hours, HourCount{Hour: time.Unix(h, 0).UTC(), Levels: *t.hours[h]})
	}
}

// List is a source of findings already in memory, in their order.
type List []Finding

// Each calls fn with every finding in order, stopping at the first error.
func (l List) Each(fn func(*Finding) error) error {
	for i := range l {
		if err := fn(&l[i]); err != nil {
			return err
		}
	}
	return nil
}

// Summarize computes the statistics, groups and hours of findings already
// in memory, as a scan does.
func Summarize(fs []Finding) (Stats, []Group, []HourCount) {
	t := newTally()
	var st Stats
	for i := range fs {
		t.add(&fs[i])
		st.Findings++
		st.Levels.add(fs[i].Level)
	}
	var r Results
	t.results(&r)
	return st, r.Groups, r.Hours
}
