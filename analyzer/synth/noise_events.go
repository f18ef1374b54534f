package synth

import (
	"fmt"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

const (
	nullSID    = "S-1-0-0"
	nullGUID   = "{00000000-0000-0000-0000-000000000000}"
	controller = "10.20.0.10" // the domain controller users authenticate at
)

// systemPrivileges is the PrivilegeList of SYSTEM's logons.
const systemPrivileges = "SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege\r\n\t\t\tSeSecurityPrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeAuditPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege"

// adminPrivileges is the PrivilegeList of an administrator's logon.
const adminPrivileges = "SeSecurityPrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege"

// securityActivity returns the Security records of one background
// activity on h at t.
func (n *noise) securityActivity(h *Host, t time.Time) []Line {
	switch r := n.rng.IntN(100); {
	case r < 18:
		return n.serviceLogon(h, t)
	case r < 28 && n.user(h, t) != nil:
		return n.networkLogon(h, t)
	case r < 32 && n.user(h, t) != nil:
		return n.unlock(h, t)
	case r < 58:
		return []Line{n.wfp(h, t)}
	}
	return n.starts(h, t, false)
}

// logon4624 returns a 4624 version 2 line.
func logon4624(h *Host, t time.Time, subject, target *Account, logonType int, kv ...string) Line {
	sDomain, sName := splitAccount(subject.User)
	if subject.service {
		sDomain, sName = h.Domain, netbiosName(h.Computer)+"$"
	}
	tDomain, tName := splitAccount(target.User)
	fields := make([]string, 0, 18+len(kv))
	fields = append(fields, "SubjectUserSid", subject.SID, "SubjectUserName", sName, "SubjectDomainName", sDomain,
		"SubjectLogonId", event.FormatHex(subject.LogonID), "TargetUserSid", target.SID, "TargetUserName", tName,
		"TargetDomainName", tDomain, "TargetLogonId", event.FormatHex(target.LogonID), "LogonType", fmt.Sprint(logonType))
	return generic(h.Computer, event.SecurityProvider, 4624, 2, t, append(fields, kv...)...)
}

// serviceLogon: the service control manager logs SYSTEM on to start a
// service, with its special privileges.
func (n *noise) serviceLogon(h *Host, t time.Time) []Line {
	sys := h.System
	target := &Account{User: `NT AUTHORITY\SYSTEM`, SID: sys.SID, LogonID: sys.LogonID}
	l := logon4624(h, t, sys, target, 5, "LogonProcessName", "Advapi  ", "AuthenticationPackageName", "Negotiate",
		"WorkstationName", "-", "LogonGuid", nullGUID, "TransmittedServices", "-", "LmPackageName", "-", "KeyLength", "0",
		"ProcessId", event.FormatHex(h.Proc("services.exe").PID), "ProcessName", `C:\Windows\System32\services.exe`,
		"IpAddress", "-", "IpPort", "-", "ImpersonationLevel", "%%1833", "RestrictedAdminMode", "-",
		"TargetOutboundUserName", "-", "TargetOutboundDomainName", "-", "VirtualAccount", "%%1843",
		"TargetLinkedLogonId", "0x0", "ElevatedToken", "%%1842")
	return []Line{l, privileges(h, t.Add(n.jitter(time.Millisecond)), target, systemPrivileges)}
}

// privileges returns a 4672 line.
func privileges(h *Host, t time.Time, a *Account, list string) Line {
	domain, name := splitAccount(a.User)
	return generic(h.Computer, event.SecurityProvider, 4672, 0, t, "SubjectUserSid", a.SID, "SubjectUserName", name,
		"SubjectDomainName", domain, "SubjectLogonId", event.FormatHex(a.LogonID), "PrivilegeList", list)
}

// networkLogon: a user's session reaches the host over the network
// (Kerberos) and logs off shortly after.
func (n *noise) networkLogon(h *Host, t time.Time) []Line {
	a := n.user(h, t)
	session := &Account{User: a.User, SID: a.SID, LogonID: 0x100000 + n.rng.Uint64N(0xeffffff)}
	anon := &Account{User: `-\-`, SID: nullSID}
	elevated := "%%1843"
	if a.Admin {
		elevated = "%%1842"
	}
	l := logon4624(h, t, anon, session, 3, "LogonProcessName", "Kerberos", "AuthenticationPackageName", "Kerberos",
		"WorkstationName", "-", "LogonGuid", n.guid(), "TransmittedServices", "-", "LmPackageName", "-", "KeyLength", "0",
		"ProcessId", "0x0", "ProcessName", "-", "IpAddress", hostIP(n.hosts[n.rng.IntN(len(n.hosts))].Computer),
		"IpPort", fmt.Sprint(49152+n.rng.IntN(16000)), "ImpersonationLevel", "%%1833", "RestrictedAdminMode", "-",
		"TargetOutboundUserName", "-", "TargetOutboundDomainName", "-", "VirtualAccount", "%%1843",
		"TargetLinkedLogonId", "0x0", "ElevatedToken", elevated)
	out := []Line{l}
	if a.Admin {
		out = append(out, privileges(h, t.Add(n.jitter(time.Millisecond)), session, adminPrivileges))
	}
	return append(out, logoff(h, t.Add(time.Duration(1+n.rng.IntN(90))*time.Second), session, 3))
}

// logoff returns a 4634 line.
func logoff(h *Host, t time.Time, a *Account, logonType int) Line {
	domain, name := splitAccount(a.User)
	return generic(h.Computer, event.SecurityProvider, 4634, 0, t, "TargetUserSid", a.SID, "TargetUserName", name,
		"TargetDomainName", domain, "TargetLogonId", event.FormatHex(a.LogonID), "LogonType", fmt.Sprint(logonType))
}

// unlock: the user unlocks the workstation.
func (n *noise) unlock(h *Host, t time.Time) []Line {
	a := n.user(h, t)
	session := &Account{User: a.User, SID: a.SID, LogonID: 0x100000 + n.rng.Uint64N(0xeffffff)}
	l := logon4624(h, t, h.System, session, 7, "LogonProcessName", "User32 ", "AuthenticationPackageName", "Negotiate",
		"WorkstationName", netbiosName(h.Computer), "LogonGuid", n.guid(), "TransmittedServices", "-", "LmPackageName", "-",
		"KeyLength", "0", "ProcessId", event.FormatHex(h.Proc("winlogon.exe").PID), "ProcessName", `C:\Windows\System32\winlogon.exe`,
		"IpAddress", "127.0.0.1", "IpPort", "0", "ImpersonationLevel", "%%1833", "RestrictedAdminMode", "-",
		"TargetOutboundUserName", "-", "TargetOutboundDomainName", "-", "VirtualAccount", "%%1843",
		"TargetLinkedLogonId", event.FormatHex(a.LogonID), "ElevatedToken", "%%1843")
	return []Line{l}
}

// connector picks a recent process of h that talks to the network, or
// the host's service host.
func (n *noise) connector(h *Host) *Proc {
	for i := 0; i < 4 && len(n.recent) > 0; i++ {
		p := n.recent[n.rng.IntN(len(n.recent))]
		switch strings.ToLower(baseName(p.Image)) {
		case "chrome.exe", "msedge.exe", "ms-teams.exe", "onedrive.exe", "outlook.exe", "googleupdate.exe", "microsoftedgeupdate.exe":
			if p.Host == h {
				return p
			}
		}
	}
	return h.Proc("svchost.exe")
}

var destinations = []string{"142.250.185.78", "142.250.74.206", "13.107.42.14", "13.107.6.171", "20.190.159.2", "52.113.194.132", "40.126.32.74", "151.101.1.140", "104.18.32.47"}

// wfp: the filtering platform permits an outbound connection (5156).
func (n *noise) wfp(h *Host, t time.Time) Line {
	p := n.connector(h)
	dest, port, proto := n.pick(destinations), "443", "6"
	if strings.EqualFold(baseName(p.Image), "svchost.exe") && n.rng.IntN(2) == 0 {
		dest, port, proto = controller, "53", "17"
	}
	return generic(h.Computer, event.SecurityProvider, 5156, 1, t, "ProcessID", fmt.Sprint(p.PID),
		"Application", devicePath(p.Image), "Direction", "%%14593", "SourceAddress", hostIP(h.Computer),
		"SourcePort", fmt.Sprint(49152+n.rng.IntN(16000)), "DestAddress", dest, "DestPort", port, "Protocol", proto,
		"FilterRTID", fmt.Sprint(70000+n.rng.IntN(900)), "LayerName", "%%14611", "LayerRTID", "48",
		"RemoteUserID", nullSID, "RemoteMachineID", nullSID)
}

// devicePath renders a path as the filtering platform does.
func devicePath(image string) string {
	return `\device\harddiskvolume3\` + strings.ToLower(strings.TrimPrefix(image, `C:\`))
}

// hostIP is the address of a host on the simulated network.
func hostIP(computer string) string {
	h := hash64("ip", computer)
	return fmt.Sprintf("10.20.%d.%d", 10+h%200, 2+(h>>8)%250)
}

// guid returns a random GUID in Windows' rendering.
func (n *noise) guid() string {
	a, b := n.rng.Uint64(), n.rng.Uint64()
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", uint32(a>>32), uint16(a>>16), uint16(a), uint16(b>>48), b&0xffffffffffff)
}
