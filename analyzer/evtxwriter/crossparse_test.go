package evtxwriter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

// Every parser reads back exactly what was written: all value types, both
// computers, several chunks (definitions inline in each, referenced after),
// escaping-prone and non-ASCII text.
func TestCrossParsers(t *testing.T) {
	events := variedEvents()
	for i := 0; i < 400; i++ {
		cmd := fmt.Sprintf(`"C:\Program Files\Mozilla Firefox\firefox.exe" -contentproc -childID %d -isForBrowser -prefsLen 2%d "a&b<c>'d'" ÄÖÜ €`, i, i)
		events = append(events, process4688(10+i, []string{"WS01.corp.example.com", "WS02"}[i%2], cmd))
	}
	data := writeEvents(t, events)
	if len(data) < 4096+3*65536 {
		t.Fatalf("only %d bytes: the test wants several chunks", len(data))
	}
	path := filepath.Join(t.TempDir(), "cross.evtx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range crossparse.Parsers() {
		t.Run(p.Name, func(t *testing.T) {
			recs, err := p.Parse(path)
			if errors.Is(err, crossparse.ErrUnavailable) {
				t.Skipf("%v (scripts/ci-deps.sh installs it)", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(events) {
				t.Fatalf("%d records, want %d", len(recs), len(events))
			}
			bad := 0
			for i, ev := range events {
				for _, d := range crossparse.Diff(recs[i], wantRecord(ev), p.Precision) {
					if bad++; bad <= 20 {
						t.Errorf("record %d: %s", i, d)
					}
				}
			}
		})
	}
}

// Characters outside the Basic Multilingual Plane are written as UTF-16
// surrogate pairs. evtxexport 20181227 decodes them wrongly (U+1F600 comes
// out as U+1F201), so only the other two parsers are held to them.
func TestSurrogatePairs(t *testing.T) {
	ev := process4688(0, "WS01", "echo 😀 𝄞")
	path := filepath.Join(t.TempDir(), "astral.evtx")
	if err := os.WriteFile(path, writeEvents(t, []*Event{ev}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range crossparse.Parsers() {
		if p.Name == "evtxexport" {
			continue
		}
		recs, err := p.Parse(path)
		if errors.Is(err, crossparse.ErrUnavailable) {
			t.Logf("skipping %s: %v", p.Name, err)
			continue
		}
		if err != nil || len(recs) != 1 {
			t.Fatalf("%s: %d records, %v", p.Name, len(recs), err)
		}
		if got := recs[0].DataMap()["CommandLine"]; got != "echo 😀 𝄞" {
			t.Errorf("%s: CommandLine %q", p.Name, got)
		}
	}
}
