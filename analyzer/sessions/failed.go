package sessions

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// FailedLogons summarizes the failed logons (4625) of one target user from
// one source address on one host.
type FailedLogons struct {
	Host              string
	User              string // TargetDomainName\TargetUserName as logged
	SourceAddress     string // IpAddress as logged ("-" when the logon had none)
	SourceWorkstation string // the first WorkstationName that says something
	LogonTypes        []uint32
	Count             int
	First, Last       time.Time
	Statuses          []Status // most frequent first
}

// Status counts the failures of one Status and SubStatus.
type Status struct {
	Status    string // "0xc000006d"
	SubStatus string // "0xc000006a"; "0x0" when none
	Meaning   string // what the code says, when it is a known one
	Count     int
}

// Bounds of the failed-logon summary.
const (
	maxStatuses   = 16      // distinct statuses per group; more are counted as "(others)"
	maxFailedSeen = 1 << 20 // records remembered to recognise copies; past it, copies count twice
	othersGroup   = "(others)"
)

// failedSet collects the failed-logon groups.
type failedSet struct {
	max     int
	groups  map[failedKey]*FailedLogons
	seen    map[uint64]struct{} // hashes of the records counted, to skip copies
	records int                 // records counted
}

type failedKey struct{ host, user, source string }

func (f *failedSet) add(e *event.Event, strs *interner) {
	if f.seenBefore(e) {
		return
	}
	user := accountOf(e, "TargetDomainName", "TargetUserName")
	source, _ := e.Get("IpAddress")
	key := failedKey{strings.ToLower(e.Computer), strings.ToLower(user), source}
	g := f.groups[key]
	if g == nil {
		if f.groups == nil {
			f.groups = map[failedKey]*FailedLogons{}
		}
		if len(f.groups) >= f.max {
			key.user, key.source = othersGroup, othersGroup
			user, source = othersGroup, othersGroup
			g = f.groups[key]
		}
		if g == nil {
			g = &FailedLogons{Host: strs.get(e.Computer), User: strs.get(user), SourceAddress: strs.get(source), First: e.Timestamp}
			f.groups[key] = g
		}
	}
	f.records++
	g.Count++
	if e.Timestamp.Before(g.First) {
		g.First = e.Timestamp
	}
	if e.Timestamp.After(g.Last) {
		g.Last = e.Timestamp
	}
	if ws, _ := e.Get("WorkstationName"); g.SourceWorkstation == "" && usable(ws) {
		g.SourceWorkstation = strs.get(ws)
	}
	if lt, ok := event.ParseNumber(strings.TrimSpace(valueOf(e, "LogonType"))); ok && lt < 1<<32 && !slices.Contains(g.LogonTypes, uint32(lt)) && len(g.LogonTypes) < maxStatuses {
		g.LogonTypes = append(g.LogonTypes, uint32(lt))
		slices.Sort(g.LogonTypes)
	}
	g.countStatus(statusCode(valueOf(e, "Status")), statusCode(valueOf(e, "SubStatus")))
}

// seenBefore reports whether the same record (host, record id, time) was
// counted already, remembering it otherwise.
func (f *failedSet) seenBefore(e *event.Event) bool {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(e.Computer)))
	var buf [17]byte
	b := strconv.AppendUint(buf[:0], e.EventRecordID, 16)
	h.Write(append(b, 0))
	h.Write(strconv.AppendInt(buf[:0], e.Timestamp.UnixNano(), 16))
	sum := h.Sum64()
	if _, ok := f.seen[sum]; ok {
		return true
	}
	if f.seen == nil {
		f.seen = map[uint64]struct{}{}
	}
	if len(f.seen) < maxFailedSeen {
		f.seen[sum] = struct{}{}
	}
	return false
}

func (g *FailedLogons) countStatus(status, sub string) {
	for i := range g.Statuses {
		if s := &g.Statuses[i]; s.Status == status && s.SubStatus == sub {
			s.Count++
			return
		}
	}
	if len(g.Statuses) >= maxStatuses {
		status, sub = othersGroup, ""
		for i := range g.Statuses {
			if g.Statuses[i].Status == othersGroup {
				g.Statuses[i].Count++
				return
			}
		}
	}
	g.Statuses = append(g.Statuses, Status{Status: status, SubStatus: sub, Meaning: statusMeaning(status, sub), Count: 1})
}

// list returns the groups by host, count (largest first), user and
// source, a host's "(others)" group last; each group's statuses by count
// (largest first) then code.
func (f *failedSet) list() []FailedLogons {
	out := make([]FailedLogons, 0, len(f.groups))
	for _, g := range f.groups {
		slices.SortFunc(g.Statuses, func(a, b Status) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Status+"/"+a.SubStatus, b.Status+"/"+b.SubStatus)
		})
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b FailedLogons) int {
		if c := strings.Compare(strings.ToLower(a.Host), strings.ToLower(b.Host)); c != 0 {
			return c
		}
		if ao, bo := a.User == othersGroup, b.User == othersGroup; ao != bo {
			if ao {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		if c := strings.Compare(a.User, b.User); c != 0 {
			return c
		}
		return strings.Compare(a.SourceAddress, b.SourceAddress)
	})
	return out
}

func valueOf(e *event.Event, name string) string {
	v, _ := e.Get(name)
	return v
}

// statusCode renders an NTSTATUS as Windows shows it, "0xc000006d",
// whatever its padding or case; text that is no number is kept.
func statusCode(v string) string {
	v = strings.TrimSpace(v)
	if n, ok := event.ParseNumber(v); ok {
		return event.FormatHex(n)
	}
	return v
}

// statusMeanings are the NTSTATUS codes a 4625 reports, from Microsoft's
// documentation of the event.
var statusMeanings = map[string]string{
	"0xc0000064": "user name does not exist",
	"0xc000006a": "wrong password",
	"0xc000006d": "bad user name or password",
	"0xc000006e": "account restriction",
	"0xc000006f": "outside the allowed hours",
	"0xc0000070": "workstation not allowed",
	"0xc0000071": "password expired",
	"0xc0000072": "account disabled",
	"0xc000005e": "no logon server available",
	"0xc00000dc": "server in the wrong state",
	"0xc0000133": "clocks out of sync",
	"0xc000015b": "logon type not granted",
	"0xc000018c": "trust relationship failed",
	"0xc0000192": "Netlogon service not started",
	"0xc0000193": "account expired",
	"0xc0000224": "password must be changed",
	"0xc0000234": "account locked out",
	"0xc0000413": "authentication firewall refused the logon",
}

// statusMeaning names a failure: by its SubStatus when the Status is a
// generic one that has one, else by its Status.
func statusMeaning(status, sub string) string {
	if (status == "0xc000006d" || status == "0xc000006e") && sub != "" && sub != "0x0" {
		if m, ok := statusMeanings[sub]; ok {
			return m
		}
	}
	return statusMeanings[status]
}
