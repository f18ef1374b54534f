package findings

import (
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// lsassRule fires on Sysmon process access to lsass.
const lsassRule = `title: LSASS opened by the test
id: 3d1f0c7e-8a3b-4e6d-9f10-2b3c4d5e6f70
status: test
level: high
logsource: {category: process_access, product: windows}
detection:
  sel:
    TargetImage|endswith: '\lsass.exe'
  condition: sel
`

// serviceRule fires on System 7045.
const serviceRule = `title: Service installed (test)
id: 4e2a1d8f-9b4c-4f7e-8a21-3c4d5e6f7081
status: test
level: medium
logsource: {service: system, product: windows}
detection:
  sel:
    EventID: 7045
    ImagePath|contains: 'cmd'
  condition: sel
`

func generalSet(t *testing.T) *detections.Set {
	t.Helper()
	var rules []*sigma.Rule
	for i, y := range []string{flagRule, lsassRule, serviceRule} {
		rs, errs := sigma.ParseRules([]byte(y), "rule"+string(rune('0'+i))+".yml", sigma.Options{})
		if len(errs) > 0 {
			t.Fatal(errs[0])
		}
		rules = append(rules, rs...)
	}
	return detections.NewSet(rules)
}

func general(at time.Duration, channel string, id uint32, kv ...string) *event.Event {
	e := &event.Event{System: event.System{Timestamp: t0.Add(at), Computer: "WS01", Channel: channel, EventID: id,
		EventRecordID: uint64(at / time.Second)}, Kind: event.EventData, SourceFile: "other.evtx"}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Items = append(e.Items, event.Item{Name: kv[i], Value: kv[i+1]})
	}
	return e
}

// TestGeneralFindings: findings on records that are not process creations
// get the context of their user's processes and the ancestry of the
// process they name, whatever order the inputs come in.
func TestGeneralFindings(t *testing.T) {
	procs := []ev{
		{at: 0, pid: 100, ppid: 4, sysmon: true, guid: "{P100}", image: "explorer.exe", cmd: "explorer"},
		{at: m, pid: 200, ppid: 100, sysmon: true, guid: "{P200}", pguid: "{P100}", image: `C:\t\mimi.exe`, cmd: "mimi"},
		{at: 3 * m, pid: 300, ppid: 100, sysmon: true, guid: "{P300}", pguid: "{P100}", cmd: "after"},
	}
	access := general(2*m, event.SysmonChannel, 10, "SourceProcessGUID", "{P200}", "SourceProcessId", "200",
		"SourceImage", `C:\t\mimi.exe`, "TargetImage", `C:\Windows\System32\lsass.exe`, "GrantedAccess", "0x1010",
		"User", `CORP\alice`)
	service := general(2*m, "System", 7045, "ServiceName", "x", "ImagePath", `cmd /c echo > \\.\pipe\x`)
	quiet := general(2*m, "System", 7045, "ServiceName", "y", "ImagePath", `C:\ok.exe`)
	for _, eventsFirst := range []bool{true, false} {
		s, err := NewScanner(generalSet(t), DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		feed := func() {
			for _, e := range procs {
				p := e.process()
				s.Scan(&p)
			}
		}
		if !eventsFirst {
			feed()
		}
		for _, g := range []*event.Event{access, service, quiet} {
			s.ScanEvent(g)
		}
		if eventsFirst {
			feed()
		}
		res, err := s.Finish()
		if err != nil {
			t.Fatal(err)
		}
		fs, err := res.All()
		res.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 2 || res.OtherEvents != 3 {
			t.Fatalf("%d findings over %d other records, want 2 over 3", len(fs), res.OtherEvents)
		}
		var lsass, svc *Finding
		for i := range fs {
			switch fs[i].RuleID {
			case "3d1f0c7e-8a3b-4e6d-9f10-2b3c4d5e6f70":
				lsass = &fs[i]
			case "4e2a1d8f-9b4c-4f7e-8a21-3c4d5e6f7081":
				svc = &fs[i]
			}
		}
		if lsass == nil || svc == nil || lsass.General == nil || svc.General == nil {
			t.Fatalf("findings %+v", fs)
		}
		if lsass.Event.User != `CORP\alice` || lsass.Event.EventID != 10 {
			t.Errorf("identity %+v", lsass.Event)
		}
		anc := cmds(lsass.Context.Ancestry)
		if len(anc) != 3 || anc[0] != "mimi" || anc[1] != "explorer" || !lsass.Context.Ancestry[2].Unknown {
			t.Errorf("eventsFirst=%v: ancestry %q, want the acting process, its parent, then the unknown pid 4", eventsFirst, anc)
		}
		if b, a := cmds(lsass.Context.Before), cmds(lsass.Context.After); len(b) != 2 || len(a) != 1 || a[0] != "after" {
			t.Errorf("eventsFirst=%v: before %q after %q", eventsFirst, b, a)
		}
		if svc.Decoded != "" {
			t.Errorf("a plain service path decoded to %q", svc.Decoded)
		}
		if len(svc.Context.Ancestry) != 0 || svc.Event.User != "" {
			t.Errorf("service finding names no process or user: %+v", svc.Context)
		}
	}
}

func TestGeneralDecoded(t *testing.T) {
	// "Write-Output 1" as PowerShell's -EncodedCommand takes it (UTF-16LE, Base64).
	svc := general(m, "System", 7045, "ServiceName", "x",
		"ImagePath", `cmd.exe /b /c start /b /min powershell.exe -nop -w hidden -e VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAAxAA==`)
	s, err := NewScanner(generalSet(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	s.ScanEvent(svc)
	res, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	fs, err := res.All()
	if err != nil || len(fs) != 1 {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	if fs[0].Decoded != "Write-Output 1" {
		t.Errorf("decoded %q", fs[0].Decoded)
	}
}
