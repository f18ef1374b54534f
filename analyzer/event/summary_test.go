package event

import (
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	ev := func(channel string, id uint32, kv ...string) *Event {
		e := &Event{System: System{Channel: channel, EventID: id}, Kind: EventData}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Items = append(e.Items, Item{kv[i], kv[i+1]})
		}
		return e
	}
	tests := []struct {
		name string
		e    *Event
		want string
	}{
		{"service install", ev("System", 7045, "ServiceName", "PSEXESVC", "ImagePath", `%SystemRoot%\PSEXESVC.exe`, "ServiceType", "user mode service", "StartType", "demand start", "AccountName", "LocalSystem"),
			`PSEXESVC image %SystemRoot%\PSEXESVC.exe start demand start account LocalSystem`},
		{"rdp logon", ev("Security", 4624, "TargetUserName", "alice", "TargetDomainName", "CORP", "LogonType", "10", "IpAddress", "198.51.100.23", "WorkstationName", "-"),
			`CORP\alice type 10 from 198.51.100.23`},
		{"logon without domain", ev("Security", 4624, "TargetUserName", "alice", "TargetDomainName", "", "LogonType", "3"),
			`alice type 3`},
		{"explicit credentials without target domain", ev("Security", 4648, "SubjectUserName", "bob", "TargetUserName", "admin", "TargetServerName", "dc01"),
			`bob as admin on dc01`},
		{"lsass handle", ev("Microsoft-Windows-Sysmon/Operational", 10, "SourceImage", `C:\t\m.exe`, "TargetImage", `C:\Windows\system32\lsass.exe`, "GrantedAccess", "0x1010"),
			`C:\t\m.exe opened C:\Windows\system32\lsass.exe access 0x1010`},
		{"network", ev("Microsoft-Windows-Sysmon/Operational", 3, "Image", `C:\x.exe`, "DestinationIp", "203.0.113.5", "DestinationPort", "443"),
			`C:\x.exe to 203.0.113.5:443`},
		{"script block newlines", ev("Microsoft-Windows-PowerShell/Operational", 4104, "ScriptBlockText", "IEX\r\n(New-Object Net.WebClient)"),
			`IEX  (New-Object Net.WebClient)`},
		{"log cleared", ev("Security", 1102, "SubjectUserName", "alice", "SubjectDomainName", "CORP"), `CORP\alice cleared the log`},
		{"fallback", ev("Application", 1000, "a", "1", "b", "", "c", "3"), `a=1 c=3`},
		{"other channel, same id", ev("Application", 7045, "x", "y"), `x=y`},
	}
	for _, tc := range tests {
		if got := Summary(tc.e); got != tc.want {
			t.Errorf("%s: Summary = %q, want %q", tc.name, got, tc.want)
		}
	}
	long := ev("Microsoft-Windows-PowerShell/Operational", 4104, "ScriptBlockText", strings.Repeat("é", 300))
	if got := Summary(long); len(got) > maxSummary+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("long summary not cut: %d bytes", len(got))
	}
}

func TestActorOf(t *testing.T) {
	ev := func(kv ...string) *Event {
		e := &Event{}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Items = append(e.Items, Item{kv[i], kv[i+1]})
		}
		return e
	}
	tests := []struct {
		name string
		e    *Event
		want Actor
	}{
		{"sysmon", ev("User", `CORP\alice`, "LogonId", "0x0000000000A1B2", "ProcessGuid", "{AB}", "ProcessId", "42", "Image", `C:\a.exe`),
			Actor{User: `CORP\alice`, LogonID: "0xa1b2", ProcessGuid: "{AB}", ProcessId: 42, HasPid: true, Image: `C:\a.exe`}},
		{"logon: machine subject, target user", ev("SubjectUserName", "WS01$", "SubjectDomainName", "CORP", "SubjectLogonId", "0x3e7",
			"TargetUserName", "alice", "TargetDomainName", "CORP", "TargetLogonId", "0x1234", "ProcessId", "0x27c", "ProcessName", `C:\Windows\System32\winlogon.exe`),
			Actor{User: `CORP\alice`, LogonID: "0x1234", ProcessId: 0x27c, HasPid: true, Image: `C:\Windows\System32\winlogon.exe`}},
		{"user created by an admin", ev("SubjectUserName", "admin", "SubjectDomainName", "CORP", "SubjectLogonId", "0x99", "TargetUserName", "new$", "TargetDomainName", "CORP"),
			Actor{User: `CORP\admin`, LogonID: "0x99"}},
		{"failed logon", ev("SubjectUserName", "-", "TargetUserName", "bob", "TargetDomainName", ""),
			Actor{User: "bob"}},
		{"null guid", ev("ProcessGuid", "{00000000-0000-0000-0000-000000000000}", "SourceProcessGUID", "{CD}"), Actor{}},
		{"process access", ev("SourceProcessGUID", "{CD}", "SourceProcessId", "7", "SourceImage", `C:\m.exe`),
			Actor{ProcessGuid: "{CD}", ProcessId: 7, HasPid: true, Image: `C:\m.exe`}},
	}
	for _, tc := range tests {
		if got := ActorOf(tc.e); got != tc.want {
			t.Errorf("%s: ActorOf = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
