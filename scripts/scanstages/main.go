// Command scanstages times the stages of a scan over EVTX files, for
// scripts/bench-scan.sh: it runs the same reading pipeline and built-in
// rules as evtxhunt scan, either stopping after the detections (-stage
// detect: no context history, no findings kept) or running the whole
// findings stage (-stage report: context history, findings, their context
// and a JSONL report written to nowhere). The difference is the cost of
// the report stage.
//
//	scanstages [-j N] [-stage detect|report] FILE...
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
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

func main() {
	workers := flag.Int("j", 2, "parallel chunk workers")
	stage := flag.String("stage", "report", "where to stop: detect or report")
	flag.Parse()
	if *stage != "detect" && *stage != "report" {
		fmt.Fprintln(os.Stderr, "scanstages: -stage must be detect or report")
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
	var hits []detections.Hit
	var scratch []*sigma.Rule
	events, found := 0, 0
	w := walk.Paths(paths)
	_, err = pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    workers,
		NewDecoder: func() decode.Decoder { return binxml.New() },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			for i := range r.Events {
				events++
				if stage == "detect" {
					hits, scratch = set.Detect(&r.Events[i], hits[:0], scratch)
					found += len(hits)
				} else {
					scanner.Scan(&r.Events[i])
				}
			}
		},
	})
	if err != nil || stage == "detect" {
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
