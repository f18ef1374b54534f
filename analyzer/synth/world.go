package synth

import (
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// World is a simulated network: its hosts, their users and processes.
// The noise generator starts benign processes in it, and the samples
// generator tells its story in it, so that planted and background events
// share parents, process ids and GUIDs.
type World struct {
	hosts map[string]*Host
	order []*Host
}

// NewWorld returns an empty world.
func NewWorld() *World { return &World{hosts: map[string]*Host{}} }

// Hosts returns the hosts in the order they were added.
func (w *World) Hosts() []*Host { return w.order }

// Account is a user (or service) account.
type Account struct {
	User    string // DOMAIN\name, as Sysmon prints it
	SID     string
	LogonID uint64 // of its session on the host
	Admin   bool   // gets special privileges (4672) at logon
	// Logon and Logoff bound the account's session on the host; zero
	// means unbounded. Background activity of the user stays inside it.
	Logon, Logoff time.Time
	service       bool
}

// SignedIn reports whether the account's session covers t.
func (a *Account) SignedIn(t time.Time) bool {
	return (a.Logon.IsZero() || !t.Before(a.Logon)) && (a.Logoff.IsZero() || t.Before(a.Logoff))
}

// Host is one simulated computer with its running processes.
type Host struct {
	Computer string
	Domain   string // NetBIOS domain
	Users    []*Account
	System   *Account // NT AUTHORITY\SYSTEM on this host

	procs  map[string]*Proc   // well-known system processes by file name
	shells map[*Account]*Proc // each user's explorer.exe
	count  uint64
}

// Host returns the host of a computer name, creating it (with its system
// processes) on first use.
func (w *World) Host(computer string) *Host {
	key := strings.ToLower(computer)
	if h, ok := w.hosts[key]; ok {
		return h
	}
	h := &Host{Computer: computer, Domain: domainOf(computer), procs: map[string]*Proc{}, shells: map[*Account]*Proc{}}
	h.System = &Account{User: `NT AUTHORITY\SYSTEM`, SID: "S-1-5-18", LogonID: 0x3e7, Admin: true, service: true}
	h.boot()
	w.hosts[key] = h
	w.order = append(w.order, h)
	return h
}

// boot starts the processes every Windows host runs, with the ids the
// converter's defaults give them, so lines that name them by image agree.
func (h *Host) boot() {
	sys := h.System
	system := &Proc{Host: h, Image: "System", PID: 4, Account: sys, Integrity: "System"}
	h.procs["system"] = system
	chain := []struct{ parent, image, cmd string }{
		{"system", `C:\Windows\System32\smss.exe`, `\SystemRoot\System32\smss.exe`},
		{"smss.exe", `C:\Windows\System32\wininit.exe`, "wininit.exe"},
		{"smss.exe", `C:\Windows\System32\winlogon.exe`, "winlogon.exe"},
		{"wininit.exe", `C:\Windows\System32\services.exe`, `C:\Windows\system32\services.exe`},
		{"wininit.exe", `C:\Windows\System32\lsass.exe`, `C:\Windows\system32\lsass.exe`},
		{"services.exe", `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p`},
		{"services.exe", `C:\Windows\Sysmon64.exe`, `C:\Windows\Sysmon64.exe`},
		{"services.exe", `C:\Windows\System32\spoolsv.exe`, `C:\Windows\System32\spoolsv.exe`},
		{"services.exe", `C:\Windows\System32\SearchIndexer.exe`, `C:\Windows\system32\SearchIndexer.exe /Embedding`},
	}
	for _, c := range chain {
		p := &Proc{Host: h, Image: c.image, CommandLine: c.cmd, PID: processID(h.Computer, c.image),
			Account: sys, Integrity: "System", Parent: h.procs[c.parent], CurrentDirectory: `C:\Windows\system32\`}
		h.procs[strings.ToLower(baseName(c.image))] = p
	}
}

// Proc returns a well-known system process by file name ("services.exe",
// "svchost.exe", "lsass.exe", "winlogon.exe", ...), or nil.
func (h *Host) Proc(name string) *Proc { return h.procs[strings.ToLower(name)] }

// AddUser adds an interactive user; sid and logon may be empty and zero
// to derive them.
func (h *Host) AddUser(user, sid string, logon uint64, admin bool) *Account {
	for _, a := range h.Users {
		if strings.EqualFold(a.User, user) {
			return a
		}
	}
	if sid == "" {
		sid = accountSID(user)
	}
	if logon == 0 {
		logon = logonID(h.Computer, user)
	}
	a := &Account{User: user, SID: sid, LogonID: logon, Admin: admin}
	h.Users = append(h.Users, a)
	return a
}

// Shell returns the user's explorer.exe, started at t by userinit if it
// is not running yet.
func (h *Host) Shell(a *Account, t time.Time) *Proc {
	if p, ok := h.shells[a]; ok {
		return p
	}
	image := `C:\Windows\explorer.exe`
	pid := processID(h.Computer, image)
	if len(h.shells) > 0 {
		pid = processID(h.Computer, image, a.User)
	}
	p := &Proc{Host: h, Image: image, CommandLine: `C:\Windows\Explorer.EXE`, PID: pid, Account: a,
		Integrity: "Medium", Start: t, Parent: h.Proc("winlogon.exe"), CurrentDirectory: `C:\Windows\system32\`}
	h.shells[a] = p
	return p
}

// SetShell makes p the user's explorer.exe.
func (h *Host) SetShell(a *Account, p *Proc) { h.shells[a] = p }

// Proc is one process.
type Proc struct {
	Host             *Host
	Image            string
	CommandLine      string
	CurrentDirectory string
	PID              uint64
	Account          *Account
	Integrity        string // Low, Medium, High, System
	Parent           *Proc
	Start            time.Time
}

// Spawn starts a child of parent at t, running as the parent's account
// with the parent's integrity level unless changed on the result.
func (h *Host) Spawn(parent *Proc, image, cmdline string, t time.Time) *Proc {
	h.count++
	cwd := parent.CurrentDirectory
	if cwd == "" {
		cwd = currentDirectory(parent.Account.User, parent.Account.service)
	}
	return &Proc{Host: h, Image: image, CommandLine: cmdline, PID: 4 * (200 + (hash64("spawn", h.Computer, itoa(h.count)) % 6000)),
		Account: parent.Account, Integrity: parent.Integrity, Parent: parent, Start: t, CurrentDirectory: cwd}
}

// GUID returns the process' Sysmon ProcessGuid.
func (p *Proc) GUID() string { return processGUID(p.Host.Computer, p.PID, p.Image) }

// SecurityLine returns the Security 4688 line of the process' creation.
// The subject is the creator (the parent's account); when the process runs
// as another account that account is the target, as Windows logs it.
func (p *Proc) SecurityLine() Line {
	var l Line
	q := &l.P
	setIdentity(&l, p.Host.Computer, event.SecurityChannel, event.SecurityProcessCreate, p.Start)
	q.Set(event.FieldImage, p.Image)
	q.Set(event.FieldCommandLine, p.CommandLine)
	q.SetNumber(event.FieldProcessId, p.PID)
	q.SetNumber(event.FieldParentProcessId, p.Parent.PID)
	q.Set(event.FieldParentImage, p.Parent.Image)
	creator := p.Parent.Account
	if !creator.service {
		q.Set(event.FieldUser, creator.User)
		q.Set(event.FieldUserSid, creator.SID)
	}
	q.Set(event.FieldLogonId, event.FormatHex(creator.LogonID))
	if p.Account != creator {
		q.Set(event.FieldTargetUser, p.Account.User)
		q.Set(event.FieldTargetUserSid, p.Account.SID)
		q.Set(event.FieldTargetLogonId, event.FormatHex(p.Account.LogonID))
	}
	q.Set(event.FieldIntegrityLevel, p.Integrity)
	return l
}

// SysmonLine returns the Sysmon EventID 1 line of the process' creation.
func (p *Proc) SysmonLine() Line {
	var l Line
	q := &l.P
	setIdentity(&l, p.Host.Computer, event.SysmonChannel, event.SysmonProcessCreate, p.Start)
	q.Set(event.FieldImage, p.Image)
	q.Set(event.FieldCommandLine, p.CommandLine)
	q.Set(event.FieldCurrentDirectory, p.CurrentDirectory)
	q.SetNumber(event.FieldProcessId, p.PID)
	q.Set(event.FieldProcessGuid, p.GUID())
	q.Set(event.FieldUser, p.Account.User)
	q.Set(event.FieldLogonId, event.FormatHex(p.Account.LogonID))
	q.Set(event.FieldIntegrityLevel, p.Integrity)
	q.SetNumber(event.FieldParentProcessId, p.Parent.PID)
	q.Set(event.FieldParentProcessGuid, p.Parent.GUID())
	q.Set(event.FieldParentImage, p.Parent.Image)
	q.Set(event.FieldParentCommandLine, p.Parent.CommandLine)
	q.Set(event.FieldParentUser, p.Parent.Account.User)
	return l
}

// setIdentity sets the identity of a line made by the program.
func setIdentity(l *Line, computer, channel string, eventID uint32, t time.Time) {
	l.P.Computer, l.P.Channel, l.P.EventID, l.P.Timestamp = computer, channel, eventID, t
	l.given |= givenTimestamp | givenEventID
}

// SetRecordID gives the line an EventRecordID, as if the input had.
func (l *Line) SetRecordID(id uint64) {
	l.P.EventRecordID = id
	l.given |= givenRecordID
}

// InteractiveLogon returns the Security records of a user signing in at
// the console: 4624 logon type 2 by winlogon, and 4672 for an
// administrator.
func InteractiveLogon(h *Host, a *Account, t time.Time) []Line {
	l := logon4624(h, t, h.System, a, 2, "LogonProcessName", "User32 ", "AuthenticationPackageName", "Negotiate",
		"WorkstationName", netbiosName(h.Computer), "LogonGuid", logonGUID(h.Computer, a.LogonID), "TransmittedServices", "-",
		"LmPackageName", "-", "KeyLength", "0", "ProcessId", event.FormatHex(h.Proc("winlogon.exe").PID),
		"ProcessName", `C:\Windows\System32\winlogon.exe`, "IpAddress", "127.0.0.1", "IpPort", "0",
		"ImpersonationLevel", "%%1833", "RestrictedAdminMode", "-", "TargetOutboundUserName", "-",
		"TargetOutboundDomainName", "-", "VirtualAccount", "%%1843", "TargetLinkedLogonId", "0x0", "ElevatedToken", "%%1843")
	out := []Line{l}
	if a.Admin {
		out = append(out, privileges(h, t.Add(time.Millisecond), a, adminPrivileges))
	}
	return out
}

// Logoff returns the Security records of a user signing out of a console
// session: 4647, then the session's 4634.
func Logoff(h *Host, a *Account, t time.Time) []Line { return SessionLogoff(h, a, t, 2) }

// SessionLogoff returns the Security records of a user signing out of a
// session of the given logon type: 4647, then the session's 4634.
func SessionLogoff(h *Host, a *Account, t time.Time, logonType int) []Line {
	domain, name := splitAccount(a.User)
	l := generic(h.Computer, event.SecurityProvider, 4647, 0, t, "TargetUserSid", a.SID, "TargetUserName", name,
		"TargetDomainName", domain, "TargetLogonId", event.FormatHex(a.LogonID))
	return []Line{l, logoff(h, t.Add(3*time.Second), a, logonType)}
}

// RemoteSession returns a new logon session of a user of h, named by key:
// the user's account with a logon id of its own, not one of h.Users (the
// background never runs in it).
func (h *Host) RemoteSession(a *Account, key string) *Account {
	return &Account{User: a.User, SID: a.SID, LogonID: logonID(h.Computer, a.User+"/"+key), Admin: a.Admin}
}

// RemoteInteractiveLogon returns the Security records of a user signing in
// over Remote Desktop from address ip and client workstation: 4624 logon
// type 10 by winlogon, and 4672 for an administrator, whose token is then
// elevated.
func RemoteInteractiveLogon(h *Host, a *Account, t time.Time, ip, workstation string) []Line {
	elevated := "%%1843"
	if a.Admin {
		elevated = "%%1842"
	}
	l := logon4624(h, t, h.System, a, 10, "LogonProcessName", "User32 ", "AuthenticationPackageName", "Negotiate",
		"WorkstationName", workstation, "LogonGuid", logonGUID(h.Computer, a.LogonID), "TransmittedServices", "-",
		"LmPackageName", "-", "KeyLength", "0", "ProcessId", event.FormatHex(h.Proc("winlogon.exe").PID),
		"ProcessName", `C:\Windows\System32\winlogon.exe`, "IpAddress", ip, "IpPort", "0",
		"ImpersonationLevel", "%%1833", "RestrictedAdminMode", "%%1843", "TargetOutboundUserName", "-",
		"TargetOutboundDomainName", "-", "VirtualAccount", "%%1843", "TargetLinkedLogonId", "0x0", "ElevatedToken", elevated)
	out := []Line{l}
	if a.Admin {
		out = append(out, privileges(h, t.Add(time.Millisecond), a, adminPrivileges))
	}
	return out
}
