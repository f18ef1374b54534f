package main

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes, documented in the README and in the root command's help.
const (
	exitOK       = 0 // success, and no findings
	exitFindings = 1 // findings at or above --fail-level
	exitUsage    = 2 // bad command line, flag or rule/config file
	exitInput    = 3 // some input could not be read; the rest was processed
	// exitInterrupted is the shell's code for a process ended by SIGINT.
	exitInterrupted = 130 // interrupted (Ctrl-C): no report written
)

// Sentinel errors that commands return to select an exit code.
var (
	// errFindings: the run succeeded and reported findings.
	errFindings = errors.New("findings reported")
	// errInputProblems: the run completed but some input was unreadable
	// or damaged; the problems have been reported already.
	errInputProblems = errors.New("some input could not be read")
	// errInterrupted: the run was cancelled (Ctrl-C) before it completed;
	// what had been done is printed already and no report was written.
	errInterrupted = errors.New("interrupted")
)

// usageError marks an error caused by the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode maps the error a command returned to the process exit code, and
// prints it unless it is one of the quiet sentinels.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, errInputProblems):
		return exitInput
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "evtxhunt: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "evtxhunt: %v\n", err)
	return exitUsage
}
