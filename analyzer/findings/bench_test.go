package findings

import (
	"fmt"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// benchEvents makes n distinct process events over 4 hosts and 12 users
// with realistic command lines, every 100th flagged.
func benchEvents(n int) []event.Process {
	out := make([]event.Process, n)
	for i := range out {
		e := ev{
			at:   time.Duration(i) * 250 * time.Millisecond,
			host: fmt.Sprintf("WS%02d.corp.example.com", i%4), user: fmt.Sprintf(`CORP\user%02d`, i%12),
			logon: fmt.Sprintf("0x%x", 0x3e7+i%12), pid: uint64(4 * (i%9000 + 2)), ppid: uint64(4 * ((i/7)%9000 + 2)),
			image: `C:\Program Files\Vendor\Product\bin\worker.exe`,
			cmd:   fmt.Sprintf(`"C:\Program Files\Vendor\Product\bin\worker.exe" --job %d --config "C:\ProgramData\Vendor\jobs\job-%d.xml" --verbose`, i, i%50),
		}
		if i%100 == 99 {
			e.cmd += " FLAG"
		}
		out[i] = e.process()
	}
	return out
}

// BenchmarkScan is the per-event cost of the scan stage's own work
// (history, dedupe, the test's two rules) on distinct events; the history
// limit makes it evict as a long scan does.
func BenchmarkScan(b *testing.B) {
	events := benchEvents(200_000)
	opts := DefaultOptions()
	opts.HistoryLimit, opts.TempDir = 50_000, b.TempDir()
	b.ReportAllocs()
	b.ResetTimer()
	s, err := NewScanner(testSet(b), opts)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		p := events[i%len(events)]
		p.Timestamp = p.Timestamp.Add(time.Duration(i/len(events)) * 24 * time.Hour)
		s.Scan(&p)
	}
	b.StopTimer()
	res, err := s.Finish()
	if err != nil {
		b.Fatal(err)
	}
	res.Close()
}

// BenchmarkObserveRepeated is the per-event cost when every event is a
// copy of one already kept (a grown benchmark file, copied logs).
func BenchmarkObserveRepeated(b *testing.B) {
	events := benchEvents(5000)
	s, err := NewScanner(testSet(b), DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	for i := range events {
		s.Observe(&events[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Observe(&events[i%len(events)])
	}
}

// BenchmarkFinish is the cost of computing one finding's context and
// spooling it, then reading it back.
func BenchmarkFinish(b *testing.B) {
	events := benchEvents(100_000)
	for i := range events {
		cmd := events[i].CommandLine
		if i%10 == 0 {
			cmd += " FLAG"
		}
		events[i].Set(event.FieldCommandLine, cmd)
	}
	opts := DefaultOptions()
	opts.TempDir = b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewScanner(testSet(b), opts)
		if err != nil {
			b.Fatal(err)
		}
		for i := range events {
			s.Scan(&events[i])
		}
		res, err := s.Finish()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := res.Each(func(*Finding) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		res.Close()
		b.ReportMetric(float64(n), "findings/op")
	}
}
