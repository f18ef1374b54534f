// Command evtxhunt is an offline Windows event-log (EVTX) forensic analyzer:
// it extracts process-creation events from Security and Sysmon logs, runs
// detection rules over them and reports findings with their context.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	// The decoders allocate briefly per record and keep little: collect
	// less often than the default unless the user set GOGC.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
