package event

import "strings"

// Actor is who and what a general event is about, as far as its payload
// says: the account that did it, its logon session and the process that
// acted, for context and ancestry.
type Actor struct {
	User    string // DOMAIN\name (or name), "" when unknown
	LogonID string // Windows' short hex form, "0x3e7"; "" when unknown
	// The acting process: Sysmon's ProcessGuid (SourceProcessGuid for
	// process access and remote threads), the process id and image.
	ProcessGuid string
	ProcessId   uint64
	HasPid      bool
	Image       string
}

// ActorOf reads the actor of e: Sysmon's User and LogonId; or the
// Security log's subject (SubjectDomainName\SubjectUserName,
// SubjectLogonId), unless the subject is empty, "-", or a machine account
// or SYSTEM acting for a target account (as in logons), in which case the
// target (TargetDomainName\TargetUserName, TargetLogonId); the process
// from ProcessGuid/SourceProcessGuid, ProcessId/SourceProcessId (decimal
// or hex) and Image/SourceImage/ProcessName/NewProcessName.
func ActorOf(e *Event) Actor {
	var a Actor
	if u, ok := e.Get("User"); ok && usable(u) {
		a.User = u
		a.LogonID = logonID(e, "LogonId")
	} else {
		subject := account(e, "SubjectDomainName", "SubjectUserName")
		subjectLogon := logonID(e, "SubjectLogonId")
		target := account(e, "TargetDomainName", "TargetUserName")
		if target != "" && (subject == "" || strings.HasSuffix(subject, "$") || subjectLogon == "0x3e7") {
			a.User, a.LogonID = target, logonID(e, "TargetLogonId")
		} else {
			a.User, a.LogonID = subject, subjectLogon
		}
	}
	a.ProcessGuid = firstUsable(e, "ProcessGuid", "SourceProcessGuid")
	if a.ProcessGuid == "{00000000-0000-0000-0000-000000000000}" {
		a.ProcessGuid = ""
	}
	for _, name := range []string{"ProcessId", "SourceProcessId"} {
		if v, ok := e.Get(name); ok {
			if n, ok := ParseNumber(v); ok {
				a.ProcessId, a.HasPid = n, true
				break
			}
		}
	}
	a.Image = firstUsable(e, "Image", "SourceImage", "ProcessName", "NewProcessName")
	return a
}

// logonID reads a logon id item in Windows' short hex form; "" when it is
// absent, unparsable or zero.
func logonID(e *Event, name string) string {
	v, ok := e.Get(name)
	if !ok {
		return ""
	}
	if n, ok := ParseNumber(v); ok && n != 0 {
		return FormatHex(n)
	}
	return ""
}

func usable(v string) bool { return v != "" && v != "-" }

func firstUsable(e *Event, names ...string) string {
	for _, n := range names {
		if v, ok := e.Get(n); ok && usable(v) {
			return v
		}
	}
	return ""
}

// account joins a domain and a user name item as DOMAIN\name; "" when the
// name is absent, empty or "-".
func account(e *Event, domainItem, nameItem string) string {
	name, _ := e.Get(nameItem)
	if !usable(name) {
		return ""
	}
	if d, _ := e.Get(domainItem); usable(d) {
		return d + `\` + name
	}
	return name
}
