package synth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Output is a file being written that appears at its path whole or not at
// all. For a regular file (or a path that does not exist yet) the data go
// to a temporary file in the same folder, renamed over the path by
// Commit. Anything else (standard output, a pipe, a device) cannot be
// renamed onto, nor written at offsets: the data go to a temporary file in
// the system's temporary folder, copied to the destination by Commit.
type Output struct {
	path  string
	tmp   *os.File
	spool bool      // copy to the destination at Commit instead of renaming
	dest  io.Writer // the destination of "-"
	done  bool
}

// Create starts writing the file at path; "-" writes to stdout.
func Create(path string, stdout io.Writer) (*Output, error) {
	if path == "-" {
		tmp, err := os.CreateTemp("", "evtxhunt-synth-*.evtx")
		if err != nil {
			return nil, err
		}
		return &Output{path: path, tmp: tmp, spool: true, dest: stdout}, nil
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%s is a folder", path)
	case err == nil && !fi.Mode().IsRegular():
		tmp, err := os.CreateTemp("", "evtxhunt-synth-*.evtx")
		if err != nil {
			return nil, err
		}
		return &Output{path: path, tmp: tmp, spool: true}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &Output{path: path, tmp: tmp}, nil
}

// WriteAt implements io.WriterAt.
func (o *Output) WriteAt(p []byte, off int64) (int, error) { return o.tmp.WriteAt(p, off) }

// Commit puts the written file in place.
func (o *Output) Commit() error {
	if o.done {
		return errors.New("output already committed or aborted")
	}
	o.done = true
	name := o.tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	if !o.spool {
		if err := o.tmp.Chmod(0o644); err != nil {
			o.tmp.Close()
			return err
		}
		if err := o.tmp.Sync(); err != nil {
			o.tmp.Close()
			return err
		}
		if err := o.tmp.Close(); err != nil {
			return err
		}
		return os.Rename(name, o.path)
	}
	defer o.tmp.Close()
	if _, err := o.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dest := o.dest
	if dest == nil {
		f, err := os.OpenFile(o.path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		dest = f
	}
	if _, err := io.Copy(dest, o.tmp); err != nil {
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	return nil
}

// Abort discards what was written; the destination is left untouched.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	o.tmp.Close()
	os.Remove(o.tmp.Name())
}
