package main

import (
	"runtime/debug"
	"testing"

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
