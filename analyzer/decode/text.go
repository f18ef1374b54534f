package decode

import "unsafe"

// TextBlock is the size of a first Text block: a chunk's process events
// render to about 10 KiB of values on average.
const TextBlock = 16 << 10

// MaxReusedText bounds the capacity of a Text block worth handing to a
// later chunk: a chunk's values fill at most about that much. Larger
// blocks (a chunk of records whose templates repeat very long strings)
// are left to the garbage collector.
const MaxReusedText = 128 << 10

// maxBlockValue is the longest value kept in a Text block; longer ones
// (long command lines, rare) get storage of their own, so a block never
// wastes more than a quarter of itself and blocks stay within
// MaxReusedText.
const maxBlockValue = TextBlock / 4

// KeepText returns b as a string: one event's rendered values, to be
// sliced into its fields.
//
// A Result given a Text block (a non-nil Text, which Reset drops) keeps
// the copy in it and returns a string sharing that storage. A full block
// is replaced by a new one twice its size, never grown in place, so the
// strings already made keep the old block alive and unchanged, and a
// block handed to a later chunk soon fits a whole chunk's values (up to
// MaxReusedText). Values longer than maxBlockValue are not kept in a
// block. The storage may be reused once r's consumer is done with the
// chunk (pipeline.Options.ReuseEvents), so whoever keeps an event longer
// owns it first (event.Process.Own).
//
// A Result without a block gets a string of its own for every call, as a
// consumer that keeps events (a timeline sorting them) should: a kept
// event would otherwise hold its whole block alive.
func (r *Result) KeepText(b []byte) string {
	if r.Text == nil || len(b) == 0 || len(b) > maxBlockValue {
		return string(b)
	}
	if cap(r.Text)-len(r.Text) < len(b) {
		r.Text = make([]byte, 0, min(max(TextBlock, 2*cap(r.Text)), MaxReusedText))
	}
	start := len(r.Text)
	r.Text = append(r.Text, b...)
	return unsafe.String(&r.Text[start], len(b))
}
