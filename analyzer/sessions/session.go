package sessions

import (
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Session is one logon session as its records describe it. Values from
// the logs are kept as logged ("-" included); text is attacker-controlled
// and must be escaped before it reaches a terminal.
//
// A Session a Lookup returns shares its slices with the Index: read them,
// do not change them.
type Session struct {
	LogonId       string // Windows' short hex form, "0x1a2b3c"
	User          string // DOMAIN\name of the 4624's target account
	LogonType     uint32
	LogonTypeName string // Interactive, Network, ...; "" for other types
	IpAddress     string
	IpPort        string
	// WorkstationName is the name the client gave (for RDP and NTLM
	// logons, the client's computer name).
	WorkstationName           string
	AuthenticationPackageName string
	LogonProcessName          string
	LogonTime                 time.Time
	LogoffTime                time.Time // zero when no logoff was seen
	// Elevated: a 4672 assigned special privileges to the session, or
	// its 4624 says ElevatedToken %%1842 (yes).
	Elevated   bool
	Privileges []string // from the 4672, in its order
	// LinkedLogonId is the other half of a split token (UAC: the limited
	// and the elevated logon of one user logon); "" when none.
	LinkedLogonId string
	// ClientAddress and ClientName name the RDP client (4778, 4779): at a
	// Lookup, the one connected at that time (the latest reconnect or
	// disconnect not after it, else the session's first one).
	ClientAddress string
	ClientName    string
	// EventRecordIDs are the records the session was built from: its
	// 4624, then the 4672, 4634, 4647, 4648, 4778 and 4779 tied to it, in
	// time order.
	EventRecordIDs []uint64
	// Known is false when no 4624 of the logon is in the logs: then only
	// LogonId is set, and User names the built-in accounts (0x3e7 SYSTEM,
	// 0x3e4 NETWORK SERVICE, 0x3e5 LOCAL SERVICE).
	Known bool
	// ExplicitCredentials are the session's 4648 records (credentials of
	// another account used from it) and Logoffs its 4634 and 4647, in
	// time order, at most MaxContextRecords of each.
	ExplicitCredentials []Record
	Logoffs             []Record
}

// Record is a record a session cites for context: a 4648, 4634 or 4647.
type Record struct {
	Timestamp     time.Time
	EventID       uint32
	EventRecordID uint64
	// 4648 only: whose credentials were used (DOMAIN\name), for which
	// server, by which process, from which address.
	TargetUser       string
	TargetServerName string
	TargetInfo       string
	ProcessName      string
	IpAddress        string
	IpPort           string
}

// logonTypeNames are the names of the logon types, by number.
var logonTypeNames = [...]string{
	2: "Interactive", 3: "Network", 4: "Batch", 5: "Service", 7: "Unlock",
	8: "NetworkCleartext", 9: "NewCredentials", 10: "RemoteInteractive",
	11: "CachedInteractive", 12: "CachedRemoteInteractive", 13: "CachedUnlock",
}

// LogonTypeName returns the name of a logon type ("RemoteInteractive" for
// 10), or "" for a type that has none.
func LogonTypeName(t uint32) string {
	if t < uint32(len(logonTypeNames)) {
		return logonTypeNames[t]
	}
	return ""
}

// Built-in logon ids: sessions that exist from boot, without a 4624 of
// their own.
const (
	SystemLogonID         = 0x3e7
	NetworkServiceLogonID = 0x3e4
	LocalServiceLogonID   = 0x3e5
)

// WellKnownUser returns the account of a built-in logon id and whether id
// is one.
func WellKnownUser(id uint64) (string, bool) {
	switch id {
	case SystemLogonID:
		return `NT AUTHORITY\SYSTEM`, true
	case NetworkServiceLogonID:
		return `NT AUTHORITY\NETWORK SERVICE`, true
	case LocalServiceLogonID:
		return `NT AUTHORITY\LOCAL SERVICE`, true
	}
	return "", false
}

// Unknown returns the Session of a logon id (decimal or 0x-hex) that no
// 4624 describes: Known false, LogonId in Windows' short hex form, and
// User for the built-in ids.
func Unknown(logonID string) Session {
	id, ok := event.ParseNumber(strings.TrimSpace(logonID))
	if !ok {
		return Session{LogonId: logonID}
	}
	return unknownSession(logonID, id)
}

// unknownSession is the Session of a logon id no 4624 describes.
func unknownSession(logonID string, id uint64) Session {
	s := Session{LogonId: logonID}
	if id != 0 {
		s.LogonId = event.FormatHex(id)
	}
	s.User, _ = WellKnownUser(id)
	return s
}

// usable reports whether a logged value says something ("-" and "" do
// not).
func usable(v string) bool { return v != "" && v != "-" }

// TableLine renders the session on one line for tables:
//
//	RemoteInteractive (10) from 198.51.100.23 (DESKTOP-X9), Negotiate, elevated, 08:14:03 to 08:29:51
//
// Times are UTC; dates are shown when the session does not start and end
// on the same day, or has no logoff. An RDP client other than the logon's
// source is added ("RDP client JUMP01 (10.23.23.9)"). A session without a
// 4624 reads "no 4624 for logon 0x5678", or names its built-in account.
// Text is as logged: escape it before printing.
func (s *Session) TableLine() string {
	if !s.Known {
		if s.User != "" {
			return "built-in " + s.User + " session (" + s.LogonId + ")"
		}
		return "no 4624 for logon " + s.LogonId
	}
	var b strings.Builder
	if s.LogonTypeName != "" {
		b.WriteString(s.LogonTypeName + " (" + strconv.FormatUint(uint64(s.LogonType), 10) + ")")
	} else {
		b.WriteString("logon type " + strconv.FormatUint(uint64(s.LogonType), 10))
	}
	if src := FormatSource(s.IpAddress, s.WorkstationName); src != "" {
		b.WriteString(" from " + src)
	}
	if usable(s.AuthenticationPackageName) {
		b.WriteString(", " + s.AuthenticationPackageName)
	}
	if s.Elevated {
		b.WriteString(", elevated")
	}
	if (usable(s.ClientAddress) && s.ClientAddress != s.IpAddress) || (usable(s.ClientName) && s.ClientName != s.WorkstationName) {
		b.WriteString(", RDP client " + FormatSource(s.ClientAddress, s.ClientName))
	}
	b.WriteString(", " + span(s.LogonTime, s.LogoffTime))
	return b.String()
}

// FormatSource renders an address and a computer name as
// "address (name)", leaving out what is "-" or empty.
func FormatSource(address, name string) string {
	switch {
	case usable(address) && usable(name):
		return address + " (" + name + ")"
	case usable(address):
		return address
	case usable(name):
		return name
	}
	return ""
}

// span renders a session's time span for TableLine.
func span(from, to time.Time) string {
	const day, clock = "2006-01-02 15:04:05", "15:04:05"
	from = from.UTC()
	if to.IsZero() {
		return from.Format(day) + " to (no logoff seen)"
	}
	to = to.UTC()
	fy, fm, fd := from.Date()
	if ty, tm, td := to.Date(); fy == ty && fm == tm && fd == td {
		return from.Format(clock) + " to " + to.Format(clock)
	}
	return from.Format(day) + " to " + to.Format(day)
}
