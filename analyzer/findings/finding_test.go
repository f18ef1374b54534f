package findings

import (
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

func proc(t time.Time, host, user string, id uint64) event.Process {
	p := event.Process{Timestamp: t, Computer: host, EventID: 4688, EventRecordID: id}
	p.Set(event.FieldUser, user)
	return p
}

func TestSort(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	base := []Finding{
		{RuleID: "b", Title: "Beta", Level: sigma.Low, Event: proc(t0.Add(2*time.Second), "WS02", `C\bob`, 3)},
		{RuleID: "a", Title: "Alpha", Level: sigma.High, Event: proc(t0.Add(time.Second), "ws01", `C\carol`, 2)},
		{RuleID: "c", Title: "Gamma", Level: sigma.High, Event: proc(t0, "WS03", `C\alice`, 1)},
		{RuleID: "a", Title: "Alpha", Level: sigma.Critical, Event: proc(t0, "WS03", `C\alice`, 1)},
	}
	tests := []struct {
		key  string
		want []string // RuleID@record
	}{
		{"time", []string{"a@1", "c@1", "a@2", "b@3"}},
		{"level", []string{"a@1", "c@1", "a@2", "b@3"}},
		{"host", []string{"a@2", "b@3", "a@1", "c@1"}},
		{"user", []string{"a@1", "c@1", "b@3", "a@2"}},
		{"rule", []string{"a@1", "a@2", "b@3", "c@1"}},
	}
	for _, tt := range tests {
		fs := append([]Finding(nil), base...)
		if err := Sort(fs, tt.key); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, f.RuleID+"@"+string(rune('0'+f.Event.EventRecordID)))
		}
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %v", tt.key, got)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("sort %s: got %v, want %v", tt.key, got, tt.want)
				break
			}
		}
	}
	if err := Sort(nil, "colour"); err == nil {
		t.Error("Sort accepted an unknown key")
	}
}

const parentRule = `title: Whoami from a script host
id: 6f0c3a52-0c55-4a8e-9d1b-1f3a0c9d2e11
status: test
level: high
logsource: {category: process_creation, product: windows}
detection:
  sel:
    Image|endswith: '\whoami.exe'
    ParentCommandLine|contains: 'payload.vbs'
  condition: sel
`

// TestParentCommandLineFill: a 4688 event gets its parent's command line
// from the parent's own 4688 event on the same host, and a rule on
// ParentCommandLine fires on it; a parent on another host, or one that
// started after the child, does not count.
func TestParentCommandLineFill(t *testing.T) {
	rules, errs := sigma.ParseRules([]byte(parentRule), "test.yml", sigma.Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	set := detections.NewSet(rules)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(ts time.Time, host string, pid, ppid uint64, image, cmd string) event.Process {
		p := event.Process{Timestamp: ts, Computer: host, EventID: event.SecurityProcessCreate}
		p.SetNumber(event.FieldProcessId, pid)
		p.SetNumber(event.FieldParentProcessId, ppid)
		p.Set(event.FieldImage, image)
		p.Set(event.FieldCommandLine, cmd)
		return p
	}
	events := []event.Process{
		mk(t0, "WS01", 100, 4, `C:\Windows\System32\wscript.exe`, `wscript.exe C:\Users\Public\payload.vbs`),
		mk(t0.Add(time.Second), "WS01", 200, 100, `C:\Windows\System32\whoami.exe`, `whoami /all`),
		mk(t0.Add(time.Second), "WS02", 300, 100, `C:\Windows\System32\whoami.exe`, `whoami`),
		mk(t0.Add(3*time.Second), "WS03", 500, 400, `C:\Windows\System32\whoami.exe`, `whoami`),
		mk(t0.Add(4*time.Second), "WS03", 400, 4, `C:\Windows\System32\wscript.exe`, `wscript payload.vbs`),
	}
	s, err := NewScanner(set, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		s.Scan(&events[i])
	}
	all, _ := finishAll(t, s)
	if len(all) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(all), all)
	}
	f := all[0]
	if f.Event.Computer != "WS01" || f.Event.ParentCommandLine != `wscript.exe C:\Users\Public\payload.vbs` {
		t.Errorf("finding on %s with ParentCommandLine %q", f.Event.Computer, f.Event.ParentCommandLine)
	}
	if _, ok := events[3].Get(event.FieldParentCommandLine); ok {
		t.Error("a parent that started after the child filled its ParentCommandLine")
	}
	if f.ID == "" || f.ID != newID(f.RuleID, &events[1]) {
		t.Errorf("finding id %q is not derived from rule and record", f.ID)
	}
}
