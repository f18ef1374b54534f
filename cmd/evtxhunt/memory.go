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
// (or the user's GOMEMLIMIT) meanwhile. Loading rules allocates fast
// and keeps most of what it allocates while the heap is still small:
// the collector, paced for a heap of a few megabytes, ran four times
// while the built-in rules loaded and slowed the start of every command.
func pauseCollector() (resume func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	gc := debug.SetGCPercent(-1)
	limit := int64(-1)
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		limit = debug.SetMemoryLimit(min(debug.SetMemoryLimit(-1), ruleLoadMemoryLimit))
	}
	return func() {
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
		debug.SetGCPercent(gc)
	}
}

// ruleLoadMemoryLimit bounds the heap while the collector is paused.
// The built-in rules allocate about 18 MB as they load; every SigmaHQ
// Windows rule about 200 MB, keeping 50 MB.
const ruleLoadMemoryLimit = 128 << 20

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
