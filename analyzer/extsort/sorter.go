package extsort

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
)

// Defaults of Options.
const (
	// DefaultMemory is the default budget of items held in memory.
	DefaultMemory = 128 << 20
	// DefaultFanIn is the default number of runs merged at once.
	DefaultFanIn = 64
)

// Options tune a Sorter.
type Options struct {
	// Memory is the budget, in bytes as Codec.Size counts them, of the
	// items held in memory; past it they are spilled to a run file (0:
	// DefaultMemory).
	Memory int64
	// TempDir is where run files are created ("": os.TempDir(), which
	// follows TMPDIR).
	TempDir string
	// Workers is the number of goroutines that sort in memory (0 or 1:
	// one).
	Workers int
	// FanIn is the most runs merged at once (0: DefaultFanIn; at least 2).
	FanIn int
	// What names the items in error messages ("": "items").
	What string
}

// entry is an item in memory with its key (Codec.Key) and its insertion
// number, which breaks ties so that any sorting algorithm gives the
// stable order.
type entry[T any] struct {
	key  uint64
	item *T
	seq  uint64
}

// Sorter sorts the items added to it in bounded memory; see the package
// documentation. It is used by one goroutine; Close releases its files.
type Sorter[T any] struct {
	codec   Codec[T]
	compare func(a, b *T) int
	opts    Options

	mem      []entry[T]
	memBytes int64
	seq      uint64
	runs     []*run        // oldest first: each holds items added after the previous one's
	spilled  int64         // bytes written to run files, intermediate merges included
	buf      []byte        // encoding buffer
	w        *bufio.Writer // the writer of the run being written
	done     bool          // Each has been called
	err      error         // the first spill error, returned by every later call
}

// New returns a Sorter that orders items by compare (negative when a
// sorts before b), then by the order they were added.
func New[T any](codec Codec[T], compare func(a, b *T) int, opts Options) *Sorter[T] {
	if opts.Memory <= 0 {
		opts.Memory = DefaultMemory
	}
	if opts.FanIn <= 0 {
		opts.FanIn = DefaultFanIn
	}
	opts.FanIn = max(opts.FanIn, 2)
	opts.Workers = max(opts.Workers, 1)
	if opts.What == "" {
		opts.What = "items"
	}
	return &Sorter[T]{codec: codec, compare: compare, opts: opts}
}

// entrySize is what one entry adds to the memory count besides its item.
const entrySize = 24

// Add takes item into the sorter, which keeps the pointer: the item must
// not change afterwards. When the budget is reached, the items in memory
// are written to a run file; an error doing so is returned, and by every
// later call.
func (s *Sorter[T]) Add(item *T) error {
	if s.err != nil {
		return s.err
	}
	if s.done {
		return errors.New("extsort: Add after Each")
	}
	s.mem = append(s.mem, entry[T]{key: s.codec.Key(item), item: item, seq: s.seq})
	s.seq++
	s.memBytes += int64(s.codec.Size(item)) + entrySize
	if s.memBytes < s.opts.Memory {
		return nil
	}
	if err := s.spill(); err != nil {
		s.err = err
		return err
	}
	return nil
}

// Stats describes the work beyond memory: the runs written, the runs
// still held, and the bytes written to run files (intermediate merges
// included).
type Stats struct {
	Spills int
	Runs   int
	Bytes  int64
}

// Stats returns what the sorter has written to disk so far.
func (s *Sorter[T]) Stats() Stats {
	spills := 0
	for _, r := range s.runs {
		spills += r.spills
	}
	return Stats{Spills: spills, Runs: len(s.runs), Bytes: s.spilled}
}

// spill sorts the items in memory and writes them to a new run, then
// merges the newest runs while FanIn of them share a generation.
func (s *Sorter[T]) spill() error {
	sortEntries(s.mem, s.compare, s.opts.Workers)
	r, err := s.newRun(0)
	if err != nil {
		return err
	}
	s.runs = append(s.runs, r)
	for i := range s.mem {
		if err := s.writeItem(r, s.mem[i].item); err != nil {
			return err
		}
	}
	if err := r.finish(); err != nil {
		return s.spillError(r, err)
	}
	s.spilled += r.size
	clear(s.mem) // drop the pointers so the items can be freed
	s.mem, s.memBytes = s.mem[:0], 0
	for s.tailGeneration() >= s.opts.FanIn {
		if err := s.mergeTail(context.Background(), s.opts.FanIn); err != nil {
			return err
		}
	}
	return nil
}

// tailGeneration counts the newest runs of the newest run's generation.
func (s *Sorter[T]) tailGeneration() int {
	n := 0
	for i := len(s.runs) - 1; i >= 0 && s.runs[i].gen == s.runs[len(s.runs)-1].gen; i-- {
		n++
	}
	return n
}

// writeItem encodes item into run r.
func (s *Sorter[T]) writeItem(r *run, item *T) error {
	var err error
	s.buf, err = s.codec.Append(s.buf[:0], item)
	if err != nil {
		return fmt.Errorf("encoding %s for a temporary file: %w", s.opts.What, err)
	}
	if err := r.write(s.buf); err != nil {
		return s.spillError(r, err)
	}
	return nil
}

// spillError names what could not be written, and where.
func (s *Sorter[T]) spillError(r *run, err error) error {
	return fmt.Errorf("writing sorted %s to a temporary file in %s: %w (set TMPDIR to a folder with more room)",
		s.opts.What, r.dir, err)
}

// newRun creates an empty run file of generation gen.
func (s *Sorter[T]) newRun(gen int) (*run, error) {
	dir := s.opts.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	if s.w == nil {
		s.w = bufio.NewWriterSize(nil, writeBuffer)
	}
	r, err := createRun(dir, gen, s.w)
	if err != nil {
		return nil, fmt.Errorf("creating a temporary file for sorted %s in %s: %w (set TMPDIR to another folder)", s.opts.What, dir, err)
	}
	return r, nil
}

// Close removes the run files and drops the items. It can be called more
// than once; the Sorter cannot be used afterwards.
func (s *Sorter[T]) Close() error {
	errs := make([]error, 0, len(s.runs))
	for _, r := range s.runs {
		errs = append(errs, r.close())
	}
	s.runs, s.mem, s.buf, s.w = nil, nil, nil, nil
	s.done = true
	if s.err == nil {
		s.err = errors.New("extsort: sorter closed")
	}
	return errors.Join(errs...)
}
