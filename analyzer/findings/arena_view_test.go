package findings

import (
	"testing"
	"time"
	"unsafe"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// inArena reports whether the bytes of s lie inside one of a's chunks.
func inArena(a *arena, s string) bool {
	if s == "" {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	for _, c := range a.chunks {
		start := uintptr(unsafe.Pointer(unsafe.SliceData(c[:cap(c)])))
		if p >= start && p < start+uintptr(cap(c)) {
			return true
		}
	}
	return false
}

// TestFilledParentCommandLineView: the scanner fills a 4688 event's
// ParentCommandLine with a view of its history (no copy: most events are
// dropped once scanned), so a repeated event costs no allocation; but a
// flagged event it keeps owns its copy, which must not pin the history.
func TestFilledParentCommandLineView(t *testing.T) {
	rules, errs := sigma.ParseRules([]byte(parentRule), "test.yml", sigma.Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	s, err := NewScanner(detections.NewSet(rules), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(ts time.Time, pid, ppid uint64, image, cmd string) event.Process {
		p := event.Process{Timestamp: ts, Computer: "WS01", EventID: event.SecurityProcessCreate}
		p.SetNumber(event.FieldProcessId, pid)
		p.SetNumber(event.FieldParentProcessId, ppid)
		p.Set(event.FieldImage, image)
		p.Set(event.FieldCommandLine, cmd)
		return p
	}
	parent := mk(t0, 100, 4, `C:\Windows\System32\wscript.exe`, `wscript.exe C:\Users\Public\payload.vbs`)
	quiet := mk(t0.Add(time.Second), 200, 100, `C:\Windows\System32\cmd.exe`, `cmd /c dir`)
	flagged := mk(t0.Add(2*time.Second), 300, 100, `C:\Windows\System32\whoami.exe`, `whoami /all`)
	s.Scan(&parent)

	q := quiet
	s.Scan(&q)
	h := s.hist.host("WS01")
	if v, _ := q.Get(event.FieldParentCommandLine); v != parent.CommandLine || !inArena(h.arena, v) {
		t.Errorf("unflagged event filled with %q (a view of the history: %v), want a view of %q", v, inArena(h.arena, v), parent.CommandLine)
	}
	// ScanDetected, since Scan's matching draws scratch from a sync.Pool,
	// which the race detector makes drop items at random.
	allocs := testing.AllocsPerRun(100, func() {
		q = quiet // a copy of a record already read, flagged by no rule
		s.ScanDetected(&q, nil)
	})
	if allocs != 0 {
		t.Errorf("scanning a repeated unflagged event allocated %v times, want 0", allocs)
	}

	f := flagged
	s.Scan(&f)
	if len(s.pending) != 1 {
		t.Fatalf("%d records pending, want the flagged one", len(s.pending))
	}
	kept := s.pending[0].event.ParentCommandLine
	if kept != parent.CommandLine || inArena(h.arena, kept) {
		t.Errorf("kept event's ParentCommandLine %q (a view of the history: %v), want an owned %q", kept, inArena(h.arena, kept), parent.CommandLine)
	}
	all, _ := finishAll(t, s)
	if len(all) != 1 || all[0].Event.ParentCommandLine != parent.CommandLine {
		t.Errorf("findings %+v, want one with the parent's command line", all)
	}
}
