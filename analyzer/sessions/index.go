package sessions

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Index holds the finished sessions of every host. It is read-only, so it
// is safe for concurrent use.
type Index struct {
	hosts  map[string]*hostIndex // by lower-case computer name
	short  map[string]string     // lower-case short name to key; "" when ambiguous
	failed []FailedLogons
	stats  Stats
}

// hostIndex is one host's sessions.
type hostIndex struct {
	name     string
	sessions []entry // by logon id, then logon time (the order of h.logons)
	unknown  []UnknownLogon
}

// entry is one session and what lookups need beside it.
type entry struct {
	s         Session
	id        uint64
	rdp       []rdpEvent // 4778, 4779, in time order
	processes int
}

// rdpEvent is one RDP reconnect or disconnect.
type rdpEvent struct {
	t             time.Time
	name, address string
}

// Finish ties every record to its session and returns the Index. The
// Builder must not be used afterwards.
func (b *Builder) Finish() *Index {
	x := &Index{hosts: map[string]*hostIndex{}, short: map[string]string{}}
	for key, h := range b.hosts {
		res := b.resolve(h)
		hi := &hostIndex{name: h.name, sessions: buildEntries(h, res, &b.stats)}
		joinLinked(hi.sessions)
		hi.unknown = b.procs.attribute(h, hi)
		x.hosts[key] = hi
		short, _, _ := strings.Cut(key, ".")
		if prev, seen := x.short[short]; seen && prev != key {
			x.short[short] = ""
		} else {
			x.short[short] = key
		}
	}
	x.failed = b.failed.list()
	b.stats.Failed = b.failed.records
	x.stats = b.stats
	b.hosts = nil
	return x
}

// buildEntries makes the sessions of h from its resolved records.
func buildEntries(h *host, res resolution, st *Stats) []entry {
	out := make([]entry, len(h.logons))
	for i := range h.logons {
		l := &h.logons[i]
		out[i] = entry{id: l.id, s: Session{
			LogonId: event.FormatHex(l.id), User: l.user, LogonType: l.logonType, LogonTypeName: LogonTypeName(l.logonType),
			IpAddress: l.ip, IpPort: l.port, WorkstationName: l.workstation, AuthenticationPackageName: l.pkg,
			LogonProcessName: l.process, LogonTime: l.t, LogoffTime: res.end[i], Elevated: l.elevatedToken,
			EventRecordIDs: []uint64{l.recordID}, Known: true,
		}}
		if l.linked != 0 {
			out[i].s.LinkedLogonId = event.FormatHex(l.linked)
		}
	}
	st.Logons += len(h.logons)
	privileges := map[string][]string{} // lists shared by the sessions that have the same one
	for i := range h.records {
		r := &h.records[i]
		o := res.owner[i]
		if o < 0 {
			st.Unmatched++
			continue
		}
		e := &out[o]
		e.s.EventRecordIDs = append(e.s.EventRecordIDs, r.recordID)
		switch r.eventID {
		case EventSpecialPrivileges:
			e.s.Elevated = true
			if e.s.Privileges == nil {
				list, ok := privileges[r.a]
				if !ok {
					list = strings.Fields(r.a)
					privileges[r.a] = list
				}
				e.s.Privileges = list
			}
		case EventReconnect, EventDisconnect:
			e.rdp = append(e.rdp, rdpEvent{t: r.t, name: r.a, address: r.b})
		case EventLogoff, EventUserLogoff:
			if len(e.s.Logoffs) < MaxContextRecords {
				e.s.Logoffs = append(e.s.Logoffs, Record{Timestamp: r.t, EventID: r.eventID, EventRecordID: r.recordID})
			}
		case EventExplicitCredentials:
			if len(e.s.ExplicitCredentials) < MaxContextRecords {
				c := *r.cred
				c.Timestamp, c.EventID, c.EventRecordID = r.t, r.eventID, r.recordID
				e.s.ExplicitCredentials = append(e.s.ExplicitCredentials, c)
			}
		}
	}
	for i := range out {
		e := &out[i]
		if n := len(e.rdp); n > 0 {
			e.s.ClientName, e.s.ClientAddress = e.rdp[n-1].name, e.rdp[n-1].address
		}
	}
	return out
}

// joinLinked completes the links of split tokens: a session whose 4624
// names a linked logon that exists, logged with it, and names none itself
// gets the link back.
func joinLinked(list []entry) {
	for i := range list {
		e := &list[i]
		if e.s.LinkedLogonId == "" {
			continue
		}
		linked, _ := event.ParseNumber(e.s.LinkedLogonId)
		j := latestEntry(list, linked, e.s.LogonTime.Add(PrivilegeSlack))
		if j >= 0 && list[j].s.LinkedLogonId == "" && !list[j].s.LogonTime.Before(e.s.LogonTime.Add(-PrivilegeSlack)) {
			list[j].s.LinkedLogonId = e.s.LogonId
		}
	}
}

// latestEntry returns the index of the latest session of id not after t,
// or -1.
func latestEntry(list []entry, id uint64, t time.Time) int {
	i := sort.Search(len(list), func(i int) bool {
		return list[i].id > id || (list[i].id == id && list[i].s.LogonTime.After(t))
	})
	if i > 0 && list[i-1].id == id {
		return i - 1
	}
	return -1
}

// Lookup returns the session of logonID (decimal or 0x-hex) on host (full
// or, when unambiguous, short name; case-insensitive) at time t: the
// latest session of that id that began no later than t and had not ended
// before t. Without one, the Session has Known false and only LogonId
// (and User for the built-in ids).
func (x *Index) Lookup(host, logonID string, t time.Time) Session {
	id, ok := event.ParseNumber(strings.TrimSpace(logonID))
	if !ok {
		return Session{LogonId: logonID}
	}
	h := x.host(host)
	if _, builtIn := WellKnownUser(id); builtIn || id == 0 || h == nil {
		return unknownSession(logonID, id)
	}
	i := latestEntry(h.sessions, id, t)
	if i < 0 {
		return unknownSession(logonID, id)
	}
	e := &h.sessions[i]
	if !e.s.LogoffTime.IsZero() && e.s.LogoffTime.Before(t) {
		return unknownSession(logonID, id)
	}
	s := e.s
	if len(e.rdp) > 0 {
		c := e.rdp[0]
		for _, r := range e.rdp {
			if r.t.After(t) {
				break
			}
			c = r
		}
		s.ClientName, s.ClientAddress = c.name, c.address
	}
	return s
}

// host finds a host by full name, else by unambiguous short name.
func (x *Index) host(name string) *hostIndex {
	key := strings.ToLower(name)
	if h := x.hosts[key]; h != nil {
		return h
	}
	short, _, _ := strings.Cut(key, ".")
	if full := x.short[short]; full != "" {
		return x.hosts[full]
	}
	return nil
}

// HostSessions are the sessions of one host, in time order.
type HostSessions struct {
	Host     string // the computer name as first seen
	Sessions []Entry
}

// Entry is a session with the number of process creations (Security 4688,
// Sysmon 1) that name its logon id within its time span.
type Entry struct {
	Session   Session
	Processes int
}

// Sessions lists every host's sessions, hosts by name, sessions by logon
// time (then record id): the two halves of a split token, logged
// together, stay side by side. The ClientName and ClientAddress of a
// session are those of its last reconnect or disconnect.
func (x *Index) Sessions() []HostSessions {
	out := make([]HostSessions, 0, len(x.hosts))
	for _, h := range x.hosts {
		hs := HostSessions{Host: h.name, Sessions: make([]Entry, len(h.sessions))}
		for i := range h.sessions {
			hs.Sessions[i] = Entry{Session: h.sessions[i].s, Processes: h.sessions[i].processes}
		}
		slices.SortFunc(hs.Sessions, func(a, b Entry) int {
			if c := a.Session.LogonTime.Compare(b.Session.LogonTime); c != 0 {
				return c
			}
			return cmp.Compare(a.Session.EventRecordIDs[0], b.Session.EventRecordIDs[0])
		})
		out = append(out, hs)
	}
	slices.SortFunc(out, func(a, b HostSessions) int { return strings.Compare(a.Host, b.Host) })
	return out
}

// UnknownLogons lists, per host (by name) and logon id, the process
// creations no session explains: their logon id has no 4624 in the logs
// (or a built-in id), or none that covers their time.
func (x *Index) UnknownLogons() []UnknownLogon {
	var out []UnknownLogon
	for _, h := range x.hosts {
		out = append(out, h.unknown...)
	}
	slices.SortFunc(out, func(a, b UnknownLogon) int {
		if c := strings.Compare(a.Host, b.Host); c != 0 {
			return c
		}
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
		return strings.Compare(a.LogonId, b.LogonId)
	})
	return out
}

// FailedLogons returns the failed-logon groups, by host, then count
// (largest first), then user and source; a host's "(others)" group, which
// counts the groups past Options.MaxFailedGroups, comes last.
func (x *Index) FailedLogons() []FailedLogons { return x.failed }

// Stats returns what the Builder read and what its limits cost.
func (x *Index) Stats() Stats { return x.stats }
