package findings

import (
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// parentCmdRule reads the ParentCommandLine the scanner fills on 4688 events
// from their parent's event: its hits come from the late step.
const parentCmdRule = `title: Child of a flagged parent
id: 2d7c9e41-5b3a-4f8e-a1c6-9e0b7d3f5a12
level: high
logsource: {category: process_creation, product: windows}
detection:
  sel:
    ParentCommandLine|contains: 'PFLAG'
  condition: sel
`

// TestDetectorMatchesScan: findings through a Detector's worker step and
// ScanDetected are those of Scan, including the hits of rules on the
// ParentCommandLine the scanner fills, whichever way the events' chunks
// are split, and filtered events get no hits.
func TestDetectorMatchesScan(t *testing.T) {
	rules, errs := sigma.ParseRules([]byte(parentCmdRule), "parent.yml", sigma.Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	set := detections.NewSet(append(testSet(t).Rules(), rules...))
	events := []ev{
		{at: 0, pid: 10, ppid: 1, cmd: "cmd /c PFLAG start"},
		{at: 1e9, pid: 11, ppid: 10, cmd: "whoami FLAG"},
		{at: 2e9, pid: 12, ppid: 10, cmd: "ipconfig"},
		{at: 3e9, pid: 13, ppid: 12, cmd: "FLAG TWICE", sysmon: true},
		{at: 4e9, pid: 14, ppid: 1, cmd: "notepad"},
	}
	run := func(split int, useDetector bool) []string {
		s, err := NewScanner(set, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		det := NewDetector(set, func(p *event.Process) bool { return p.ProcessId != 14 }, nil)
		step := det.NewWorkerStep()
		for from := 0; from < len(events); from += split {
			r := &decode.Result{}
			for _, e := range events[from:min(from+split, len(events))] {
				r.Events = append(r.Events, e.process())
			}
			if useDetector {
				step(r)
			}
			hits := det.Hits(r)
			for i := range r.Events {
				if !useDetector {
					s.Scan(&r.Events[i])
					continue
				}
				if r.Events[i].ProcessId == 14 && len(hits.Process(i)) > 0 {
					t.Errorf("a filtered event got hits")
				}
				s.ScanDetected(&r.Events[i], hits.Process(i))
			}
		}
		all, _ := finishAll(t, s)
		var out []string
		for _, f := range all {
			out = append(out, f.ID+" "+f.Title)
		}
		return out
	}
	want := run(len(events), false)
	children := 0
	for _, f := range want {
		if strings.HasSuffix(f, "Child of a flagged parent") {
			children++
		}
	}
	if len(want) != 6 || children != 2 {
		t.Fatalf("Scan gave %v, want 6 findings, 2 of them the parent rule's", want)
	}
	for _, split := range []int{1, 2, len(events)} {
		for _, worker := range []bool{true, false} {
			if got := run(split, worker); !slices.Equal(got, want) {
				t.Errorf("split %d, worker step %v: %v, want %v", split, worker, got, want)
			}
		}
	}
}
