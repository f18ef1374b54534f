// Command evtxhunt is an offline Windows event-log (EVTX) forensic analyzer:
// it extracts process-creation events from Security and Sysmon logs, runs
// detection rules over them and reports findings with their context.
package main

import "os"

func main() {
	tuneMemory()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
