package pipeline

import (
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// collector puts the items back in sequence and delivers them.
type collector struct {
	opts    Options
	sum     *Summary
	free    eventStorage
	tokens  <-chan struct{}
	pending map[int]*item
	next    int
	done    int64 // bytes done, for OnProgress
}

// collect runs on the caller's goroutine, which is also the first
// worker: it reads chunk jobs like the other workers, and delivers every
// result in sequence as soon as it can. The consumer's state (the
// scanner's history, tens of megabytes) then stays in the cache of the
// core this goroutine runs on, where a goroutine of its own, woken by
// whichever worker finished a chunk, ran on either core and took it
// along: that cost a scan a third more time in the consumer with two
// workers than with one. With one worker, no chunk changes goroutine.
func collect(jobs <-chan *span, results <-chan *item, tokens <-chan struct{}, opts Options, sum *Summary, free eventStorage) {
	c := &collector{opts: opts, sum: sum, free: free, tokens: tokens, pending: map[int]*item{}}
	reader := newWorker(&opts, free)
	for {
		// What the other workers finished first, then all in sequence.
		results = c.takeFinished(results)
		c.deliverReady()
		if jobs == nil && results == nil {
			return
		}
		select {
		case it, ok := <-results:
			if !ok {
				results = nil
				continue
			}
			c.pending[it.seq] = it
		case sp, ok := <-jobs:
			if !ok {
				jobs = nil
				continue
			}
			reader.readSpan(sp, func(it *item) { c.pending[it.seq] = it })
		}
	}
}

// takeFinished takes the results waiting, without blocking; it returns
// nil once results is closed.
func (c *collector) takeFinished(results <-chan *item) <-chan *item {
	for results != nil {
		select {
		case it, ok := <-results:
			if !ok {
				return nil
			}
			c.pending[it.seq] = it
		default:
			return results
		}
	}
	return nil
}

// deliverReady delivers the pending items that come next in sequence,
// each freeing its window token.
func (c *collector) deliverReady() {
	for {
		it, ok := c.pending[c.next]
		if !ok {
			return
		}
		delete(c.pending, c.next)
		c.next++
		c.deliver(it)
		if it.chunk >= 0 {
			c.free.put(&it.res)
		}
		<-c.tokens
	}
}

// deliver hands one item to the callbacks and counts it in the summary.
func (c *collector) deliver(it *item) {
	opts, sum := &c.opts, c.sum
	st := it.file.stats
	if it.chunk < 0 {
		st.Carved = opts.Carve
		sum.Files = append(sum.Files, st)
		sum.Bytes += st.Bytes
		c.done += min(st.Bytes, evtxfile.FileHeaderSize)
	} else {
		c.done += evtxfile.ChunkSize
		st.add(&it.res, it.empty)
	}
	sum.Problems = append(sum.Problems, it.res.Problems...)
	if opts.OnProblem != nil {
		for _, p := range it.res.Problems {
			opts.OnProblem(p)
		}
	}
	sum.Records += it.res.Records
	sum.Events += len(it.res.Events)
	sum.Fallbacks += it.res.Fallbacks
	if it.chunk < 0 {
		st.Problems += len(it.res.Problems)
	}
	if opts.OnChunk != nil && it.chunk >= 0 {
		opts.OnChunk(st, it.chunk, &it.res)
	}
	if opts.Carve && it.chunk >= 0 {
		it.file.recovered.add(it)
	}
	if it.chunk == st.slots-1 || (it.chunk < 0 && st.slots == 0) {
		if it.file.src != nil {
			it.file.src.Close()
		}
		if opts.Carve {
			c.deliverRecovered(it.file)
		}
		if opts.OnFile != nil {
			opts.OnFile(st)
		}
	}
	if opts.OnProgress != nil {
		opts.OnProgress(c.done)
	}
}

// deliverRecovered resolves a file's carved records once all its chunks
// are in and hands the ones kept to OnChunk.
func (c *collector) deliverRecovered(fs *fileState) {
	opts, sum := &c.opts, c.sum
	st := fs.stats
	_, st.StaleCopies = fs.recovered.resolve(func(chunk int, r *decode.Result) {
		st.countRecovered(r)
		sum.Recovered += r.Records
		sum.Events += len(r.Events)
		if opts.OnChunk != nil {
			opts.OnChunk(st, chunk, r)
		}
	})
}
