package findings

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// spool holds finished findings until the report is written, in bounded
// memory: findings are kept encoded, and when they pass the memory limit
// they are sorted and written to a temporary run file. Reading merges the
// runs and what is still in memory in report order (an external merge
// sort), so a report of any size needs one decoded finding per run.
type spool struct {
	order Order
	dir   string
	limit int

	// Encoded findings live in blocks of spoolBlock bytes (a larger one
	// for a finding that needs it), never in one growing buffer: growing
	// tens of MiB at a time made every growth a large allocation the
	// collector had to pay for in the middle of the scan.
	blocks  [][]byte
	cur     int    // the block being filled
	used    int    // bytes of findings in memory
	scratch []byte // one finding being encoded
	items   []spoolItem
	sorted  bool
	runs    []string
	count   int
}

type spoolItem struct {
	key             sortKey
	block, off, end int
}

// spoolBlock is the size of a block of encoded findings.
const spoolBlock = 1 << 20

func newSpool(order Order, dir string, limit int) *spool {
	return &spool{order: order, dir: dir, limit: limit}
}

// add encodes f into the spool, spilling a run when memory is full.
func (s *spool) add(f *Finding) error {
	s.scratch = appendFinding(s.scratch[:0], f)
	n := len(s.scratch)
	blk := s.room(n)
	off := len(*blk)
	*blk = append(*blk, s.scratch...)
	s.items = append(s.items, spoolItem{key: s.order.keyOf(f), block: s.cur, off: off, end: off + n})
	s.used += n
	s.sorted = false
	s.count++
	if s.used >= s.limit {
		return s.spill()
	}
	return nil
}

// room returns the first block from the current one with n bytes free,
// adding one when none has.
func (s *spool) room(n int) *[]byte {
	for ; s.cur < len(s.blocks); s.cur++ {
		if b := s.blocks[s.cur]; cap(b)-len(b) >= n {
			return &s.blocks[s.cur]
		}
	}
	s.blocks = append(s.blocks, make([]byte, 0, max(spoolBlock, n)))
	return &s.blocks[s.cur]
}

// bytesOf returns an item's encoded finding.
func (s *spool) bytesOf(it spoolItem) []byte { return s.blocks[it.block][it.off:it.end] }

func (s *spool) sortItems() {
	if !s.sorted {
		slices.SortFunc(s.items, func(a, b spoolItem) int { return compareKeys(&a.key, &b.key) })
		s.sorted = true
	}
}

// spill writes the findings in memory to a new sorted run file.
func (s *spool) spill() error {
	s.sortItems()
	f, err := os.CreateTemp(s.dir, "evtxhunt-findings-*.run")
	if err != nil {
		return fmt.Errorf("spilling findings: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	w := bufio.NewWriterSize(f, 256<<10)
	var lenBuf [binary.MaxVarintLen64]byte
	for _, it := range s.items {
		n := binary.PutUvarint(lenBuf[:], uint64(it.end-it.off))
		w.Write(lenBuf[:n])
		w.Write(s.bytesOf(it))
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spilling findings to %s: %w", f.Name(), err)
	}
	for i := range s.blocks {
		s.blocks[i] = s.blocks[i][:0]
	}
	s.cur, s.used, s.items = 0, 0, s.items[:0]
	return nil
}

// close removes the run files.
func (s *spool) close() error {
	var errs []error
	for _, r := range s.runs {
		if err := os.Remove(r); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	s.runs = nil
	s.blocks, s.items, s.scratch, s.cur, s.used = nil, nil, nil, 0, 0
	return errors.Join(errs...)
}

// cursor is one sorted source of findings in the merge.
type cursor struct {
	f    Finding
	key  sortKey
	next func(*cursor) (bool, error)
}

// each calls fn with every finding in order. It can be called again.
func (s *spool) each(fn func(*Finding) error) error {
	s.sortItems()
	var cursors []*cursor
	memPos := 0
	mem := &cursor{next: func(c *cursor) (bool, error) {
		if memPos == len(s.items) {
			return false, nil
		}
		it := s.items[memPos]
		memPos++
		f, err := decodeFinding(s.bytesOf(it))
		if err != nil {
			return false, fmt.Errorf("findings in memory, item %d: %w", memPos, err)
		}
		c.f, c.key = f, it.key
		return true, nil
	}}
	cursors = append(cursors, mem)
	for _, path := range s.runs {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("reading spilled findings: %w", err)
		}
		defer f.Close()
		cursors = append(cursors, s.runCursor(path, bufio.NewReaderSize(f, 256<<10)))
	}
	h := &mergeHeap{}
	for _, c := range cursors {
		ok, err := c.next(c)
		if err != nil {
			return err
		}
		if ok {
			h.list = append(h.list, c)
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		c := h.list[0]
		if err := fn(&c.f); err != nil {
			return err
		}
		ok, err := c.next(c)
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// runCursor reads the run file at path.
func (s *spool) runCursor(path string, r *bufio.Reader) *cursor {
	var item []byte
	offset := int64(0)
	return &cursor{next: func(c *cursor) (bool, error) {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil || n > 1<<30 {
			return false, fmt.Errorf("%s: offset %d: bad item length: %w", path, offset, errCorrupt)
		}
		item = slices.Grow(item[:0], int(n))[:n]
		if _, err := io.ReadFull(r, item); err != nil {
			return false, fmt.Errorf("%s: offset %d: %w", path, offset, err)
		}
		f, err := decodeFinding(item)
		if err != nil {
			return false, fmt.Errorf("%s: offset %d: %w", path, offset, err)
		}
		offset += int64(n) + int64(uvarintLen(n))
		c.f, c.key = f, s.order.keyOf(&f)
		return true, nil
	}}
}

func uvarintLen(n uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], n)
}

type mergeHeap struct{ list []*cursor }

func (h *mergeHeap) Len() int           { return len(h.list) }
func (h *mergeHeap) Less(i, j int) bool { return compareKeys(&h.list[i].key, &h.list[j].key) < 0 }
func (h *mergeHeap) Swap(i, j int)      { h.list[i], h.list[j] = h.list[j], h.list[i] }
func (h *mergeHeap) Push(x any)         { h.list = append(h.list, x.(*cursor)) }
func (h *mergeHeap) Pop() any {
	x := h.list[len(h.list)-1]
	h.list = h.list[:len(h.list)-1]
	return x
}
