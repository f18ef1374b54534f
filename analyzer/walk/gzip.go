package walk

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// gzipFile is an EVTX file compressed with gzip, decompressed on open.
type gzipFile struct {
	path  string
	name  string // display name, file.gz!/inner
	csize int64
}

// gzipArchive adds a gzip-compressed EVTX file as an input.
func (w *walker) gzipArchive(p string, info fs.FileInfo, named bool) {
	f, err := os.Open(p)
	if err != nil {
		w.problem(p, describe(err), err)
		return
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		w.problem(p, fmt.Sprintf("cannot read the gzip file: %v", err), err)
		return
	}
	inner := zr.Name
	if inner == "" || strings.ContainsAny(inner, `/\`) {
		inner = strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	}
	g := &gzipFile{path: p, name: p + "!/" + inner, csize: info.Size()}
	var sig [len(evtxfile.FileSignature)]byte
	if _, err := io.ReadFull(zr, sig[:]); err != nil || !evtxfile.HasSignature(sig[:]) {
		w.notEVTX(g.name, named)
		return
	}
	w.res.Inputs = append(w.res.Inputs, Input{Name: g.name, Size: sizeHint(f, info.Size()), Open: g.open})
}

// sizeHint reads the gzip trailer's size (modulo 2^32) of the last member.
func sizeHint(f *os.File, size int64) int64 {
	var b [4]byte
	if size < 4 {
		return 0
	}
	if _, err := f.ReadAt(b[:], size-4); err != nil {
		return 0
	}
	return int64(binary.LittleEndian.Uint32(b[:]))
}

// open decompresses the file through a bounded spool.
func (g *gzipFile) open() (Source, error) {
	f, err := os.Open(g.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	limit := min(maxExpanded, maxRatio*(g.csize+1))
	var s spool
	err = s.fill(zr, limit)
	damage := ""
	switch {
	case errors.Is(err, ErrTooLarge):
		s.discard()
		return nil, fmt.Errorf("refused: expands beyond %s (a gzip bomb or an oversized file)", sizeText(limit))
	case err != nil:
		damage = fmt.Sprintf("gzip content damaged: %v after %d bytes", err, s.size)
	}
	return s.source(g.name, damage), nil
}
