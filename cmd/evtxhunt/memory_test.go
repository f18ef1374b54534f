package main

import (
	"io"
	"os"
	"runtime/debug"
	"testing"

	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/spf13/cobra"
)

func TestTuneMemoryHugePagesSwitch(t *testing.T) {
	for _, tc := range []struct {
		env     string
		prepare bool
	}{
		{"", true},
		{"1", true},
		{"0", false},
	} {
		t.Run("EVTXHUNT_HUGEPAGES="+tc.env, func(t *testing.T) {
			t.Setenv(hugePagesEnv, tc.env)
			// tuneMemory leaves the collector alone where GOGC is set.
			t.Setenv("GOGC", "100")
			gc := debug.SetGCPercent(-1)
			debug.SetGCPercent(gc)
			saved := prepareHeap
			defer func() { prepareHeap = saved }()
			prepareHeap = nil
			tuneMemory()
			if got := prepareHeap != nil; got != tc.prepare {
				t.Errorf("heap preparation set: %v, want %v", got, tc.prepare)
			}
			if now := debug.SetGCPercent(gc); now != gc {
				t.Errorf("GOGC is set, yet tuneMemory changed the collector's percentage from %d to %d", gc, now)
			}
		})
	}
}

func TestIsHelpCommand(t *testing.T) {
	root := newCmdRoot(&ioStreams{})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	// cobra adds its hidden completion request command when it executes.
	root.AddCommand(&cobra.Command{Use: cobra.ShellCompRequestCmd, Hidden: true})
	for _, tc := range []struct {
		args []string
		help bool
	}{
		{[]string{"help"}, true},
		{[]string{"completion", "bash"}, true},
		{[]string{"__complete", "sc"}, true},
		{[]string{"scan"}, false},
		{[]string{"timeline"}, false},
		{[]string{"rules"}, false},
	} {
		c, _, err := root.Find(tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got := isHelpCommand(c); got != tc.help {
			t.Errorf("isHelpCommand(%v) = %v, want %v", tc.args, got, tc.help)
		}
	}
}

// TestPauseCollector checks what the collector's settings are while rules
// load and that they come back after, with and without the user's own.
func TestPauseCollector(t *testing.T) {
	const userLimit = 300 << 20
	for _, tc := range []struct {
		name, gogc, gomemlimit string
		wantPercent            int   // while paused
		wantLimit              int64 // while paused
	}{
		{"defaults", "", "", -1, ruleLoadMemoryLimit},
		{"GOGC set: left alone", "100", "", 150, userLimit},
		{"GOMEMLIMIT set: the user's limit bounds the pause", "", "1GiB", -1, userLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, v := range map[string]string{"GOGC": tc.gogc, "GOMEMLIMIT": tc.gomemlimit} {
				t.Setenv(name, v)
				if v == "" {
					os.Unsetenv(name)
				}
			}
			percent := debug.SetGCPercent(150)
			limit := debug.SetMemoryLimit(userLimit)
			defer func() {
				debug.SetGCPercent(percent)
				debug.SetMemoryLimit(limit)
			}()
			resume := pauseCollector()
			gotPercent := debug.SetGCPercent(-1)
			debug.SetGCPercent(gotPercent)
			gotLimit := debug.SetMemoryLimit(-1)
			resume()
			if gotPercent != tc.wantPercent || gotLimit != tc.wantLimit {
				t.Errorf("while paused: GOGC %d and memory limit %d, want %d and %d", gotPercent, gotLimit, tc.wantPercent, tc.wantLimit)
			}
			if p, l := debug.SetGCPercent(percent), debug.SetMemoryLimit(-1); p != 150 || l != userLimit {
				t.Errorf("after resume: GOGC %d and memory limit %d, want 150 and %d back", p, l, userLimit)
			}
		})
	}
}

// TestRuleLoadPausesCollectorForBuiltinsOnly checks that the collector is
// paused while the built-in rules alone load, and not while rules from -r
// load (held under the pause's limit, those made the collector run more).
func TestRuleLoadPausesCollectorForBuiltinsOnly(t *testing.T) {
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	saved := loadDetections
	defer func() { loadDetections = saved }()
	var during int
	loadDetections = func(cfg detections.Config) (*detections.Set, []*sigma.LoadError) {
		during = debug.SetGCPercent(-1)
		debug.SetGCPercent(during)
		return saved(cfg)
	}
	percent := debug.SetGCPercent(150)
	defer debug.SetGCPercent(percent)
	for _, tc := range []struct {
		paths []string
		want  int
	}{
		{nil, -1},
		{[]string{"testdata/lint/good.yml"}, 150},
	} {
		f := &ruleFlags{Paths: tc.paths, MinLevel: "informational", LongCmdline: 1024}
		if _, _, err := f.loadSkipping(io.Discard, true); err != nil {
			t.Fatalf("-r %v: %v", tc.paths, err)
		}
		if during != tc.want {
			t.Errorf("-r %v: GOGC %d while the rules loaded, want %d", tc.paths, during, tc.want)
		}
		if now := debug.SetGCPercent(150); now != 150 {
			t.Errorf("-r %v: GOGC %d after loading, want 150 back", tc.paths, now)
		}
	}
}
