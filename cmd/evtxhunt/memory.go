package main

import (
	"os"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"
)

// tuneMemory sets the process-wide memory settings; main calls it before
// any command runs (tests, which call run, keep Go's defaults). The
// decoders allocate briefly per record and keep little, so the collector
// runs less often than Go's default unless the user set GOGC; and the
// commands that read logs or rules first offer the heap transparent huge
// pages (adviseHugePages), unless EVTXHUNT_HUGEPAGES is 0.
func tuneMemory() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if os.Getenv(hugePagesEnv) != "0" {
		prepareHeap = sync.OnceFunc(adviseHugePages)
	}
}

// pauseCollector stops the garbage collector until resume is called,
// unless the user set GOGC, keeping the heap under ruleLoadMemoryLimit
// (or the user's GOMEMLIMIT) meanwhile. It serves the loading of the
// built-in rules alone, which allocates about 18 MB and keeps most of it
// while the heap is still small: the collector, paced for a heap of a few
// megabytes, ran four times meanwhile and slowed the start of every
// command. Rules from -r are loaded without it: every SigmaHQ Windows
// rule allocates about 200 MB and keeps 50 MB, and held under a limit the
// collector then ran more, not less (a scan of one sample log took
// 0.62–0.65 s against 0.37–0.65 s; medians of five runs 0.64 and 0.43 s).
func pauseCollector() (resume func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	return setCollector(-1, min(debug.SetMemoryLimit(-1), ruleLoadMemoryLimit))
}

// setCollector sets the collector's percentage (GOGC) and soft memory
// limit, each unless the environment sets it, and returns what restores
// the previous settings.
func setCollector(percent int, limit int64) (restore func()) {
	prevLimit, prevPercent := int64(-1), 0
	_, limitSet := os.LookupEnv("GOMEMLIMIT")
	if !limitSet {
		prevLimit = debug.SetMemoryLimit(limit)
	}
	_, percentSet := os.LookupEnv("GOGC")
	if !percentSet {
		prevPercent = debug.SetGCPercent(percent)
	}
	return func() {
		if !limitSet {
			debug.SetMemoryLimit(prevLimit)
		}
		if !percentSet {
			debug.SetGCPercent(prevPercent)
		}
	}
}

// ruleLoadMemoryLimit bounds the heap while the collector is paused:
// more than three times what the built-in rules allocate as they load.
const ruleLoadMemoryLimit = 64 << 20

// hugePagesEnv names the environment variable that, set to 0, keeps the
// heap off transparent huge pages.
const hugePagesEnv = "EVTXHUNT_HUGEPAGES"

// prepareHeap runs before every command but help, completion and
// --version; tuneMemory sets it. It costs a few milliseconds (mostly a
// garbage collection, which a command's own first one would have cost
// anyway).
var prepareHeap = func() {}

// isHelpCommand reports whether c only prints help or shell completions.
func isHelpCommand(c *cobra.Command) bool {
	for ; c != nil; c = c.Parent() {
		switch c.Name() {
		case "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			return true
		}
	}
	return false
}
