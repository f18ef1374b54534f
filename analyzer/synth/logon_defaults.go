package synth

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// logonContext derives the EventData values a logon line leaves out from
// the ones it gives, the way Windows fills them for that kind of logon.
type logonContext struct {
	eventID  uint16
	computer string
	given    map[string]DataValue // the line's values, by name
	slots    map[string]bool      // the layout's names
	memo     map[string]string
	missing  string // the first required name the line lacks
}

func newLogonContext(l *Line, ev *evtxwriter.Event, layout []slot) *logonContext {
	x := &logonContext{eventID: ev.EventID, computer: ev.Computer, given: map[string]DataValue{},
		slots: map[string]bool{}, memo: map[string]string{}}
	for _, sl := range layout {
		x.slots[sl.name] = true
	}
	for _, v := range l.Data {
		x.given[v.Name] = v
	}
	return x
}

// value returns a value by name: the line's, or the derived one.
func (x *logonContext) value(name string) string {
	if v, ok := x.given[name]; ok {
		return v.Value
	}
	if v, ok := x.memo[name]; ok {
		return v
	}
	v := x.derive(name)
	x.memo[name] = v
	return v
}

// Logon types whose logon happens at the computer itself.
func localType(t uint64) bool { return t == 2 || t == 7 || t == 11 || t == 13 }

// interactiveType: logon types of a user's desktop session, whose logon
// id is the one 4688 lines of the user derive.
func interactiveType(t uint64) bool { return t == 2 || t == 10 || t == 11 || t == 12 }

func (x *logonContext) logonType() uint64 {
	n, _ := event.ParseNumber(x.value("LogonType"))
	return n
}

// derive returns the value Windows would write for name in this record.
func (x *logonContext) derive(name string) string {
	switch name {
	case "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId":
		return x.subject(name)
	case "TargetUserName", "AccountName":
		return x.require(name)
	case "TargetDomainName":
		return defaultDomain(x.computer, x.value("TargetUserName"))
	case "AccountDomain":
		return defaultDomain(x.computer, x.value("AccountName"))
	case "TargetUserSid":
		if x.eventID == 4625 {
			return nullSID
		}
		return accountSID(x.target())
	case "TargetLogonId", "LogonID":
		return event.FormatHex(sessionLogonID(x.computer, x.target(), x.logonType()))
	case "LogonType":
		if x.eventID == 4625 {
			return "3"
		}
		return "2"
	case "LogonProcessName":
		return logonProcess(x.logonType(), x.value("AuthenticationPackageName"))
	case "AuthenticationPackageName":
		return x.authPackage()
	case "WorkstationName":
		if localType(x.logonType()) {
			return netbiosName(x.computer)
		}
		return "-"
	case "LogonGuid":
		return x.logonGUID()
	case "LmPackageName":
		if x.value("AuthenticationPackageName") == "NTLM" {
			return "NTLM V2"
		}
		return "-"
	case "KeyLength":
		if strings.HasPrefix(x.value("LmPackageName"), "NTLM") {
			return "128"
		}
		return "0"
	case "ProcessName":
		return x.processName()
	case "ProcessId":
		if p := x.value("ProcessName"); p != "-" && p != "" {
			return event.FormatHex(processID(x.computer, p))
		}
		return "0x0"
	case "IpAddress", "IpPort":
		if x.eventID != 4648 && localType(x.logonType()) {
			return map[string]string{"IpAddress": "127.0.0.1", "IpPort": "0"}[name]
		}
		return "-"
	}
	return x.deriveOther(name)
}

// deriveOther returns the values that describe the token, the failure,
// the explicit credentials and the RDP session.
func (x *logonContext) deriveOther(name string) string {
	switch name {
	case "ImpersonationLevel":
		return "%%1833"
	case "RestrictedAdminMode":
		if x.logonType() == 10 {
			return "%%1843"
		}
		return "-"
	case "VirtualAccount":
		return "%%1843"
	case "ElevatedToken":
		if isServiceAccount(x.target()) {
			return "%%1842"
		}
		return "%%1843"
	case "TargetLinkedLogonId":
		return "0x0"
	case "Status":
		return "0xc000006d"
	case "SubStatus":
		return "0xc000006a"
	case "FailureReason":
		return "%%2313"
	case "TargetLogonGuid":
		return nullGUID
	case "TargetServerName":
		return "localhost"
	case "TargetInfo":
		return x.value("TargetServerName")
	case "PrivilegeList":
		if isServiceAccount(x.subjectAccount()) {
			return systemPrivileges
		}
		return adminPrivileges
	case "SessionName":
		return "RDP-Tcp#" + itoa(hash64("rdp", x.computer, x.target())%64)
	}
	return "-" // TransmittedServices, TargetOutbound*, ClientName, ClientAddress
}

// require notes a value the line must give.
func (x *logonContext) require(name string) string {
	if x.missing == "" {
		x.missing = name
	}
	return "-"
}

// target returns the account a record is about, DOMAIN\name.
func (x *logonContext) target() string {
	if x.slots["AccountName"] {
		return x.value("AccountDomain") + `\` + x.value("AccountName")
	}
	if x.slots["TargetUserName"] && x.eventID != 4648 {
		return x.value("TargetDomainName") + `\` + x.value("TargetUserName")
	}
	return x.subjectAccount()
}

// subjectAccount returns the account of the Subject values, DOMAIN\name.
func (x *logonContext) subjectAccount() string {
	return x.value("SubjectDomainName") + `\` + x.value("SubjectUserName")
}

// subject derives a Subject value: the account the line names, or the
// one Windows names for this record: nobody for network logons, the
// computer's account for the others, SYSTEM itself for a 4672.
func (x *logonContext) subject(name string) string {
	if user, ok := x.given["SubjectUserName"]; ok {
		switch name {
		case "SubjectDomainName":
			return defaultDomain(x.computer, user.Value)
		case "SubjectUserSid":
			return accountSID(x.subjectAccount())
		case "SubjectLogonId":
			return event.FormatHex(logonID(x.computer, x.subjectAccount()))
		}
	}
	var sid, user, domain, logon string
	switch {
	case (x.eventID == 4624 || x.eventID == 4625) && (x.logonType() == 3 || x.logonType() == 8):
		sid, user, domain, logon = nullSID, "-", "-", "0x0"
	case x.eventID == 4672:
		sid, user, domain, logon = "S-1-5-18", "SYSTEM", "NT AUTHORITY", "0x3e7"
	default:
		sid, user, domain, logon = "S-1-5-18", netbiosName(x.computer)+"$", domainOf(x.computer), "0x3e7"
	}
	return map[string]string{"SubjectUserSid": sid, "SubjectUserName": user, "SubjectDomainName": domain, "SubjectLogonId": logon}[name]
}

// authPackage: NTLM when the line names an LM package, Kerberos for
// network logons (NTLM for failed ones), Negotiate otherwise.
func (x *logonContext) authPackage() string {
	if lm, ok := x.given["LmPackageName"]; ok && strings.HasPrefix(lm.Value, "NTLM") {
		return "NTLM"
	}
	if x.logonType() == 3 {
		if x.eventID == 4625 {
			return "NTLM"
		}
		return "Kerberos"
	}
	return "Negotiate"
}

// logonProcess returns the LogonProcessName of a logon type and package.
func logonProcess(logonType uint64, pkg string) string {
	switch logonType {
	case 3:
		if pkg == "Kerberos" {
			return "Kerberos"
		}
		return "NtLmSsp "
	case 4, 5, 8:
		return "Advapi  "
	case 9:
		return "seclogo"
	}
	return "User32 "
}

// processName returns the process that asked for the logon.
func (x *logonContext) processName() string {
	if x.eventID == 4648 {
		return `C:\Windows\System32\svchost.exe`
	}
	switch x.logonType() {
	case 5:
		return `C:\Windows\System32\services.exe`
	case 4, 9:
		return `C:\Windows\System32\svchost.exe`
	case 3, 8:
		return "-"
	}
	return `C:\Windows\System32\winlogon.exe`
}

// logonGUID: Kerberos logons and domain accounts' desktop logons have a
// LogonGuid; other logons the null GUID.
func (x *logonContext) logonGUID() string {
	if x.eventID != 4624 {
		return nullGUID
	}
	domain := strings.ToUpper(x.value("TargetDomainName"))
	domainAccount := domain != netbiosName(x.computer) && domain != "WORKGROUP" && domain != "NT AUTHORITY" && domain != "-"
	if x.value("AuthenticationPackageName") == "Kerberos" || (interactiveType(x.logonType()) && domainAccount) {
		id, _ := event.ParseNumber(x.value("TargetLogonId"))
		return logonGUID(x.computer, id)
	}
	return nullGUID
}

// defaultDomain returns the domain of an account name on a computer: NT
// AUTHORITY for the built-in accounts, the computer's domain, or the
// computer itself outside a domain.
func defaultDomain(computer, name string) string {
	switch strings.ToUpper(name) {
	case "SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE":
		return "NT AUTHORITY"
	}
	if d := domainOf(computer); d != "WORKGROUP" {
		return d
	}
	return netbiosName(computer)
}

// sessionLogonID derives the logon id of a session: a desktop session
// has the id 4688 lines of the user derive; other logons one of their own
// per user and logon type.
func sessionLogonID(computer, user string, logonType uint64) uint64 {
	if interactiveType(logonType) || isServiceAccount(user) {
		return logonID(computer, user)
	}
	return 0x400000 + hash64("logon", computer, user, itoa(logonType))%0xbfffff
}
