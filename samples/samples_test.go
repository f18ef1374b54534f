package samples

import (
	"bytes"
	"context"
	"errors"
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
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

var demoLogs = []string{"WS01-Security.evtx", "WS01-Sysmon.evtx", "WS02-Security.evtx", "WS02-Sysmon.evtx"}

// The committed samples are exactly what the generator writes.
func TestSamplesAreGenerated(t *testing.T) {
	for _, s := range Scenarios {
		dir := t.TempDir()
		if err := Generate(s, dir); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != len(demoLogs)+1 {
			t.Errorf("%s: the generator wrote %d files", s, len(ents))
		}
		for _, e := range ents {
			got, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			want, err := os.ReadFile(filepath.Join(s, e.Name()))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from what the generator writes (run go generate ./samples): %v", s, e.Name(), err)
			}
		}
	}
}

func TestSamplesSize(t *testing.T) {
	for _, name := range demoLogs {
		fi, err := os.Stat(filepath.Join("demo", name))
		if err != nil || fi.Size() > 3<<20 {
			t.Errorf("%s: %v, %v (samples stay under 3 MiB)", name, fi, err)
		}
	}
}

// expectedRow is one line of expected.tsv.
type expectedRow map[string]string

func readExpected(t *testing.T) []expectedRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("demo", "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	header := strings.Split(lines[0], "\t")
	var rows []expectedRow
	for i, line := range lines[1:] {
		fields := strings.Split(line, "\t")
		if len(fields) != len(header) {
			t.Fatalf("expected.tsv line %d: %d fields, want %d", i+2, len(fields), len(header))
		}
		row := expectedRow{}
		for j, col := range header {
			row[col] = fields[j]
		}
		rows = append(rows, row)
	}
	return rows
}

// decodeLog reads one sample log with the fast decoder.
func decodeLog(t *testing.T, path string) (map[uint64]event.Process, int) {
	t.Helper()
	w := walk.Paths([]string{path})
	events := map[uint64]event.Process{}
	records := 0
	_, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    2,
		NewDecoder: func() decode.Decoder { return &binxml.Decoder{} },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			records += r.Records
			for _, e := range r.Events {
				events[e.EventRecordID] = e
			}
		},
		OnProblem: func(p decode.Problem) { t.Errorf("%s", p) },
	})
	if err != nil || len(w.Inputs) != 1 {
		t.Fatalf("%s: %v %v", path, err, w.Notes)
	}
	return events, records
}

// expected.tsv names, in each log, the record that holds each planted
// process, with its time, user, image and command line.
func TestPlantedEventsInLogs(t *testing.T) {
	rows := readExpected(t)
	logs := map[string]map[uint64]event.Process{}
	for _, name := range demoLogs {
		logs[name], _ = decodeLog(t, filepath.Join("demo", name))
	}
	classes := map[string]int{}
	for _, row := range rows {
		classes[row["class"]]++
		for _, log := range []string{"Security", "Sysmon"} {
			id := parseID(row[strings.ToLower(log)+"_record"])
			ev, ok := logs[row["host"]+"-"+log+".evtx"][id]
			if !ok {
				t.Errorf("%s: no process event %d in %s's %s log", row["id"], id, row["host"], log)
				continue
			}
			user := ev.User
			if log == "Security" && row["user"] == `NT AUTHORITY\SYSTEM` {
				user = `NT AUTHORITY\SYSTEM` // the 4688 subject is the machine account
			}
			if event.FormatTime(ev.Timestamp) != row["time"] || ev.Image != row["image"] ||
				ev.CommandLine != row["command_line"] || user != row["user"] || ev.ParentImage != row["parent_image"] {
				t.Errorf("%s: %s record %d is %s %s %q %q (parent %s)", row["id"], log, id,
					event.FormatTime(ev.Timestamp), user, ev.Image, ev.CommandLine, ev.ParentImage)
			}
		}
	}
	if classes["attack"] != 13 || classes["lookalike"] != 9 {
		t.Errorf("classes %v", classes)
	}
}

func parseID(s string) uint64 {
	n, _ := event.ParseNumber(s)
	return n
}

// The README lists every planted event with its record ids, and each
// log's record count.
func TestReadmeMatches(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	for _, row := range readExpected(t) {
		ids := row["security_record"] + " / " + row["sysmon_record"]
		if !strings.Contains(text, "| "+row["id"]+" |") || !strings.Contains(text, ids) ||
			!strings.Contains(text, "`"+row["command_line"]+"`") {
			t.Errorf("README.md does not list %s with records %s and its command line", row["id"], ids)
		}
	}
	for _, name := range demoLogs {
		_, records := decodeLog(t, filepath.Join("demo", name))
		if !strings.Contains(text, fmt.Sprintf("| `demo/%s` |", name)) || !strings.Contains(text, fmt.Sprintf("| %d |", records)) {
			t.Errorf("README.md does not give %s's %d records", name, records)
		}
	}
}

// The three independent parsers read every sample the same. python-evtx
// needs about ten CPU seconds per log: it reads WS02's two logs (one of
// each kind), and -short leaves it out.
func TestSamplesCrossParsers(t *testing.T) {
	for _, name := range demoLogs {
		path := filepath.Join("demo", name)
		ref, err := crossparse.Velocidex(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range crossparse.Parsers()[1:] {
			if p.Name == "python-evtx" && (testing.Short() || !strings.HasPrefix(name, "WS02")) {
				continue
			}
			recs, err := p.Parse(path)
			if errors.Is(err, crossparse.ErrUnavailable) {
				t.Logf("%s: skipping %s: %v (scripts/ci-deps.sh installs it)", name, p.Name, err)
				continue
			}
			if err != nil || len(recs) != len(ref) {
				t.Fatalf("%s: %s read %d records (velocidex %d): %v", name, p.Name, len(recs), len(ref), err)
			}
			bad := 0
			for i := range ref {
				for _, d := range crossparse.Diff(recs[i], ref[i], p.Precision+2*time.Microsecond) {
					if bad++; bad <= 5 {
						t.Errorf("%s: %s, record %d: %s", name, p.Name, i, d)
					}
				}
			}
		}
	}
}
