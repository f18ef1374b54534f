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
