package sessions

import (
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// The Security event ids the sessions are built from.
const (
	EventLogon               = 4624
	EventLogonFailed         = 4625
	EventLogoff              = 4634
	EventUserLogoff          = 4647
	EventExplicitCredentials = 4648
	EventSpecialPrivileges   = 4672
	EventReconnect           = 4778
	EventDisconnect          = 4779
)

// Limits. DefaultMaxSessions logons take about 15 MiB, their records at
// most about 40 MiB more.
const (
	// DefaultMaxSessions is the number of logons a Builder holds, all
	// hosts together, when Options.MaxSessions is 0.
	DefaultMaxSessions = 100_000
	// MaxRecordsPerSession bounds the other records held (4672, 4634,
	// 4647, 4648, 4778, 4779): this many per logon the cap allows.
	MaxRecordsPerSession = 4
	// MaxContextRecords bounds the 4648 and the logoff records a Session
	// lists (the first ones in time are kept).
	MaxContextRecords = 16
	// DefaultMaxFailedGroups is the number of (host, user, source) groups
	// of failed logons kept when Options.MaxFailedGroups is 0.
	DefaultMaxFailedGroups = 100_000
	// PrivilegeSlack is how long before its 4624 a 4672 may be logged.
	PrivilegeSlack = 2 * time.Second
)

// Options bound a Builder's memory.
type Options struct {
	MaxSessions     int // logons held, all hosts (0: DefaultMaxSessions)
	MaxFailedGroups int // failed-logon groups (0: DefaultMaxFailedGroups)
}

// Stats count what a Builder read and what its limits cost.
type Stats struct {
	Logons     int // 4624 records that made a session (copies counted once)
	BuiltIn    int // 4624 records of the built-in logon ids, skipped
	Evicted    int // sessions dropped under MaxSessions
	Dropped    int // records dropped under the record limit
	Unmatched  int // 4634, 4647, 4648, 4672, 4778, 4779 tied to no session
	Duplicates int // copies of a record read from several files
	Failed     int // 4625 records summarized
}

// Selection returns the records a Builder reads: Security 4624, 4625,
// 4634, 4647, 4648, 4672, 4778 and 4779. Process creations, which
// AddProcess counts, are always decoded.
func Selection() *event.Selection {
	s := &event.Selection{}
	s.Add(event.SecurityChannel, EventLogon, EventLogonFailed, EventLogoff, EventUserLogoff,
		EventExplicitCredentials, EventSpecialPrivileges, EventReconnect, EventDisconnect)
	return s
}

// Builder collects the records of logon sessions in any order. It is used
// by one goroutine; Finish turns what it holds into an Index.
type Builder struct {
	maxSessions int
	hosts       map[string]*host // by lower-case computer name
	logons      int              // logons held, all hosts
	records     int              // other records held, all hosts
	strs        interner
	failed      failedSet
	procs       procCounter
	stats       Stats
	// last is the computer name of the latest record as it was spelled,
	// and lastHost its state: consecutive records mostly share a host,
	// so most records skip lower-casing the name and the map lookup.
	last     string
	lastHost *host
}

// NewBuilder returns an empty Builder.
func NewBuilder(opts Options) *Builder {
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.MaxFailedGroups <= 0 {
		opts.MaxFailedGroups = DefaultMaxFailedGroups
	}
	b := &Builder{maxSessions: opts.MaxSessions, hosts: map[string]*host{}}
	b.failed.max = opts.MaxFailedGroups
	b.procs.max = maxProcessBuckets
	return b
}

// host is what a Builder holds of one computer.
type host struct {
	name    string // as first seen
	logons  []logon
	records []record
	procs   map[uint64]*procLog // process creations by logon id
}

// logon is one 4624.
type logon struct {
	id, linked     uint64
	t              time.Time
	recordID       uint64
	logonType      uint32
	elevatedToken  bool
	user, ip, port string
	workstation    string
	pkg, process   string
}

// record is one 4634, 4647, 4648, 4672, 4778 or 4779.
type record struct {
	eventID  uint32
	id       uint64 // the logon id it names
	t        time.Time
	recordID uint64
	a, b     string  // 4672: the privilege list; 4778, 4779: client name and address
	cred     *Record // 4648
}

// Add reads one record; records other than the Security ones Selection
// lists are ignored. Values are copied: e may be reused afterwards.
func (b *Builder) Add(e *event.Event) {
	if e.Provider != event.SecurityProvider && !strings.EqualFold(e.Channel, event.SecurityChannel) {
		return
	}
	switch e.EventID {
	case EventLogon:
		b.addLogon(e)
	case EventLogonFailed:
		b.failed.add(e, &b.strs)
		b.stats.Failed = b.failed.records
	case EventLogoff, EventUserLogoff:
		b.addRecord(e, "TargetLogonId", "", "")
	case EventSpecialPrivileges:
		b.addRecord(e, "SubjectLogonId", "PrivilegeList", "")
	case EventReconnect, EventDisconnect:
		b.addRecord(e, "LogonID", "ClientName", "ClientAddress")
	case EventExplicitCredentials:
		b.addRecord(e, "SubjectLogonId", "", "")
	}
}

func (b *Builder) addLogon(e *event.Event) {
	id := numberOf(e, "TargetLogonId")
	if id == 0 {
		return
	}
	if _, builtIn := WellKnownUser(id); builtIn {
		b.stats.BuiltIn++
		return
	}
	elevated, _ := e.Get("ElevatedToken")
	lt := numberOf(e, "LogonType")
	h := b.host(e.Computer)
	h.logons = append(h.logons, logon{
		id: id, linked: numberOf(e, "TargetLinkedLogonId"), t: e.Timestamp, recordID: e.EventRecordID,
		logonType: uint32(min(lt, 1<<32-1)), elevatedToken: elevated == "%%1842",
		user: b.strs.get(accountOf(e, "TargetDomainName", "TargetUserName")),
		ip:   b.item(e, "IpAddress"), port: b.item(e, "IpPort"), workstation: b.item(e, "WorkstationName"),
		pkg: b.item(e, "AuthenticationPackageName"), process: b.item(e, "LogonProcessName"),
	})
	b.logons++
	b.trim()
}

// addRecord keeps a record naming a logon id in idItem, with two payload
// values.
func (b *Builder) addRecord(e *event.Event, idItem, aItem, bItem string) {
	id := numberOf(e, idItem)
	if _, builtIn := WellKnownUser(id); builtIn || id == 0 {
		return
	}
	r := record{eventID: e.EventID, id: id, t: e.Timestamp, recordID: e.EventRecordID}
	if aItem != "" {
		r.a = b.item(e, aItem)
	}
	if bItem != "" {
		r.b = b.item(e, bItem)
	}
	if e.EventID == EventExplicitCredentials {
		r.cred = &Record{TargetUser: b.strs.get(accountOf(e, "TargetDomainName", "TargetUserName")),
			TargetServerName: b.item(e, "TargetServerName"), TargetInfo: b.item(e, "TargetInfo"),
			ProcessName: b.item(e, "ProcessName"), IpAddress: b.item(e, "IpAddress"), IpPort: b.item(e, "IpPort")}
	}
	h := b.host(e.Computer)
	h.records = append(h.records, r)
	b.records++
	b.trim()
}

// AddProcess counts a process creation (Security 4688, Sysmon 1) for its
// logon id; events without a logon id are ignored.
func (b *Builder) AddProcess(p *event.Process) {
	id, ok := event.ParseNumber(p.LogonId)
	if !ok || id == 0 {
		return
	}
	b.procs.add(b.host(p.Computer), id, p.Timestamp, p.User, &b.strs)
}

// host returns the state of a computer, creating it.
func (b *Builder) host(computer string) *host {
	if b.lastHost != nil && computer == b.last {
		return b.lastHost
	}
	key := strings.ToLower(computer)
	h := b.hosts[key]
	if h == nil {
		h = &host{name: strings.Clone(computer)}
		b.hosts[key] = h
	}
	b.last, b.lastHost = strings.Clone(computer), h
	return h
}

// item returns a payload value, copied out of the event's storage.
func (b *Builder) item(e *event.Event, name string) string {
	v, _ := e.Get(name)
	return b.strs.get(v)
}

// numberOf reads a numeric payload item (decimal or 0x-hex); 0 when it is
// absent or not a number.
func numberOf(e *event.Event, name string) uint64 {
	v, _ := e.Get(name)
	if !usable(v) { // spares the parser's error value
		return 0
	}
	n, _ := event.ParseNumber(strings.TrimSpace(v))
	return n
}

// accountOf joins a domain and a name item as DOMAIN\name (name alone
// when the domain is empty or "-"; "" when the name is).
func accountOf(e *event.Event, domainItem, nameItem string) string {
	name, _ := e.Get(nameItem)
	if !usable(name) {
		return ""
	}
	if d, _ := e.Get(domainItem); usable(d) {
		return d + `\` + name
	}
	return name
}

// interner shares the copies of repeated values (addresses, packages,
// user names). It forgets everything past maxInterned entries, so it
// never holds more than that.
type interner struct{ m map[string]string }

const maxInterned = 1 << 16

func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	if in.m == nil || len(in.m) >= maxInterned {
		in.m = make(map[string]string, 1024)
	}
	v := strings.Clone(s)
	in.m[v] = v
	return v
}
