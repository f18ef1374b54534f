package walk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits on what an archive entry or a .gz file may expand to.
const (
	// MaxExpandedSize is the largest archive entry or .gz content read.
	MaxExpandedSize = 4 << 30
	// maxRatio is beyond what deflate can produce (about 1032 to 1): a
	// larger expansion is a bomb built from overlapping or crafted data.
	maxRatio = 1100
	// memoryLimit: decompressed content up to this size stays in memory,
	// larger content goes to an unlinked temporary file (a spool the user
	// never sees, gone when the input is closed).
	memoryLimit = 4 << 20
)

// Limits in force; tests lower them.
var (
	maxExpanded int64 = MaxExpandedSize
)

// ErrTooLarge is returned (wrapped) when content expands beyond a limit.
var ErrTooLarge = errors.New("expands beyond the limit")

// spool holds decompressed content: in memory, then in an unlinked
// temporary file once it outgrows memoryLimit.
type spool struct {
	mem  []byte
	file *os.File
	size int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && len(s.mem)+len(p) <= memoryLimit {
		s.mem = append(s.mem, p...)
		s.size += int64(len(p))
		return len(p), nil
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "evtxhunt-spool-*")
		if err != nil {
			return 0, err
		}
		// Unlinked at once where the system allows it (elsewhere at Close).
		os.Remove(f.Name())
		s.file = f
		if _, err := f.Write(s.mem); err != nil {
			return 0, err
		}
		s.mem = nil
	}
	n, err := s.file.Write(p)
	s.size += int64(n)
	return n, err
}

// fill copies r into the spool, refusing content larger than limit.
func (s *spool) fill(r io.Reader, limit int64) error {
	n, err := io.Copy(s, io.LimitReader(r, limit+1))
	if n > limit {
		return fmt.Errorf("%w of %s", ErrTooLarge, sizeText(limit))
	}
	return err
}

// source turns the spool into a Source.
func (s *spool) source(name, damage string) Source {
	if s.file == nil {
		return &memSource{Reader: bytes.NewReader(s.mem), name: name, damage: damage}
	}
	return &spoolSource{file: s.file, name: name, size: s.size, damage: damage}
}

// discard releases the spool's file.
func (s *spool) discard() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}

// Damaged is implemented by sources whose content could be read only in
// part (a damaged or truncated archive entry); the reader reports it.
type Damaged interface {
	// Damage describes what was wrong, or is "" when nothing was.
	Damage() string
}

type memSource struct {
	*bytes.Reader
	name   string
	damage string
}

func (m *memSource) Name() string   { return m.name }
func (m *memSource) Close() error   { return nil }
func (m *memSource) Damage() string { return m.damage }

type spoolSource struct {
	file   *os.File
	name   string
	size   int64
	damage string
}

func (s *spoolSource) ReadAt(p []byte, off int64) (int, error) { return s.file.ReadAt(p, off) }
func (s *spoolSource) Name() string                            { return s.name }
func (s *spoolSource) Size() int64                             { return s.size }
func (s *spoolSource) Damage() string                          { return s.damage }
func (s *spoolSource) Close() error {
	err := s.file.Close()
	os.Remove(s.file.Name()) // already gone where unlinking open files works
	return err
}

// sizeText renders a byte count for messages.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
