package filter

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Filter keeps events inside [Since, Until] whose host and user are among
// the listed ones (empty lists keep all). Comparisons ignore case; a host
// matches by its full or short (first label) name, a user by DOMAIN\name or
// by name alone.
type Filter struct {
	Since, Until time.Time
	Hosts, Users []string
	// EventIDs and Channels keep the records of these event ids and of
	// these channels (case-insensitive); empty lists keep all.
	EventIDs []uint32
	Channels []string
}

// Match reports whether p passes the filter.
func (f *Filter) Match(p *event.Process) bool {
	if !f.Since.IsZero() && p.Timestamp.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && p.Timestamp.After(f.Until) {
		return false
	}
	if len(f.Hosts) > 0 && !anyFold(f.Hosts, p.Computer, shortHost(p.Computer)) {
		return false
	}
	if len(f.Users) > 0 && !anyFold(f.Users, p.User, userName(p.User)) {
		return false
	}
	return f.matchKind(p.Channel, p.EventID)
}

// MatchEvent reports whether a general event passes the filter; its user
// is the account it names (see event.ActorOf).
func (f *Filter) MatchEvent(e *event.Event) bool {
	if !f.Since.IsZero() && e.Timestamp.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && e.Timestamp.After(f.Until) {
		return false
	}
	if len(f.Hosts) > 0 && !anyFold(f.Hosts, e.Computer, shortHost(e.Computer)) {
		return false
	}
	if len(f.Users) > 0 {
		u := event.ActorOf(e).User
		if !anyFold(f.Users, u, userName(u)) {
			return false
		}
	}
	return f.matchKind(e.Channel, e.EventID)
}

// MatchAccount reports whether a host and a user pass the host and user
// lists, for things that are not events (a logon session); the time
// range and the event lists are not looked at.
func (f *Filter) MatchAccount(host, user string) bool {
	if len(f.Hosts) > 0 && !anyFold(f.Hosts, host, shortHost(host)) {
		return false
	}
	return len(f.Users) == 0 || anyFold(f.Users, user, userName(user))
}

// Overlaps reports whether the span [from, to] meets the time range: it
// starts no later than Until and ends no earlier than Since. A zero to is
// a span whose end is not known, which may reach any later time.
func (f *Filter) Overlaps(from, to time.Time) bool {
	if !f.Until.IsZero() && from.After(f.Until) {
		return false
	}
	return f.Since.IsZero() || to.IsZero() || !to.Before(f.Since)
}

// matchKind applies the event id and channel lists.
func (f *Filter) matchKind(channel string, id uint32) bool {
	if len(f.EventIDs) > 0 && !slices.Contains(f.EventIDs, id) {
		return false
	}
	return len(f.Channels) == 0 || anyFold(f.Channels, channel)
}

// Selection returns the records the event id and channel lists ask for,
// beyond process creations: nil when neither list is given.
func (f *Filter) Selection() *event.Selection {
	if len(f.EventIDs) == 0 && len(f.Channels) == 0 {
		return nil
	}
	s := &event.Selection{}
	switch {
	case len(f.Channels) == 0:
		s.Add("", f.EventIDs...)
	case len(f.EventIDs) == 0:
		for _, c := range f.Channels {
			s.AddChannel(c)
		}
	default:
		for _, c := range f.Channels {
			s.Add(c, f.EventIDs...)
		}
	}
	return s
}

// Empty reports whether the filter keeps everything.
func (f *Filter) Empty() bool {
	return f.Since.IsZero() && f.Until.IsZero() && len(f.Hosts) == 0 && len(f.Users) == 0 &&
		len(f.EventIDs) == 0 && len(f.Channels) == 0
}

func anyFold(list []string, values ...string) bool {
	for _, want := range list {
		for _, v := range values {
			if v != "" && strings.EqualFold(want, v) {
				return true
			}
		}
	}
	return false
}

func shortHost(h string) string {
	if i := strings.IndexByte(h, '.'); i > 0 {
		return h[:i]
	}
	return h
}

func userName(u string) string {
	if i := strings.LastIndexByte(u, '\\'); i >= 0 {
		return u[i+1:]
	}
	return u
}

// ParseTime reads an RFC 3339 time or a date (YYYY-MM-DD, UTC). A date
// given as an upper bound means the end of that day.
func ParseTime(s string, upper bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a date (YYYY-MM-DD)", s)
	}
	if upper {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}
