// Command peakrss runs a command and reports its peak resident memory and
// wall time, for the benchmark scripts (/usr/bin/time -v is not
// everywhere):
//
//	peakrss [-o FILE] COMMAND [ARG...]
//
// It prints "peak_rss_kib=N wall_seconds=S exit=C" to stderr, or to FILE
// with -o, and exits with the command's exit code.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	var out io.Writer = os.Stderr
	if len(args) >= 2 && args[0] == "-o" {
		// The report file and the command come from the benchmark script's
		// own command line: running what it is given is the point.
		f, err := os.Create(args[1]) //nolint:gosec // see above
		if err != nil {
			fmt.Fprintln(os.Stderr, "peakrss:", err)
			return 2
		}
		defer f.Close()
		out, args = f, args[2:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: peakrss [-o FILE] COMMAND [ARG...]")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...) //nolint:gosec // see above
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		return 2
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	fmt.Fprintf(out, "peak_rss_kib=%d wall_seconds=%.3f exit=%d\n", rss, wall.Seconds(), code)
	return code
}
