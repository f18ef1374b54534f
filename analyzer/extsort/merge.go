package extsort

import (
	"context"
	"errors"
	"fmt"
)

// checkEvery is how many items are handed over between two looks at the
// context.
const checkEvery = 1024

// Each calls fn with every item in order, then the Sorter is spent (Close
// it still). It stops at fn's first error, or when ctx is done, and
// returns that error. The pointers fn receives stay valid.
func (s *Sorter[T]) Each(ctx context.Context, fn func(*T) error) error {
	if s.err != nil {
		return s.err
	}
	if s.done {
		return errors.New("extsort: Each called twice")
	}
	s.done = true
	sortEntries(s.mem, s.compare, s.opts.Workers)
	if len(s.runs) == 0 {
		for i := range s.mem {
			if i%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := fn(s.mem[i].item); err != nil {
				return err
			}
		}
		return nil
	}
	for len(s.runs)+1 > s.opts.FanIn {
		if err := s.mergeTail(ctx, s.opts.FanIn); err != nil {
			return err
		}
	}
	srcs := make([]*source[T], 0, len(s.runs)+1)
	for i, r := range s.runs {
		srcs = append(srcs, &source[T]{order: i, rr: r.reader()})
	}
	srcs = append(srcs, &source[T]{order: len(s.runs), mem: s.mem})
	return s.merge(ctx, srcs, true, func(src *source[T]) error { return fn(src.item) })
}

// mergeTail merges the newest k runs into one.
func (s *Sorter[T]) mergeTail(ctx context.Context, k int) error {
	tail := s.runs[len(s.runs)-k:]
	gen := 0
	for _, r := range tail {
		gen = max(gen, r.gen+1)
	}
	out, err := s.newRun(gen)
	if err != nil {
		return err
	}
	srcs := make([]*source[T], len(tail))
	for i, r := range tail {
		srcs[i] = &source[T]{order: i, rr: r.reader()}
		out.spills += r.spills
	}
	out.spills-- // createRun counted one
	err = s.merge(ctx, srcs, false, func(src *source[T]) error {
		if err := out.write(src.raw); err != nil {
			return s.spillError(out, err)
		}
		return nil
	})
	if err == nil {
		if err = out.finish(); err != nil {
			err = s.spillError(out, err)
		}
	}
	if err != nil {
		return errors.Join(err, out.close())
	}
	var errs []error
	for _, r := range tail {
		errs = append(errs, r.close())
	}
	s.runs = append(s.runs[:len(s.runs)-k], out)
	s.spilled += out.size
	return errors.Join(errs...)
}

// source is one sorted input of a merge: a run, or the sorted items in
// memory.
type source[T any] struct {
	item  *T
	key   uint64 // Codec.Key of item
	raw   []byte // item's encoding, for a run
	order int    // rank in insertion order, which breaks ties
	rr    *runReader
	mem   []entry[T]
}

// advance moves src to its next item; ok is false at its end. Items read
// from a run are decoded into a new T when fresh, else into the same one.
func (s *Sorter[T]) advance(src *source[T], fresh bool) (ok bool, err error) {
	if src.rr == nil {
		if len(src.mem) == 0 {
			return false, nil
		}
		src.item, src.key, src.mem = src.mem[0].item, src.mem[0].key, src.mem[1:]
		return true, nil
	}
	if ok, err := src.rr.next(); !ok {
		return false, err
	}
	if fresh || src.item == nil {
		src.item = new(T)
	}
	if err := s.codec.Decode(src.rr.item, src.item); err != nil {
		return false, src.rr.damaged(fmt.Sprintf("%s do not decode", s.opts.What), err)
	}
	src.raw, src.key = src.rr.item, s.codec.Key(src.item)
	return true, nil
}

// merge hands the items of srcs to emit in order: a heap of the sources
// ordered by their current items.
func (s *Sorter[T]) merge(ctx context.Context, srcs []*source[T], fresh bool, emit func(*source[T]) error) error {
	h := mergeHeap[T]{less: func(a, b *source[T]) bool {
		if a.key != b.key {
			return a.key < b.key
		}
		if c := s.compare(a.item, b.item); c != 0 {
			return c < 0
		}
		return a.order < b.order
	}}
	for _, src := range srcs {
		ok, err := s.advance(src, fresh)
		if err != nil {
			return err
		}
		if ok {
			h.list = append(h.list, src)
		}
	}
	h.init()
	for n := 0; len(h.list) > 0; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		top := h.list[0]
		if err := emit(top); err != nil {
			return err
		}
		ok, err := s.advance(top, fresh)
		if err != nil {
			return err
		}
		if ok {
			h.down(0)
		} else {
			h.popRoot()
		}
	}
	return nil
}

// mergeHeap is a binary min-heap of sources.
type mergeHeap[T any] struct {
	list []*source[T]
	less func(a, b *source[T]) bool
}

func (h *mergeHeap[T]) init() {
	for i := len(h.list)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *mergeHeap[T]) popRoot() {
	last := len(h.list) - 1
	h.list[0] = h.list[last]
	h.list[last] = nil
	h.list = h.list[:last]
	if last > 0 {
		h.down(0)
	}
}

func (h *mergeHeap[T]) down(i int) {
	n := len(h.list)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h.less(h.list[r], h.list[l]) {
			j = r
		}
		if !h.less(h.list[j], h.list[i]) {
			return
		}
		h.list[i], h.list[j] = h.list[j], h.list[i]
		i = j
	}
}
