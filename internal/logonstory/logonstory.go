package logonstory

import (
	"bytes"
	"context"
	"embed"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/synth"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

//go:embed *.jsonl
var lines embed.FS

// Files are the story's logs, in the order Write returns them.
var Files = []string{"ws01-security", "ws01-sysmon", "ws02-security"}

// Write writes the story's logs into dir (a new temporary folder when
// dir is "") and returns their paths, NAME.evtx for each of Files.
func Write(tb testing.TB, dir string) []string {
	tb.Helper()
	if dir == "" {
		dir = tb.TempDir()
	}
	paths := make([]string, 0, len(Files))
	for _, name := range Files {
		data, err := lines.ReadFile(name + ".jsonl")
		if err != nil {
			tb.Fatal(err)
		}
		path := filepath.Join(dir, name+".evtx")
		if _, err := synth.WriteFile(path, bytes.NewReader(data), nil, synth.Options{Source: name + ".jsonl"}); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// Records are what the story's logs hold, read two ways.
type Records struct {
	// Processes are the process creations, read through the pipeline
	// with the fast decoder.
	Processes []event.Process
	// Selected are the records want selects, as the pipeline's
	// Result.Selected gives them (empty while the decoders do not fill
	// it).
	Selected []event.Event
	// Velocidex are the records want selects, read with the Velocidex
	// parser library (crossparse.VelocidexEvents): values normalized,
	// numbers in decimal.
	Velocidex []event.Event
}

// Read reads the logs at paths.
func Read(tb testing.TB, paths []string, want *event.Selection) Records {
	tb.Helper()
	var r Records
	_, err := pipeline.Run(context.Background(), walk.Paths(paths).Inputs, pipeline.Options{
		Workers: 2, NewDecoder: func() decode.Decoder { return binxml.New() }, Want: want,
		OnChunk: func(_ *pipeline.FileStats, _ int, res *decode.Result) {
			r.Processes = append(r.Processes, res.Events...)
			r.Selected = append(r.Selected, res.Selected...)
		},
		OnProblem: func(p decode.Problem) { tb.Errorf("problem: %s", p) },
	})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range paths {
		events, err := crossparse.VelocidexEvents(p)
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range events {
			if want.Wants(e.Channel, e.EventID) {
				r.Velocidex = append(r.Velocidex, e)
			}
		}
	}
	return r
}
