package sessions

import (
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// day0 is the day the test scenarios happen on.
var day0 = time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)

// at returns a time of day0 given as hh, mm, ss and milliseconds.
func at(h, m, s, ms int) time.Time {
	return day0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(ms)*time.Millisecond)
}

// security builds a Security record of host with payload name/value pairs.
func security(host string, id uint32, rec uint64, t time.Time, kv ...string) *event.Event {
	e := &event.Event{System: event.System{Timestamp: t, Computer: host, Channel: event.SecurityChannel,
		Provider: event.SecurityProvider, EventID: id, EventRecordID: rec}, Kind: event.EventData, SourceFile: "Security.evtx"}
	e.Items = make([]event.Item, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		e.Items = append(e.Items, event.Item{Name: kv[i], Value: kv[i+1]})
	}
	return e
}

// logon4624 builds a 4624 version 2 of user (DOMAIN\name).
func logon4624(host string, rec uint64, t time.Time, user, logonID string, logonType string, kv ...string) *event.Event {
	domain, name := "CORP", user
	for i := len(user) - 1; i >= 0; i-- {
		if user[i] == '\\' {
			domain, name = user[:i], user[i+1:]
			break
		}
	}
	base := []string{"SubjectUserSid", "S-1-5-18", "SubjectUserName", "WS01$", "SubjectDomainName", "CORP",
		"SubjectLogonId", "0x3e7", "TargetUserSid", "S-1-5-21-1-2-3-1104", "TargetUserName", name,
		"TargetDomainName", domain, "TargetLogonId", logonID, "LogonType", logonType}
	return security(host, EventLogon, rec, t, append(base, kv...)...)
}

// logoff4634 builds a 4634.
func logoff4634(host string, rec uint64, t time.Time, logonID, logonType string) *event.Event {
	return security(host, EventLogoff, rec, t, "TargetUserSid", "S-1-5-21-1-2-3-1104", "TargetUserName", "alice",
		"TargetDomainName", "CORP", "TargetLogonId", logonID, "LogonType", logonType)
}

// privileges4672 builds a 4672.
func privileges4672(host string, rec uint64, t time.Time, logonID string) *event.Event {
	return security(host, EventSpecialPrivileges, rec, t, "SubjectUserSid", "S-1-5-21-1-2-3-1104",
		"SubjectUserName", "alice", "SubjectDomainName", "CORP", "SubjectLogonId", logonID,
		"PrivilegeList", "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeDebugPrivilege")
}

// process builds a process creation naming a logon id.
func process(host string, t time.Time, logonID, user string, sysmon bool) *event.Process {
	p := &event.Process{Timestamp: t, Computer: host, EventID: event.SecurityProcessCreate, Channel: event.SecurityChannel}
	if sysmon {
		p.EventID, p.Channel = event.SysmonProcessCreate, event.SysmonChannel
	}
	p.Set(event.FieldLogonId, logonID)
	p.Set(event.FieldUser, user)
	return p
}

// build feeds events to a new Builder and finishes it.
func build(opts Options, events ...*event.Event) *Index {
	b := NewBuilder(opts)
	for _, e := range events {
		b.Add(e)
	}
	return b.Finish()
}
