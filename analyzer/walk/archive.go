package walk

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// maxEntries bounds the entries of one zip archive.
const maxEntries = 1 << 20

// Archive kinds, recognised by their first bytes.
const (
	zipMagic  = "PK\x03\x04"
	gzipMagic = "\x1f\x8b"
)

// archiveKind says whether a file with this name and first bytes is read
// as an archive ("zip", "gzip", or "" when not): a zip or gzip signature, and the matching extension
// unless the file was named on the command line (so office documents and
// other zip-based files found in folders are left alone).
func archiveKind(p string, head []byte, named bool) string {
	ext := strings.ToLower(filepath.Ext(p))
	switch {
	case strings.HasPrefix(string(head), zipMagic) && (named || ext == ".zip"):
		return "zip"
	case strings.HasPrefix(string(head), gzipMagic) && (named || ext == ".gz"):
		return "gzip"
	}
	return ""
}

// zipEntry is one EVTX file inside a zip archive, read in place: a stored
// entry straight from the archive, a deflated one decompressed on open.
type zipEntry struct {
	archive  string
	name     string // display name, archive!/path
	method   uint16
	offset   int64 // of the entry's data in the archive
	csize    uint64
	usize    uint64
	checksum uint32
}

// zipArchive adds the EVTX entries of a zip archive as inputs.
func (w *walker) zipArchive(p string, info fs.FileInfo) {
	f, err := os.Open(p)
	if err != nil {
		w.problem(p, describe(err), err)
		return
	}
	defer f.Close()
	zr, err := zip.NewReader(f, info.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are only shown
		w.problem(p, fmt.Sprintf("cannot read the zip archive: %v", err), err)
		return
	}
	if len(zr.File) > maxEntries {
		w.refuse(p, fmt.Sprintf("%d entries, more than the %d read from one archive", len(zr.File), maxEntries))
		return
	}
	var inputs []Input
	var spans [][2]int64
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		e := &zipEntry{archive: p, name: p + "!/" + strings.TrimPrefix(zf.Name, "/"), method: zf.Method,
			csize: zf.CompressedSize64, usize: zf.UncompressedSize64, checksum: zf.CRC32}
		if e.offset, err = zf.DataOffset(); err != nil {
			w.problem(e.name, fmt.Sprintf("cannot read the entry: %v", err), err)
			continue
		}
		spans = append(spans, [2]int64{e.offset, e.offset + int64(e.csize)})
		if reason := e.refusal(); reason != "" {
			w.refuse(e.name, reason)
			continue
		}
		if in, ok := w.zipInput(zf, e); ok {
			inputs = append(inputs, in)
		}
	}
	if overlapping(spans) {
		w.refuse(p, "entries share compressed data (an overlapping-entry zip bomb); no entry read")
		return
	}
	w.res.Inputs = append(w.res.Inputs, inputs...)
}

// refusal says why an entry is not read, or "".
func (e *zipEntry) refusal() string {
	switch {
	case e.usize > uint64(maxExpanded):
		return fmt.Sprintf("declared size %s exceeds the %s limit for an archive entry", sizeText(int64(e.usize)), sizeText(maxExpanded))
	case e.method == zip.Store && e.csize != e.usize:
		return "stored entry whose sizes differ"
	case e.method == zip.Deflate && e.usize > maxRatio*(e.csize+1):
		return fmt.Sprintf("declared expansion %d:1 is beyond what deflate produces (a zip bomb)", e.usize/max(e.csize, 1))
	}
	return ""
}

// zipInput checks the entry's signature and makes it an input.
func (w *walker) zipInput(zf *zip.File, e *zipEntry) (Input, bool) {
	why := ""
	switch {
	case zf.Flags&0x1 != 0:
		why = "encrypted entry; skipped"
	case e.method != zip.Store && e.method != zip.Deflate:
		why = fmt.Sprintf("compression method %d not supported; skipped", e.method)
	}
	if why != "" {
		if strings.EqualFold(path.Ext(zf.Name), ".evtx") {
			w.res.Notes = append(w.res.Notes, Note{Path: e.name, Reason: why})
		} else {
			w.res.Skipped++
		}
		return Input{}, false
	}
	var sig [len(evtxfile.FileSignature)]byte
	rc, err := zf.Open()
	if err == nil {
		_, err = io.ReadFull(rc, sig[:])
		rc.Close()
	}
	if err != nil || !evtxfile.HasSignature(sig[:]) {
		w.notEVTX(e.name, false)
		return Input{}, false
	}
	return Input{Name: e.name, Size: int64(e.usize), Open: e.open}, true
}

// open reads the entry: a stored one in place, a deflated one through a
// bounded spool, its checksum verified.
func (e *zipEntry) open() (Source, error) {
	f, err := os.Open(e.archive)
	if err != nil {
		return nil, err
	}
	if e.method == zip.Store {
		src := &sectionSource{SectionReader: io.NewSectionReader(f, e.offset, int64(e.usize)), file: f, name: e.name}
		crc := crc32.NewIEEE()
		if _, err := io.Copy(crc, io.NewSectionReader(f, e.offset, int64(e.usize))); err != nil {
			src.damage = fmt.Sprintf("archive entry unreadable: %v", err)
		} else if crc.Sum32() != e.checksum {
			src.damage = fmt.Sprintf("archive entry CRC32 mismatch: stored 0x%08x, computed 0x%08x", e.checksum, crc.Sum32())
		}
		return src, nil
	}
	defer f.Close()
	fr := flate.NewReader(io.NewSectionReader(f, e.offset, int64(e.csize)))
	defer fr.Close()
	crc := crc32.NewIEEE()
	var s spool
	err = s.fill(io.TeeReader(fr, crc), int64(e.usize))
	damage := ""
	switch {
	case errors.Is(err, ErrTooLarge):
		s.discard()
		return nil, fmt.Errorf("refused: the entry expands beyond its declared size of %s (a zip bomb)", sizeText(int64(e.usize)))
	case err != nil:
		damage = fmt.Sprintf("archive entry damaged: %v after %d of %d bytes", err, s.size, e.usize)
	case uint64(s.size) != e.usize:
		damage = fmt.Sprintf("archive entry holds %d bytes, %d declared", s.size, e.usize)
	case crc.Sum32() != e.checksum:
		damage = fmt.Sprintf("archive entry CRC32 mismatch: stored 0x%08x, computed 0x%08x", e.checksum, crc.Sum32())
	}
	return s.source(e.name, damage), nil
}

// overlapping reports whether any two data spans share bytes.
func overlapping(spans [][2]int64) bool {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	for i := 1; i < len(spans); i++ {
		if spans[i][0] < spans[i-1][1] {
			return true
		}
	}
	return false
}

// sectionSource is a stored archive entry read in place.
type sectionSource struct {
	*io.SectionReader
	file   *os.File
	name   string
	damage string
}

func (s *sectionSource) Name() string   { return s.name }
func (s *sectionSource) Damage() string { return s.damage }
func (s *sectionSource) Close() error   { return s.file.Close() }
