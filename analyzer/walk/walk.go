package walk

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Source is one opened input: random access to an EVTX file's bytes.
type Source interface {
	io.ReaderAt
	io.Closer
	Name() string // display path
	Size() int64
}

// Input is one EVTX input found by the walk, opened on demand.
type Input struct {
	Name string // display path
	Size int64
	Open func() (Source, error)
}

// Note is something the walk could not use; Err is set when the path could
// not be read (a problem), nil when it was simply not EVTX (a skip).
type Note struct {
	Path   string
	Reason string
	Err    error
}

func (n Note) String() string { return n.Path + ": " + n.Reason }

// Result is the outcome of a walk.
type Result struct {
	Inputs  []Input
	Notes   []Note
	Skipped int // files inside folders skipped silently as not EVTX (counted, not listed)
}

// Paths walks the given paths in order. Duplicate files (the same path
// named twice, or reached twice) are read once.
func Paths(paths []string) *Result {
	w := &walker{res: &Result{}, seen: map[string]bool{}}
	for _, p := range paths {
		w.path(p)
	}
	return w.res
}

type walker struct {
	res  *Result
	seen map[string]bool
}

func (w *walker) path(p string) {
	info, err := os.Stat(p)
	if err != nil {
		w.res.Notes = append(w.res.Notes, Note{Path: p, Reason: describe(err), Err: err})
		return
	}
	if !info.IsDir() {
		w.file(p, info, true)
		return
	}
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			w.res.Notes = append(w.res.Notes, Note{Path: path, Reason: describe(err), Err: err})
			if d != nil && d.IsDir() && path != p {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := os.Stat(path) // follows a link to a file
		if err != nil {
			w.res.Notes = append(w.res.Notes, Note{Path: path, Reason: describe(err), Err: err})
			return nil
		}
		if info.IsDir() {
			return nil // a link to a folder: not followed
		}
		w.file(path, info, false)
		return nil
	})
	if err != nil {
		w.res.Notes = append(w.res.Notes, Note{Path: p, Reason: describe(err), Err: err})
	}
}

// file checks one file's signature and adds it as an input. Named files
// that are not EVTX get a note; files found in folders get one only when
// their name says .evtx.
func (w *walker) file(path string, info fs.FileInfo, named bool) {
	key := path
	if abs, err := filepath.Abs(path); err == nil {
		key = abs
	}
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	if !info.Mode().IsRegular() {
		if named {
			w.res.Notes = append(w.res.Notes, Note{Path: path, Reason: "not a regular file; skipped"})
		} else {
			w.res.Skipped++
		}
		return
	}
	head, err := readHead(path)
	switch {
	case err != nil:
		w.res.Notes = append(w.res.Notes, Note{Path: path, Reason: describe(err), Err: err})
	case evtxfile.HasSignature(head):
		w.res.Inputs = append(w.res.Inputs, Input{Name: path, Size: info.Size(), Open: func() (Source, error) { return openFile(path) }})
	case archiveKind(path, head, named) == "zip":
		w.zipArchive(path, info)
	case archiveKind(path, head, named) == "gzip":
		w.gzipArchive(path, info, named)
	default:
		w.notEVTX(path, named)
	}
}

// notEVTX notes a file that is not EVTX: named files and files called
// .evtx get a note, others are counted.
func (w *walker) notEVTX(path string, named bool) {
	if named || strings.EqualFold(filepath.Ext(path), ".evtx") {
		w.res.Notes = append(w.res.Notes, Note{Path: path, Reason: "not an EVTX file (no ElfFile signature); skipped"})
		return
	}
	w.res.Skipped++
}

// problem notes a path that could not be read.
func (w *walker) problem(path, reason string, err error) {
	w.res.Notes = append(w.res.Notes, Note{Path: path, Reason: reason, Err: err})
}

// refuse notes an archive or entry that is not read because it is
// dangerous (a bomb) or beyond the limits.
func (w *walker) refuse(path, reason string) {
	w.problem(path, "refused: "+reason, ErrRefused)
}

// ErrRefused marks notes about archives or entries refused as bombs or
// for exceeding a limit.
var ErrRefused = errors.New("refused")

// readHead returns the first bytes of a file (fewer for a short file).
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, len(evtxfile.FileSignature))
	n, err := io.ReadFull(f, head)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return head[:n], err
}

// describe shortens an error about a path to its cause: the path is
// printed beside it already.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("cannot read: %v", pe.Err)
	}
	return fmt.Sprintf("cannot read: %v", err)
}

type fileSource struct {
	*os.File
	name string
	size int64
}

func (f *fileSource) Name() string { return f.name }
func (f *fileSource) Size() int64  { return f.size }

func openFile(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileSource{File: f, name: path, size: info.Size()}, nil
}
