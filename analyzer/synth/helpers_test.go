package synth

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// decoders are the project's two decoders, each with the time precision
// it keeps: the fast one reads the FILETIME, Velocidex goes through float
// seconds.
var decoders = []struct {
	name      string
	precision time.Duration
	make      func() decode.Decoder
}{
	{"fast", 0, func() decode.Decoder { return &binxml.Decoder{} }},
	{"velocidex", 2 * time.Microsecond, func() decode.Decoder { return velocidex.Decoder{} }},
}

// decodeFile reads a written file back with a decoder, failing the test on
// any problem or fallback. It returns the process events and the number
// of records.
func decodeFile(t testing.TB, path string, dec func() decode.Decoder) ([]event.Process, int) {
	t.Helper()
	w := walk.Paths([]string{path})
	if len(w.Inputs) != 1 {
		t.Fatalf("%s: not read as EVTX: %v", path, w.Notes)
	}
	var events []event.Process
	records := 0
	_, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    2,
		NewDecoder: dec,
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			records += r.Records
			events = append(events, r.Events...)
			if r.Fallbacks > 0 {
				t.Errorf("%d chunks fell back to another decoder", r.Fallbacks)
			}
		},
		OnProblem: func(p decode.Problem) { t.Errorf("problem: %s", p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return events, records
}

// writeLines writes JSON lines with opts and returns the file's path.
func writeLines(t testing.TB, text string, opts Options) (string, Stats) {
	t.Helper()
	lines, err := ReadLines(strings.NewReader(text), "test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.evtx")
	out, err := Create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2024, 3, 12, 9, 0, 0, 0, time.UTC)
	}
	st, err := Write(out, lines, opts)
	if err != nil {
		out.Abort()
		t.Fatal(err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	return path, st
}

// diffProcess lists how got differs from want: every field want carries
// must come back equal, and got must carry no field want lacks except
// those in extra. Times may differ by precision.
func diffProcess(got, want *event.Process, precision time.Duration, extra event.FieldSet) []string {
	var d []string
	if dt := got.Timestamp.Sub(want.Timestamp); dt > precision || dt < -precision {
		d = append(d, fmt.Sprintf("Timestamp %s, want %s", event.FormatTime(got.Timestamp), event.FormatTime(want.Timestamp)))
	}
	for _, f := range event.Fields() {
		g, gok := got.Get(f)
		w, wok := want.Get(f)
		switch {
		case wok && (!gok || g != w):
			d = append(d, fmt.Sprintf("%s = %q (present %v), want %q", f.Name(), g, gok, w))
		case gok && !wok && extra&(1<<f) == 0:
			d = append(d, fmt.Sprintf("%s = %q, not in the input", f.Name(), g))
		}
	}
	return d
}

// timelineJSONL renders events as timeline -f jsonl prints them.
func timelineJSONL(events []event.Process) string {
	var b bytes.Buffer
	for i := range events {
		b.Write(events[i].AppendJSON(nil))
		b.WriteByte('\n')
	}
	return b.String()
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
