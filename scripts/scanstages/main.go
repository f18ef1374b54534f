// Command scanstages times the stages of a scan over EVTX files, for
// scripts/bench-scan.sh: it runs the same reading pipeline and built-in
// rules as evtxhunt scan (rule matching in the reading workers), stopping
// after decoding the records the rules select (-stage decode), after the
// detections (-stage detect: no context history, no findings kept), or
// running the whole findings stage (-stage report: context history,
// findings, their context and a JSONL report written to nowhere). The
// differences are the costs of the detection and report stages.
//
//	scanstages [-j N] [-stage decode|detect|report] FILE...
//
// It prints "stage=S wall_seconds=W cpu_seconds=C events=E findings=F".
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/report"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/detections"
)

func main() {
	workers := flag.Int("j", 2, "parallel chunk workers")
	stage := flag.String("stage", "report", "where to stop: decode, detect or report")
	flag.Parse()
	if *stage != "decode" && *stage != "detect" && *stage != "report" {
		fmt.Fprintln(os.Stderr, "scanstages: -stage must be decode, detect or report")
		os.Exit(2)
	}
	debug.SetGCPercent(400) // as evtxhunt does
	set, errs := detections.Load(detections.Config{})
	for _, e := range errs {
		if !e.Note {
			fmt.Fprintln(os.Stderr, "scanstages: rule error:", e)
			os.Exit(2)
		}
	}
	start := time.Now()
	events, found, err := run(set, *stage, *workers, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanstages:", err)
		os.Exit(1)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fmt.Fprintln(os.Stderr, "scanstages: getrusage:", err)
		os.Exit(1)
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("stage=%s wall_seconds=%.3f cpu_seconds=%.3f events=%d findings=%d\n",
		*stage, time.Since(start).Seconds(), cpu.Seconds(), events, found)
}

func run(set *detections.Set, stage string, workers int, paths []string) (int, int, error) {
	scanner, err := findings.NewScanner(set, findings.DefaultOptions())
	if err != nil {
		return 0, 0, err
	}
	// Rule matching runs in the workers, as in evtxhunt scan.
	det := findings.NewDetector(set, nil, nil)
	opts := pipeline.Options{
		Workers:    workers,
		NewDecoder: func() decode.Decoder { return binxml.New() },
		Want:       set.Selection(),
	}
	if stage != "decode" {
		opts.NewWorkerStep = det.NewWorkerStep
	}
	events, found := 0, 0
	opts.OnChunk = func(_ *pipeline.FileStats, _ int, r *decode.Result) {
		events += len(r.Events) + len(r.Selected)
		if stage == "decode" {
			return
		}
		hits := det.Hits(r)
		for i := range r.Events {
			if stage == "detect" {
				found += len(hits.Process(i))
			} else {
				scanner.ScanDetected(&r.Events[i], hits.Process(i))
			}
		}
		for i := range r.Selected {
			if stage == "detect" {
				found += len(hits.Event(i))
			} else {
				scanner.ScanEventDetected(&r.Selected[i], hits.Event(i))
			}
		}
	}
	_, err = pipeline.Run(context.Background(), walk.Paths(paths).Inputs, opts)
	if err != nil || stage != "report" {
		return events, found, err
	}
	res, err := scanner.Finish()
	if err != nil {
		return events, 0, err
	}
	defer res.Close()
	jw, _ := report.NewFindingsWriter(report.JSONL, report.Options{})
	return events, res.Findings, jw.WriteFindings(io.Discard, report.ReportOf(res))
}
