package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// MaxFindingLine bounds one line of findings JSONL: a finding with its
// whole context stays far below it (32 children and 2x5 timeline events
// of 32 KiB command lines, escaped, is under 10 MiB).
const MaxFindingLine = 64 << 20

// LineError is a defect of one line of findings JSONL.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ReadFindingsJSONL reads findings JSONL (scan -f jsonl) from r, named
// file in errors, calling fn with each finding in order; the finding is
// only valid during the call. A line that is not a finding as
// UnmarshalFinding accepts it (an empty line too) stops the reading with
// a *LineError; so does a line longer than MaxFindingLine. A final line
// may lack its newline, and a CR before a newline is ignored.
func ReadFindingsJSONL(r io.Reader, file string, fn func(f *findings.Finding) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var line []byte
	var f findings.Finding
	for n := 1; ; n++ {
		var err error
		line, err = readLine(br, line[:0])
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return &LineError{File: file, Line: n, Err: err}
		}
		if len(line) == 0 {
			return &LineError{File: file, Line: n, Err: errors.New("empty line")}
		}
		if err := UnmarshalFinding(line, &f); err != nil {
			return &LineError{File: file, Line: n, Err: err}
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
}

// maxLine is MaxFindingLine, lowered by tests.
var maxLine = MaxFindingLine

// readLine appends the next line of br to buf, without its "\n" or
// "\r\n". It returns io.EOF with the last line when it has no newline,
// and with nothing at the end.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		part, err := br.ReadSlice('\n')
		if len(buf)+len(part) > maxLine+2 {
			return buf, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		buf = append(buf, part...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil:
			return buf, err
		}
		buf = bytes.TrimSuffix(buf[:len(buf)-1], []byte{'\r'})
		return buf, nil
	}
}
