package extsort

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// A run file is a sequence of items, each a uvarint length then the
// item's encoding. It is private to one Sorter: written once, read back
// by the same process, and carries no header or version.

// Buffer sizes of run files: one writer at a time, one reader per run in
// a merge.
const (
	writeBuffer = 1 << 20
	readBuffer  = 128 << 10
)

// maxItem bounds one item's encoding, so a damaged length cannot drive an
// allocation.
const maxItem = 1 << 30

// openRunFile creates an anonymous temporary file in dir. It returns the
// file's name when the file could not be deleted at once (it is then
// deleted by Close), "" when it already has no name. Tests replace it.
var openRunFile = func(dir string) (*os.File, string, error) {
	f, err := os.CreateTemp(dir, "evtxhunt-sort-*.run")
	if err != nil {
		return nil, "", err
	}
	if os.Remove(f.Name()) == nil {
		return f, "", nil
	}
	return f, f.Name(), nil
}

// run is one sorted run file.
type run struct {
	file   *os.File
	name   string // still to be removed ("": deleted already)
	dir    string
	gen    int   // generation: 0 for a spill, g+1 for a merge of generation g
	spills int   // spills whose items it holds
	size   int64 // bytes written
	count  int   // items written
	w      *bufio.Writer
}

// createRun creates an empty run of generation gen, written through w
// (reset to it: runs are written one at a time).
func createRun(dir string, gen int, w *bufio.Writer) (*run, error) {
	f, name, err := openRunFile(dir)
	if err != nil {
		return nil, err
	}
	w.Reset(f)
	return &run{file: f, name: name, dir: dir, gen: gen, spills: 1, w: w}, nil
}

// write appends one encoded item.
func (r *run) write(item []byte) error {
	var lenBuf [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(lenBuf[:], uint64(len(item)))
	if _, err := r.w.Write(lenBuf[:n]); err != nil {
		return err
	}
	if _, err := r.w.Write(item); err != nil {
		return err
	}
	r.size += int64(n + len(item))
	r.count++
	return nil
}

// finish flushes what is buffered; the run can then be read.
func (r *run) finish() error {
	err := r.w.Flush()
	r.w.Reset(nil)
	r.w = nil
	return err
}

// close closes the file and removes it when it still has a name.
func (r *run) close() error {
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	if r.name != "" {
		if rerr := os.Remove(r.name); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	r.file = nil
	return err
}

// runReader reads the items of a finished run in order.
type runReader struct {
	r      *bufio.Reader
	run    *run
	item   []byte // the current item's encoding, reused
	offset int64  // of the next item
	left   int    // items still to read
}

func (r *run) reader() *runReader {
	size := int(min(r.size, readBuffer)) // small runs need no large buffer
	return &runReader{r: bufio.NewReaderSize(io.NewSectionReader(r.file, 0, r.size), size), run: r, left: r.count}
}

// next reads the next item's encoding; ok is false at the end of the run.
func (rr *runReader) next() (ok bool, err error) {
	if rr.left == 0 {
		return false, nil
	}
	n, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return false, rr.damaged("bad item length", err)
	}
	if n > maxItem {
		return false, rr.damaged(fmt.Sprintf("item length %d", n), errCorrupt)
	}
	rr.item = slices.Grow(rr.item[:0], int(n))[:n]
	if _, err := io.ReadFull(rr.r, rr.item); err != nil {
		return false, rr.damaged("truncated item", err)
	}
	rr.offset += int64(uvarintLen(n)) + int64(n)
	rr.left--
	return true, nil
}

// errCorrupt reports a run file that does not read back as it was
// written: the temporary file was damaged.
var errCorrupt = errors.New("corrupt temporary file")

// damaged names where a run file could not be read.
func (rr *runReader) damaged(what string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("reading back a temporary sort file in %s: offset %d: %s: %w", rr.run.dir, rr.offset, what, err)
}

func uvarintLen(n uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], n)
}
