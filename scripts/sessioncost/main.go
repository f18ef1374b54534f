// Command sessioncost measures what logon sessions cost a scan, for the
// target of issue 12 (session building and merging add at most 10% to the
// scan time of the standard benchmark). It runs what evtxhunt scan runs
// (the fast decoder, the built-in rules over every process creation and
// the records their log sources name, the findings stage, a JSONL report
// written to nowhere) either without sessions (-sessions off: only the
// rules' records decoded, no Builder, findings without a Session) or with
// them (-sessions on: the Security logon records decoded too, every
// process creation and logon record fed to a sessions.Builder, finished
// into an Index that gives every finding its Session), or reading the
// logon records without building anything (-sessions decode), which
// tells the cost of decoding them from the cost of the Builder.
//
//	sessioncost [-j N] [-sessions on|off|decode] [-cpuprofile FILE] FILE...
//
// It prints "sessions=S wall_seconds=W cpu_seconds=C builder_seconds=B
// builder_cpu_seconds=BC events=E selected=R findings=F logons=L": wall
// and CPU seconds from after the rules are loaded to the end of the
// report, and the wall and CPU time of the Builder's calls (Add,
// AddProcess, Finish) on the consumer goroutine, the CPU time read from
// the thread's own clock so that a busy machine does not inflate it.
// scripts/bench-sessions.sh runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"
	"unsafe"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/detections"
)

func main() { os.Exit(runMain()) }

// runMain is main, returning its exit code so that deferred calls run.
func runMain() int {
	workers := flag.Int("j", 2, "parallel chunk workers")
	mode := flag.String("sessions", "on", "build logon sessions: on, off, or decode (read their records, build nothing)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the run to `FILE`")
	flag.Parse()
	if *mode != "on" && *mode != "off" && *mode != "decode" {
		fmt.Fprintln(os.Stderr, "sessioncost: -sessions must be on, off or decode")
		return 2
	}
	debug.SetGCPercent(400)         // as evtxhunt does
	debug.SetMemoryLimit(200 << 20) // as evtxhunt scan does
	set, errs := detections.Load(detections.Config{})
	for _, e := range errs {
		if !e.Note {
			fmt.Fprintln(os.Stderr, "sessioncost: rule error:", e)
			return 2
		}
	}
	cpu0, err := cpuTime()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sessioncost:", err)
		return 1
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sessioncost: -cpuprofile:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	st, err := run(set, *mode, *workers, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "sessioncost:", err)
		return 1
	}
	cpu, err := cpuTime()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sessioncost:", err)
		return 1
	}
	cpu -= cpu0
	fmt.Printf("sessions=%s wall_seconds=%.3f cpu_seconds=%.3f builder_seconds=%.3f builder_cpu_seconds=%.3f events=%d selected=%d findings=%d logons=%d\n",
		*mode, time.Since(start).Seconds(), cpu.Seconds(), st.builder.Seconds(), st.builderCPU.Seconds(), st.events, st.selected, st.findings, st.logons)
	return 0
}

// cpuTime returns the CPU time the process used so far, user and system.
func cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// counts are what a run saw and how long the Builder took.
type counts struct {
	events, selected, findings, logons int
	builder, builderCPU                time.Duration
}

// timeBuilder runs fn, the goroutine locked to its thread, and adds its
// wall time and its CPU time to c: the thread's CPU clock
// (CLOCK_THREAD_CPUTIME_ID) counts only what fn used, however busy the
// machine is.
func (c *counts) timeBuilder(fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t0, cpu0 := time.Now(), threadCPU()
	fn()
	c.builderCPU += threadCPU() - cpu0
	c.builder += time.Since(t0)
}

// threadCPU returns the CPU time the calling thread has used.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0 // no thread clock: the builder's share reads 0
	}
	return time.Duration(ts.Nano())
}

func run(set *detections.Set, mode string, workers int, paths []string) (counts, error) {
	var c counts
	scanner, err := findings.NewScanner(set, findings.DefaultOptions())
	if err != nil {
		return c, err
	}
	ruled := set.Selection()
	want := &event.Selection{}
	want.Merge(ruled)
	var b *sessions.Builder
	if mode != "off" {
		want.Merge(sessions.Selection())
	}
	if mode == "on" {
		b = sessions.NewBuilder(sessions.Options{})
	}
	_, err = pipeline.Run(context.Background(), walk.Paths(paths).Inputs, pipeline.Options{
		Workers:    workers,
		NewDecoder: func() decode.Decoder { return binxml.New() },
		Want:       want,
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			c.events += len(r.Events)
			c.selected += len(r.Selected)
			if b != nil {
				c.timeBuilder(func() {
					for i := range r.Events {
						b.AddProcess(&r.Events[i])
					}
					for i := range r.Selected {
						b.Add(&r.Selected[i])
					}
				})
			}
			for i := range r.Events {
				scanner.Scan(&r.Events[i])
			}
			for i := range r.Selected {
				if e := &r.Selected[i]; ruled.Wants(e.Channel, e.EventID) {
					scanner.ScanEvent(e)
				}
			}
		},
	})
	if err != nil {
		return c, err
	}
	res, err := scanner.Finish()
	if err != nil {
		return c, err
	}
	defer res.Close()
	if b != nil {
		var x *sessions.Index
		c.timeBuilder(func() { x = b.Finish() })
		c.logons = x.Stats().Logons
		res.SetSessions(x)
	}
	c.findings = res.Findings
	jw, err := report.NewFindingsWriter(report.JSONL, report.Options{})
	if err != nil {
		return c, err
	}
	return c, jw.WriteFindings(io.Discard, report.ReportOf(res))
}
