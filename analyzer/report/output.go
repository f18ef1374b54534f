package report

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Output is a report destination. A regular file is written to a
// temporary file beside it and renamed into place by Commit, so a report
// appears whole or not at all; standard output and non-regular files
// (/dev/null, pipes) are written directly.
type Output struct {
	io.Writer
	file *os.File
	tmp  string // temporary path, renamed to final on Commit
	dest string
}

// OpenOutput opens path for writing; "" or "-" is stdout.
func OpenOutput(path string, stdout io.Writer) (*Output, error) {
	if path == "" || path == "-" {
		return &Output{Writer: stdout}, nil
	}
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &Output{Writer: f, file: f}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &Output{Writer: f, file: f, tmp: f.Name(), dest: path}, nil
}

// Commit finishes the output: closes it and moves a temporary file into
// place.
func (o *Output) Commit() error {
	if o.file == nil {
		return nil
	}
	err := o.file.Close()
	o.file = nil
	if o.tmp == "" {
		return err
	}
	if err != nil {
		os.Remove(o.tmp)
		return err
	}
	if err := os.Chmod(o.tmp, 0o644); err != nil {
		os.Remove(o.tmp)
		return err
	}
	return os.Rename(o.tmp, o.dest)
}

// Abort discards the output: a temporary file is removed, the destination
// is left untouched. Safe after Commit (it does nothing then).
func (o *Output) Abort() {
	if o.file == nil {
		return
	}
	o.file.Close()
	o.file = nil
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}

// FormatForPath guesses the format from an output file's extension;
// ok is false when the extension says nothing.
func FormatForPath(path string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, true
	case ".json":
		return JSON, true
	case ".jsonl", ".ndjson":
		return JSONL, true
	case ".html", ".htm":
		return Format("html"), true
	case ".txt":
		return Table, true
	}
	return "", false
}
