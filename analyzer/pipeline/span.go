package pipeline

import (
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// spanChunks is how many consecutive chunk slots of a file one job holds.
// A worker reads them with one call: a read's fixed cost (a system call,
// and the page cache's lookups) is much of what reading costs, and this
// machine's system calls are dear. scripts/faultcost read the 1 GiB grown
// log in 0.05-0.08 s 256 KiB at a time against 0.08-0.10 s 64 KiB at a
// time (0.04 s against 0.06-0.07 s with two threads), and in 0.12 s
// against 0.14-0.17 s as the grow tool had written it. A scan with
// two workers was 3-7% faster than with one chunk per job; two or eight
// chunks per job were slower than four.
const spanChunks = 4

// span is one job: up to spanChunks consecutive chunks of one file, in
// order, each its own item (its own result and place in the sequence).
type span struct {
	file  *fileState
	items []*item
}

// loaded is what the worker's buffer holds while it reads a span: count
// chunks from chunk first on, n bytes of them read; err is what the read
// returned. Its zero value holds nothing.
type loaded struct {
	first, count int
	n            int
	err          error
}

// readSpan reads the span's chunks with one read, then decodes and steps
// them one by one, handing each to done as soon as it is finished.
func (w *worker) readSpan(sp *span, done func(*item)) {
	w.load(sp.file.src, sp.items[0].chunk, len(sp.items)) // consecutive chunks
	for _, it := range sp.items {
		w.read(it)
		done(it)
	}
	w.dropLoaded()
}

// load reads count chunks of src from chunk first into the worker's
// buffer.
func (w *worker) load(src walk.Source, first, count int) {
	off := int64(evtxfile.FileHeaderSize) + int64(first)*evtxfile.ChunkSize
	n, err := src.ReadAt(w.buf[:count*evtxfile.ChunkSize], off)
	w.loaded = loaded{first: first, count: count, n: n, err: err}
}

// chunkBytes returns chunk index of src (the file of the span being read,
// if any): its ChunkSize bytes of the worker's buffer, how many of them
// were read and the read's error. A chunk the span's read did not hold
// whole (a read cut short, or a buffer given up to a stuck decoder since)
// is read again on its own, so that a failed read costs only the chunks
// it did not reach and each reports its own error; the short last chunk
// of a truncated file is read twice.
func (w *worker) chunkBytes(src walk.Source, index int) (data []byte, n int, err error) {
	l := &w.loaded
	lo := (index - l.first) * evtxfile.ChunkSize
	held := index >= l.first && index < l.first+l.count
	if !held || (l.count > 1 && l.n < lo+evtxfile.ChunkSize) {
		w.load(src, index, 1)
		lo = 0
	}
	n = min(max(l.n-lo, 0), evtxfile.ChunkSize)
	if n == evtxfile.ChunkSize {
		err = nil
	} else {
		err = l.err
	}
	return w.buf[lo : lo+evtxfile.ChunkSize : lo+evtxfile.ChunkSize], n, err
}

// dropLoaded forgets what the buffer held: the span is done, or the
// buffer was given up to a stuck decoder.
func (w *worker) dropLoaded() { w.loaded = loaded{} }
