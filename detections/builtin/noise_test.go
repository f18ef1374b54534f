package builtin_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/synth"
	"github.com/evtxhunt/evtxhunt/detections/cmdline"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// TestQuietOnBackgroundActivity: the synthetic background of ordinary
// workstation and server activity (svchost, conhost, browsers, updaters,
// Office, explorer chains) must not raise a single built-in finding or
// command-line check.
func TestQuietOnBackgroundActivity(t *testing.T) {
	set := sigma.NewRuleSet(loadBuiltin(t))
	dir := t.TempDir()
	total := 0
	for seed := uint64(1); seed <= 3; seed++ {
		path := filepath.Join(dir, fmt.Sprintf("noise-%d.evtx", seed))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		opts := synth.Options{Noise: 4000, Seed: seed, Start: time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)}
		if _, err := synth.Write(f, nil, opts); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		events := readProcessEvents(t, path)
		total += len(events)
		var matched []*sigma.Rule
		var hits []cmdline.Hit
		for _, p := range events {
			for _, r := range set.Match(p, matched[:0]) {
				t.Errorf("seed %d: %s fires on background event %s | %s", seed, r.Source, p.Image, p.CommandLine)
			}
			for _, h := range cmdline.Run(p, hits[:0]) {
				t.Errorf("seed %d: %s (%s) on background event %s | %s", seed, h.Check.Title, h.Reason, p.Image, p.CommandLine)
			}
		}
	}
	if total < 1000 {
		t.Fatalf("only %d process events in the background; the test needs more", total)
	}
	t.Logf("%d background process events, no findings", total)
}
