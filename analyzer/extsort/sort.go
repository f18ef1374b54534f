package extsort

import (
	"cmp"
	"slices"
	"sync"
)

// parallelFrom is the fewest items per goroutine worth sorting in
// parallel.
const parallelFrom = 1 << 15

// sortEntries sorts entries by key, then compare, then insertion number
// (so the order is the stable one, whatever the algorithm): with several
// workers,
// parts are sorted in parallel, then merged pairwise, each round's merges
// in parallel too.
func sortEntries[T any](entries []entry[T], compare func(a, b *T) int, workers int) {
	order := func(a, b entry[T]) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		if c := compare(a.item, b.item); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	}
	parts := min(workers, len(entries)/parallelFrom)
	if parts < 2 {
		slices.SortFunc(entries, order)
		return
	}
	bounds := make([]int, parts+1)
	for i := range bounds {
		bounds[i] = i * len(entries) / parts
	}
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { slices.SortFunc(entries[bounds[i]:bounds[i+1]], order) })
	}
	wg.Wait()
	src, dst := entries, make([]entry[T], len(entries))
	for len(bounds) > 2 {
		merged := []int{0}
		for i := 0; i+1 < len(bounds); i += 2 {
			lo, mid := bounds[i], bounds[i+1]
			if i+2 == len(bounds) { // an odd part out: carried over
				copy(dst[lo:mid], src[lo:mid])
				merged = append(merged, mid)
				break
			}
			hi := bounds[i+2]
			wg.Go(func() { mergeEntries(dst[lo:hi], src[lo:mid], src[mid:hi], order) })
			merged = append(merged, hi)
		}
		wg.Wait()
		src, dst, bounds = dst, src, merged
	}
	if &src[0] != &entries[0] {
		copy(entries, src)
	}
}

// mergeEntries merges the sorted a and b into dst, taking a's entry first
// on a tie (a holds the earlier part).
func mergeEntries[T any](dst, a, b []entry[T], order func(a, b entry[T]) int) {
	k := 0
	for len(a) > 0 && len(b) > 0 {
		if order(b[0], a[0]) < 0 {
			dst[k], b = b[0], b[1:]
		} else {
			dst[k], a = a[0], a[1:]
		}
		k++
	}
	k += copy(dst[k:], a)
	copy(dst[k:], b)
}
