package sessionreport

import (
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// FindingSource is what CountFindings reads: findings.Results or a
// findings.List.
type FindingSource interface {
	Each(fn func(*findings.Finding) error) error
}

// FindingCounts says how many findings CountFindings read and how many
// of them it counted in a row.
type FindingCounts struct {
	Total  int // findings read
	InRows int // findings counted in a session row
}

// CountFindings counts in each session row the findings of src whose
// event's logon id ties them to it, as a scan ties a finding to its
// context.session (sessions.Index.Lookup): the latest session of that
// id on the event's host not after the event and not ended before it,
// else the row of that id's process creations no session explains. It
// sets Row.Findings and Row.FindingsLevel (the highest level among
// them). Findings without a logon id, and those whose row the filters
// left out or that no row explains, count in Total only. Each finding of
// src counts once: src's merging of copies and of the Security and
// Sysmon records of one process creation holds.
func CountFindings(rows []Row, x *sessions.Index, src FindingSource) (FindingCounts, error) {
	type tally struct {
		n   int
		top sigma.Level
	}
	counts := map[sessions.Key]*tally{}
	byKey := map[sessions.Key]bool{}
	for i := range rows {
		if rows[i].Kind == KindSession {
			byKey[rowKey(&rows[i])] = true
		}
	}
	var c FindingCounts
	err := src.Each(func(f *findings.Finding) error {
		c.Total++
		id := f.LogonID()
		if id == "" {
			return nil
		}
		k, ok := x.LookupKey(f.Event.Computer, id, f.Event.Timestamp)
		if !ok || !byKey[k] {
			return nil
		}
		c.InRows++
		t := counts[k]
		if t == nil {
			t = &tally{top: f.Level}
			counts[k] = t
		}
		t.n++
		t.top = max(t.top, f.Level)
		return nil
	})
	if err != nil {
		return c, err
	}
	for i := range rows {
		r := &rows[i]
		r.Findings, r.FindingsLevel = 0, 0
		if r.Kind != KindSession {
			continue
		}
		if t := counts[rowKey(r)]; t != nil {
			r.Findings, r.FindingsLevel = t.n, t.top
		}
	}
	return c, nil
}

// rowKey is the sessions.Key of a session row.
func rowKey(r *Row) sessions.Key { return sessions.KeyOf(r.Host, &r.Session) }
