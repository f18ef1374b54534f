package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// logsourceRule builds a rule from its logsource lines ("category:
// registry_set") and detection section, both without indentation.
func logsourceRule(t testing.TB, logsource, detection string) *Rule {
	t.Helper()
	var b strings.Builder
	b.WriteString("title: test rule\nid: 00000000-0000-0000-0000-000000000002\nlevel: high\nlogsource:\n    product: windows\n")
	for _, line := range strings.Split(strings.Trim(logsource, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	b.WriteString("detection:\n")
	for _, line := range strings.Split(strings.Trim(detection, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	rules, errs := ParseRules([]byte(b.String()), "test.yml", Options{})
	if len(errs) > 0 || len(rules) != 1 {
		t.Fatalf("rule does not load: %v\n%s", errs, b.String())
	}
	return rules[0]
}

// record builds a general event; items alternate names and values.
func newEvent(channel string, id uint32, items ...string) *event.Event {
	e := &event.Event{System: event.System{Channel: channel, EventID: id, Computer: "WS01.corp.example",
		Provider: "Microsoft-Windows-Test", Version: 2, EventRecordID: 77}, Kind: event.EventData}
	for i := 0; i+1 < len(items); i += 2 {
		e.Items = append(e.Items, event.Item{Name: items[i], Value: items[i+1]})
	}
	return e
}

// generalCase is one rule on one general event.
type generalCase struct {
	name      string
	logsource string
	det       string
	event     *event.Event
	want      bool
}

// runGeneralCases checks each case with the rule's MatchEvent and with a
// RuleSet of the rule alone.
func runGeneralCases(t *testing.T, cases []generalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := logsourceRule(t, tc.logsource, tc.det)
			if got := r.MatchEvent(tc.event); got != tc.want {
				t.Errorf("MatchEvent = %v, want %v\nevent: %+v", got, tc.want, tc.event)
			}
			if got := len(NewRuleSet([]*Rule{r}).MatchEvent(tc.event, nil)) == 1; got != tc.want {
				t.Errorf("RuleSet.MatchEvent = %v, want %v", got, tc.want)
			}
		})
	}
}

const registrySetRule = `selection:
    TargetObject|contains: '\CurrentVersion\Run\'
    Details|contains: '\Users\Public\'
condition: selection`

func TestLogSourceRestriction(t *testing.T) {
	sysmon13 := newEvent(chSysmon, 13, "EventType", "SetValue", "TargetObject", `HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run\evil`,
		"Details", `C:\Users\Public\evil.exe`)
	// The same fields in a record of another log source.
	sysmon12 := newEvent(chSysmon, 12, sysmon13.Items[0].Name, "CreateKey", "TargetObject", sysmon13.Items[1].Value, "Details", sysmon13.Items[2].Value)
	security := newEvent(chSecurity, 4624, "TargetObject", sysmon13.Items[1].Value, "Details", sysmon13.Items[2].Value)
	otherChannel := newEvent("Application", 13, "TargetObject", sysmon13.Items[1].Value, "Details", sysmon13.Items[2].Value)
	runGeneralCases(t, []generalCase{
		{"registry_set on Sysmon 13", "category: registry_set", registrySetRule, sysmon13, true},
		{"registry_set never on Sysmon 12", "category: registry_set", registrySetRule, sysmon12, false},
		{"registry_event on Sysmon 12", "category: registry_event", registrySetRule, sysmon12, true},
		{"registry_set never on Security 4624", "category: registry_set", registrySetRule, security, false},
		{"registry_set never on Application 13", "category: registry_set", registrySetRule, otherChannel, false},
		{"channel case does not matter", "category: registry_set", registrySetRule,
			newEvent(strings.ToUpper(chSysmon), 13, "TargetObject", sysmon13.Items[1].Value, "Details", sysmon13.Items[2].Value), true},
		{"service security with EventID", "service: security", "sel: {EventID: 4624, TargetObject|contains: Run}\ncondition: sel", security, true},
		{"service security, other EventID", "service: security", "sel: {EventID: 4625, TargetObject|contains: Run}\ncondition: sel", security, false},
		{"service system never on Security", "service: system", "sel: {TargetObject|contains: Run}\ncondition: sel", security, false},
		{"product windows alone: every channel", "", "sel: {TargetObject|contains: Run}\ncondition: sel", otherChannel, true},
		{"sysmon service pins EventID", "service: sysmon", "sel: {EventID: 12}\ncondition: sel", sysmon13, false},
	})
	// A process_creation rule never runs on a general event.
	p := logsourceRule(t, "category: process_creation", "sel: {TargetObject|contains: Run}\ncondition: sel")
	if p.MatchEvent(sysmon13) || len(NewRuleSet([]*Rule{p}).MatchEvent(sysmon13, nil)) != 0 {
		t.Error("a process_creation rule matched a Sysmon 13 event")
	}
}

func TestSecurityEquivalents(t *testing.T) {
	reg := func(op string) *event.Event {
		return newEvent(chSecurity, 4657, "SubjectUserSid", "S-1-5-21-1-2-3-1001", "SubjectUserName", "alice", "SubjectDomainName", "CORP",
			"SubjectLogonId", "0x3e7a1", "ObjectName", `\REGISTRY\USER\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run`,
			"ObjectValueName", "evil", "HandleId", "0x1c4", "OperationType", op, "OldValueType", "-", "OldValue", "-",
			"NewValueType", "%%1873", "NewValue", `C:\Users\Public\evil.exe`, "ProcessId", "0x1a2c", "ProcessName", `C:\Windows\System32\reg.exe`)
	}
	conn := newEvent(chSecurity, 5156, "ProcessID", "4242", "Application", `\device\harddiskvolume2\windows\system32\rundll32.exe`,
		"Direction", "%%14593", "SourceAddress", "10.0.0.5", "SourcePort", "50123", "DestAddress", "203.0.113.9", "DestPort", "443",
		"Protocol", "6", "FilterRTID", "0", "LayerName", "%%14611", "LayerRTID", "48")
	exit := newEvent(chSecurity, 4689, "SubjectUserSid", "S-1-5-18", "SubjectUserName", "WS01$", "SubjectDomainName", "CORP",
		"SubjectLogonId", "0x3e7", "Status", "0x0", "ProcessId", "0x1f4", "ProcessName", `C:\Windows\System32\vssadmin.exe`)
	runGeneralCases(t, []generalCase{
		{"4657 as registry_set", "category: registry_set", registrySetRule, reg(regValueModified), true},
		{"4657 new value as registry_set", "category: registry_set", registrySetRule, reg(regValueCreated), true},
		{"4657 deleted value is not registry_set", "category: registry_set", registrySetRule, reg(regValueDeleted), false},
		{"4657 TargetObject in Sysmon's form", "category: registry_set",
			"sel: {TargetObject: 'HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\evil'}\ncondition: sel", reg(regValueModified), true},
		{"4657 Image and User", "category: registry_set", "sel: {Image|endswith: '\\reg.exe', User: 'CORP\\alice'}\ncondition: sel", reg(regValueModified), true},
		{"4657 EventType", "category: registry_delete", "sel: {EventType: DeleteValue, TargetObject|endswith: '\\Run\\evil'}\ncondition: sel", reg(regValueDeleted), true},
		{"4657 native names still work", "category: registry_set", "sel: {ObjectValueName: evil}\ncondition: sel", reg(regValueModified), true},
		{"4657 ProcessId is numeric", "category: registry_event", "sel: {ProcessId: 6700}\ncondition: sel", reg(regValueDeleted), true},
		{"4657 lacks Sysmon-only fields", "category: registry_set", "sel: {ProcessGuid|exists: false}\ncondition: sel", reg(regValueModified), true},
		{"5156 as network_connection", "category: network_connection",
			"sel: {Image|endswith: '\\rundll32.exe', DestinationPort: 443, DestinationIp|cidr: '203.0.113.0/24', Initiated: 'true', Protocol: tcp}\ncondition: sel", conn, true},
		{"5156 SourceIp", "category: network_connection", "sel: {SourceIp|startswith: '10.'}\ncondition: sel", conn, true},
		{"5156 Initiated false is inbound", "category: network_connection", "sel: {Initiated: 'false'}\ncondition: sel", conn, false},
		{"4689 as process_termination", "category: process_termination", "sel: {Image|endswith: '\\vssadmin.exe', ProcessId: 500}\ncondition: sel", exit, true},
		{"4689 is not registry", "category: registry_event", "sel: {Image|endswith: '\\vssadmin.exe'}\ncondition: sel", exit, false},
	})
}

func TestAbsentAndSystemFields(t *testing.T) {
	e := newEvent(chSecurity, 4625, "TargetUserName", "admin", "LogonType", "3", "Status", "0xc000006d", "IpAddress", "-", "Empty", "")
	e.Level, e.Keywords, e.UserID = 0, 0x8010000000000000, "S-1-5-18"
	e.Has = e.Has.With(event.SysLevel).With(event.SysKeywords).With(event.SysUserID)
	payloadChannel := newEvent(chSecurity, 4625, "Channel", "payload wins")
	runGeneralCases(t, []generalCase{
		{"absent field", "service: security", "sel: {Missing: x}\ncondition: sel", e, false},
		{"absent field is null", "service: security", "sel: {Missing: null}\ncondition: sel", e, true},
		{"absent field exists false", "service: security", "sel: {Missing|exists: false}\ncondition: sel", e, true},
		{"absent field never neq", "service: security", "sel: {Missing|neq: x}\ncondition: sel", e, false},
		{"absent field not contains empty", "service: security", "sel: {Missing|contains: ''}\ncondition: sel", e, false},
		{"empty field is present", "service: security", "sel: {Empty: ''}\ncondition: sel", e, true},
		{"empty field is not null", "service: security", "sel: {Empty: null}\ncondition: sel", e, false},
		{"case-insensitive name", "service: security", "sel: {targetusername: ADMIN}\ncondition: sel", e, true},
		{"numbers compare numerically", "service: security", "sel: {Status: 0xC000006D, LogonType: '0x3'}\ncondition: sel", e, true},
		{"EventID", "service: security", "sel: {EventID: [4624, 4625]}\ncondition: sel", e, true},
		{"EventID gt", "service: security", "sel: {EventID|gt: 4624}\ncondition: sel", e, true},
		{"Channel", "service: security", "sel: {Channel: security}\ncondition: sel", e, true},
		{"Computer", "service: security", "sel: {Computer|endswith: '.corp.example'}\ncondition: sel", e, true},
		{"Provider_Name", "service: security", "sel: {Provider_Name: Microsoft-Windows-Test}\ncondition: sel", e, true},
		{"Level", "service: security", "sel: {Level: 0}\ncondition: sel", e, true},
		{"Keywords", "service: security", "sel: {Keywords: '0x8010000000000000'}\ncondition: sel", e, true},
		{"Security_UserID", "service: security", "sel: {Security_UserID: S-1-5-18}\ncondition: sel", e, true},
		{"absent optional System value", "service: security", "sel: {Task|exists: false}\ncondition: sel", e, true},
		{"payload item before System value", "service: security", "sel: {Channel: payload wins}\ncondition: sel", payloadChannel, true},
		{"fieldref between payload and System", "service: security", "sel: {TargetUserName|fieldref: TargetUserName, Computer|fieldref|startswith: Computer}\ncondition: sel", e, true},
	})
}

func TestGeneralKeywordsAndNames(t *testing.T) {
	e := newEvent("Application", 1000, "AppName", "mimikatz.exe", "Path", `C:\tools\x.exe`)
	classic := newEvent(chPowerShellV2, 400, "Data_1", "Available", "Data_2", "None",
		"Data_3", "NewEngineState=Available\r\n\tHostName=ConsoleHost\r\n\tHostApplication=powershell -version 2 -c whoami")
	defender := newEvent("Microsoft-Windows-Windows Defender/Operational", 1116, "Threat Name", "HackTool:Win32/Mimikatz",
		"Process Name", `C:\Users\bob\Downloads\m.exe`, "Source Name", "Real-Time Protection")
	runGeneralCases(t, []generalCase{
		{"keyword in a payload value", "service: application", "keywords: ['MIMIKATZ']\ncondition: keywords", e, true},
		{"keywords all", "service: application", "keywords:\n    '|all': [mimikatz, tools]\ncondition: keywords", e, true},
		{"keywords are not System values", "service: application", "keywords: ['corp.example']\ncondition: keywords", e, false},
		{"keyword rule of every channel", "", "keywords: ['mimikatz']\nfilter: {EventID: 15}\ncondition: keywords and not filter", e, true},
		{"Data matches unnamed Data items", "category: ps_classic_start",
			"sel: {Data|contains: 'HostName=ConsoleHost'}\nsel2: {Data|contains: ' -version 2 '}\ncondition: sel and sel2", classic, true},
		{"Data without unnamed items is absent", "service: application", "sel: {Data: null}\ncondition: sel", e, true},
		{"names ignore spaces", "service: windefend",
			"sel: {ThreatName|contains: mimikatz, ProcessName|endswith: '\\m.exe', SourceName: 'Real-Time Protection'}\ncondition: sel", defender, true},
	})
}

func TestProcessRecordsAndOtherLogSources(t *testing.T) {
	p4688 := security4688(map[string]string{"NewProcessName": `C:\Windows\System32\whoami.exe`, "SubjectUserName": "alice",
		"SubjectDomainName": "CORP", "CommandLine": "whoami /priv", "ParentProcessName": `C:\Windows\System32\cmd.exe`})
	sysmon1 := sysmonEvent(map[string]string{"Image": `C:\Windows\System32\whoami.exe`, "CommandLine": "whoami /priv"})
	logon := newEvent(chSecurity, 4624, "TargetUserName", "alice", "NewProcessName", `C:\Windows\System32\whoami.exe`)
	cases := []struct {
		name, logsource, det string
		on4688, onSysmon1    bool
	}{
		{"security 4688 names", "service: security", "sel: {EventID: 4688, NewProcessName|endswith: '\\whoami.exe', SubjectUserName: alice, ParentProcessName|endswith: '\\cmd.exe'}\ncondition: sel", true, false},
		{"security without EventID", "service: security", "sel: {CommandLine|contains: /priv}\ncondition: sel", true, false},
		{"security keywords", "service: security", "keywords: ['whoami /priv']\ncondition: keywords", true, false},
		{"security, another EventID", "service: security", "sel: {EventID: 4624, CommandLine|contains: /priv}\ncondition: sel", false, false},
		{"sysmon EventID 1", "service: sysmon", "sel: {EventID: 1, Image|endswith: '\\whoami.exe'}\ncondition: sel", false, true},
		{"every Windows record", "", "keywords: ['whoami']\ncondition: keywords", true, true},
		{"registry never", "category: registry_set", "sel: {Image|endswith: '\\whoami.exe'}\ncondition: sel", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := logsourceRule(t, tc.logsource, tc.det)
			set := NewRuleSet([]*Rule{r})
			for _, x := range []struct {
				p    *event.Process
				want bool
			}{{p4688, tc.on4688}, {sysmon1, tc.onSysmon1}} {
				if got := r.Match(x.p); got != x.want {
					t.Errorf("Match(%d) = %v, want %v", x.p.EventID, got, x.want)
				}
				if got := len(set.Match(x.p, nil)) == 1; got != x.want {
					t.Errorf("RuleSet.Match(%d) = %v, want %v", x.p.EventID, got, x.want)
				}
			}
		})
	}
	// A security rule pinned to 4688 does not run on a 4624 record that
	// happens to have the same fields.
	r := logsourceRule(t, "service: security", cases[0].det)
	if r.MatchEvent(logon) {
		t.Error("a rule for EventID 4688 matched a 4624 record")
	}
}

func TestRuleLogSource(t *testing.T) {
	for _, tc := range []struct{ logsource, want string }{
		{"category: registry_set", "windows/registry_set/"},
		{"service: security", "windows//security"},
		{"", "windows//"},
	} {
		if got := logsourceRule(t, tc.logsource, "keywords: [x]\ncondition: keywords").LogSource().String(); got != tc.want {
			t.Errorf("LogSource of %q = %q, want %q", tc.logsource, got, tc.want)
		}
	}
	if got := (&Rule{}).LogSource().String(); got != "windows/process_creation/" {
		t.Errorf("a rule made in code has log source %q", got)
	}
}

// TestREADMEListsEveryLogSource: the README's log-source tables name
// every service and category the table maps, with every channel.
func TestREADMEListsEveryLogSource(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testshared.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, s := range Services() {
		if !strings.Contains(readme, "`"+s+"`") {
			t.Errorf("README does not list service %s", s)
		}
		for _, ch := range serviceChannels[s] {
			short := ch[strings.LastIndexByte(ch, '/')+1:]
			if !strings.Contains(readme, "`"+ch+"`") && !strings.Contains(readme, "`.../"+short+"`") {
				t.Errorf("README does not list channel %s of service %s", ch, s)
			}
		}
	}
	for _, c := range Categories() {
		if !strings.Contains(readme, "`"+c+"`") {
			t.Errorf("README does not list category %s", c)
		}
	}
}
