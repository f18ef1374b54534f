package allowlist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

func rule(id string) *sigma.Rule { return &sigma.Rule{ID: id} }

func sysmon(fields map[string]string) *event.Process {
	p := &event.Process{EventID: event.SysmonProcessCreate}
	for name, v := range fields {
		f, ok := event.Lookup(name)
		if !ok {
			panic("unknown field " + name)
		}
		p.Set(f, v)
	}
	return p
}

func loadExample(t *testing.T) *List {
	t.Helper()
	l, err := Load(filepath.Join("testdata", "allowlist.yml"), sigma.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLoadExample(t *testing.T) {
	l := loadExample(t)
	if len(l.Entries) != 3 {
		t.Fatalf("%d entries, want 3", len(l.Entries))
	}
	e := l.Entries[2]
	if e.Line != 17 || len(e.Rules) != 2 || e.Reason != "encoded PowerShell is the admins' habit here" {
		t.Errorf("entry 3 = line %d rules %v reason %q", e.Line, e.Rules, e.Reason)
	}
}

func TestSuppressed(t *testing.T) {
	whoami := "7c2b7a7e-0b1e-4d0c-9d4a-000000000001"
	cases := []struct {
		name  string
		rule  string
		event map[string]string
		entry int // 1-based entry that suppresses, 0 for none
	}{
		{"rule and where", whoami, map[string]string{"User": `corp\SVC_INVENTORY`, "ParentImage": `D:\tools\inventory.exe`}, 1},
		{"rule, where fails", whoami, map[string]string{"User": `CORP\alice`, "ParentImage": `D:\tools\inventory.exe`}, 0},
		{"where, other rule", "other", map[string]string{"User": `CORP\svc_inventory`, "ParentImage": `D:\tools\inventory.exe`}, 0},
		{"where only, first map", "any", map[string]string{"Image": `C:\Program Files\Backup\agent.exe`}, 2},
		{"where only, second map", "any", map[string]string{"ParentImage": `C:\Program Files\Backup\agent.exe`}, 2},
		{"where only, no field", "any", map[string]string{"CommandLine": "x"}, 0},
		{"rule list", "7c2b7a7e-0b1e-4d0c-9d4a-000000000003", map[string]string{}, 3},
		{"first entry wins", whoami, map[string]string{"User": `CORP\svc_inventory`, "ParentImage": `C:\Program Files\Backup\inventory.exe`}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := loadExample(t)
			got := l.Suppressed(rule(tc.rule), sysmon(tc.event))
			switch {
			case tc.entry == 0 && got != nil:
				t.Errorf("suppressed by %s, want not suppressed", got.Location())
			case tc.entry > 0 && got != l.Entries[tc.entry-1]:
				t.Errorf("suppressed by %v, want entry %d", got, tc.entry)
			case tc.entry > 0 && (got.Hits() != 1 || l.Total() != 1):
				t.Errorf("hits %d total %d, want 1 and 1", got.Hits(), l.Total())
			}
		})
	}
}

func TestNilListSuppressesNothing(t *testing.T) {
	var l *List
	if l.Suppressed(rule("x"), sysmon(nil)) != nil || l.Total() != 0 || l.UnknownRules(nil) != nil {
		t.Error("nil list suppressed something")
	}
}

func TestCountsUnderConcurrency(t *testing.T) {
	l := loadExample(t)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				l.Suppressed(rule("7c2b7a7e-0b1e-4d0c-9d4a-000000000002"), sysmon(nil))
			}
		}()
	}
	wg.Wait()
	if got := l.Entries[2].Hits(); got != 8000 {
		t.Errorf("hits = %d, want 8000", got)
	}
}

func TestUnknownRules(t *testing.T) {
	l := loadExample(t)
	got := l.UnknownRules([]*sigma.Rule{rule("7c2b7a7e-0b1e-4d0c-9d4a-000000000002")})
	want := []string{
		filepath.Join("testdata", "allowlist.yml") + ":4: allowlist entry names rule 7c2b7a7e-0b1e-4d0c-9d4a-000000000001, which is not loaded",
		filepath.Join("testdata", "allowlist.yml") + ":17: allowlist entry names rule 7c2b7a7e-0b1e-4d0c-9d4a-000000000003, which is not loaded",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		yaml string
		line int
		msg  string
	}{
		{"rule: x\nreason: y\n", 1, "a list of entries"},
		{"- rule: x\n", 1, "entry has no reason"},
		{"- rule: x\n  reason: '  '\n", 2, "reason must say why"},
		{"- reason: everything\n", 1, "neither rule nor where"},
		{"- rule: x\n  reasn: typo\n", 2, `unknown key "reasn" (did you mean "reason"?)`},
		{"- rule: []\n  reason: r\n", 1, "give a rule id"},
		{"- rule: [a, {b: c}]\n  reason: r\n", 1, "rule ids must be strings"},
		{"- where:\n    Image|endswth: x\n  reason: r\n", 2, `unknown modifier "endswth"`},
		{"- where:\n    Imgae: x\n  reason: r\n", 2, `unknown field "Imgae"`},
		{"- where: just text\n  reason: r\n", 1, "must be a map"},
		{"- where:\n    User|expand: '%admins%'\n  reason: r\n", 2, "placeholder %admins% has no value"},
		{"- rule: x\n  rule: y\n  reason: r\n", 2, `duplicate key "rule"`},
		{"- rule: x\n  reason: r\n---\n- rule: y\n  reason: r\n", 4, "one YAML document"},
		{"- [unclosed\n", 1, "invalid YAML"},
		{"- just a string\n", 1, "an entry is a map"},
	}
	for _, tc := range cases {
		t.Run(tc.msg, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "allow.yml", sigma.Options{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.File != "allow.yml" || e.Line != tc.line || !strings.Contains(e.Reason, tc.msg) {
				t.Errorf("got %v, want line %d containing %q", e, tc.line, tc.msg)
			}
			if !strings.HasPrefix(e.Error(), fmt.Sprintf("allow.yml:%d: ", tc.line)) {
				t.Errorf("Error() = %q", e.Error())
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	l, err := Parse([]byte("# nothing allowed yet\n"), "a.yml", sigma.Options{})
	if err != nil || len(l.Entries) != 0 {
		t.Errorf("Parse = %v, %v", l, err)
	}
}

func TestPlaceholdersInWhere(t *testing.T) {
	opts := sigma.Options{Placeholders: map[string][]string{"admins": {`CORP\adm-*`}}}
	l, err := Parse([]byte("- where:\n    User|expand: '%admins%'\n  reason: admins\n"), "a.yml", opts)
	if err != nil {
		t.Fatal(err)
	}
	if l.Suppressed(rule("x"), sysmon(map[string]string{"User": `corp\adm-joe`})) == nil {
		t.Error("admin not suppressed")
	}
}

// FuzzParse feeds allowlist files to the parser: it must never panic, and
// a loaded list must answer Suppressed without panicking.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "allowlist.yml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("- rule: [a, b]\n  where:\n    CommandLine|re: '(?i)x+'\n  reason: r\n"))
	f.Add([]byte("- where:\n    ProcessId|gt: 4\n  reason: r\n"))
	events := []*event.Process{sysmon(map[string]string{"Image": `C:\Program Files\Backup\a.exe`, "ProcessId": "77"}), {}}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data, "fuzz.yml", sigma.Options{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for _, p := range events {
			l.Suppressed(rule("a"), p)
		}
	})
}

// TestSuppressedEvent: where conditions on records other than process
// creations name the record's own fields and System values.
func TestSuppressedEvent(t *testing.T) {
	l, err := Parse([]byte(`
- rule: r-logon
  where:
    EventID: 4624
    TargetUserName|startswith: 'svc_'
    Computer|endswith: '.corp.example'
  reason: service accounts log on everywhere
- where:
    Channel: Microsoft-Windows-Sysmon/Operational
    TargetObject|contains: '\Software\Backup\'
  reason: backup agent settings
`), "allow.yml", sigma.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logon := &event.Event{System: event.System{Channel: "Security", EventID: 4624, Computer: "WS01.corp.example"}, Kind: event.EventData,
		Items: []event.Item{{Name: "TargetUserName", Value: "svc_backup"}, {Name: "LogonType", Value: "3"}}}
	reg := &event.Event{System: event.System{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 13}, Kind: event.EventData,
		Items: []event.Item{{Name: "TargetObject", Value: `HKLM\Software\Backup\Path`}}}
	other := &event.Event{System: event.System{Channel: "Security", EventID: 4625, Computer: "WS01.corp.example"}, Kind: event.EventData,
		Items: []event.Item{{Name: "TargetUserName", Value: "svc_backup"}}}
	if got := l.SuppressedEvent(rule("r-logon"), logon); got != l.Entries[0] {
		t.Errorf("logon suppressed by %v, want entry 1", got)
	}
	if got := l.SuppressedEvent(rule("r-other"), logon); got != nil {
		t.Errorf("logon of another rule suppressed by %v", got.Location())
	}
	if got := l.SuppressedEvent(rule("r-other"), reg); got != l.Entries[1] {
		t.Errorf("registry event suppressed by %v, want entry 2", got)
	}
	if got := l.SuppressedEvent(rule("r-logon"), other); got != nil {
		t.Errorf("4625 suppressed by %v, want nothing (the entry says EventID 4624)", got.Location())
	}
	if l.Total() != 2 {
		t.Errorf("total %d, want 2", l.Total())
	}
	var none *List
	if none.SuppressedEvent(rule("r"), reg) != nil {
		t.Error("nil list suppressed an event")
	}
}
