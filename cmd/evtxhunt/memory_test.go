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
			t.Setenv("GOGC", "100") // tuneMemory leaves a set GOGC alone
			saved := prepareHeap
			defer func() { prepareHeap = saved }()
			prepareHeap = nil
			tuneMemory()
			if got := prepareHeap != nil; got != tc.prepare {
				t.Errorf("heap preparation set: %v, want %v", got, tc.prepare)
			}
			if gc := debug.SetGCPercent(100); gc != 100 {
				t.Errorf("GOGC set in the environment was overridden: %d", gc)
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
