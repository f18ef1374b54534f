// Command peakrss runs a command and reports its peak resident memory and
// wall time on stderr, for the benchmark scripts (/usr/bin/time -v is not
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
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	out := os.Stderr
	if len(args) >= 2 && args[0] == "-o" {
		f, err := os.Create(args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "peakrss:", err)
			os.Exit(2)
		}
		defer f.Close()
		out, args = f, args[2:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: peakrss [-o FILE] COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(args[0], args[1:]...)
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
		os.Exit(2)
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	fmt.Fprintf(out, "peak_rss_kib=%d wall_seconds=%.3f exit=%d\n", rss, wall.Seconds(), code)
	if out != os.Stderr {
		out.Close()
	}
	os.Exit(code)
}
