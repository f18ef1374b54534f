package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// Options configure a run.
type Options struct {
	// Workers is the number of chunk workers; 0 means one per CPU.
	Workers int
	// NewDecoder makes the decoder of one worker.
	NewDecoder func() decode.Decoder
	// OnChunk receives each chunk's result, in input order, from one
	// goroutine. Every chunk gets a result of its own, never reused: the
	// callee may keep its Events (and pointers into them), unless
	// ReuseEvents is set.
	OnChunk func(f *FileStats, chunk int, r *decode.Result)
	// ReuseEvents promises that OnChunk keeps nothing of a chunk's
	// events once it returns: not the Events and Selected slices, not
	// pointers into them, and not the events' payload values, which may
	// share the result's Text (copies of events it keeps are owned first,
	// event.Process.Own and event.Event.Own; values it keeps are copied).
	// The pipeline then decodes a later chunk into the same slices and
	// Text. Records recovered by carving are never reused. Under go test
	// the Text handed back is overwritten first, so a consumer that
	// breaks the promise fails its tests.
	ReuseEvents bool
	// OnFile is called once per input after its last chunk, in order.
	OnFile func(f *FileStats)
	// OnProblem receives every problem (file-level and per chunk), in
	// input order, before the OnChunk call of its chunk.
	OnProblem func(p decode.Problem)
	// OnProgress, if set, is called from the collecting goroutine with the
	// bytes done so far.
	OnProgress func(bytesDone int64)
	// NewWorkerStep, if set, is called once per worker; the step it
	// returns runs in that worker's goroutine on each chunk's result once
	// decoded (so it may keep scratch state of its own), before the
	// result is queued for OnChunk. It hands what it computes to OnChunk
	// in Result.Annotation. Records recovered by carving reach OnChunk
	// without passing through a step (Annotation nil).
	NewWorkerStep func() func(r *decode.Result)
	// Want selects the records, beyond process creations, that decoders
	// decode in full into Result.Selected (nil: none).
	Want *event.Selection
	// Carve also recovers records from chunk slack, from the part of a
	// damaged chunk its record chain does not reach and from chunk slots
	// without a chunk header (see package carve). Recovered records that
	// are copies of an allocated record of the same file are dropped; the
	// others reach OnChunk after the file's last chunk, one call per chunk
	// that held any, with Records counting them and their events (Events,
	// and Selected for those Want selects) flagged Recovered. They count
	// in FileStats.Recovered, not in Records.
	Carve bool
	// ChunkTimeout is the time a decoder may spend on one chunk before
	// the chunk is reported as a problem and abandoned (its decoder keeps
	// running aside until it returns; the worker goes on with a fresh
	// buffer and decoder). 0 means DefaultChunkTimeout; negative, no limit.
	ChunkTimeout time.Duration
}

// windowOf is the number of chunks (items) that may be in flight, read or
// not yet delivered, with the given number of workers: four spans each.
// Two each left the workers idle now and then (5% slower with two
// workers); eight gained nothing.
func windowOf(workers int) int { return 4 * spanChunks * workers }

// item is one unit of ordered output: a file's header (chunk -1) or one
// chunk.
type item struct {
	seq   int
	file  *fileState
	chunk int
	empty bool
	res   decode.Result

	keys   []carve.Key       // with carving: the chunk's allocated records
	carved []carve.Recovered // with carving: what its slack held
}

type fileState struct {
	stats     *FileStats
	src       walk.Source
	recovered recoveredSet // with carving
}

// Run reads every input and delivers results through opts' callbacks. It
// returns the run's summary; the error is non-nil only when ctx was
// cancelled (the summary then covers what was read).
func Run(ctx context.Context, inputs []walk.Input, opts Options) (*Summary, error) {
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := windowOf(workers)
	tokens := make(chan struct{}, window)
	jobs := make(chan *span)
	results := make(chan *item, window)
	free := newEventStorage(&opts, window+workers)

	// The caller's goroutine is the first worker and the collector
	// (collect); the others only read.
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(&opts, free)
			for sp := range jobs {
				w.readSpan(sp, func(it *item) { results <- it })
			}
		}()
	}
	go func() {
		dispatch(ctx, inputs, tokens, jobs, results)
		close(jobs)
		wg.Wait()
		close(results)
	}()

	sum := &Summary{}
	collect(jobs, results, tokens, opts, sum, free)
	sum.Elapsed = time.Since(start)
	return sum, ctx.Err()
}

// dispatch opens the inputs in order and queues their header items (sent
// straight to results) and their chunks, spanChunks to a job, each chunk
// taking one window token.
func dispatch(ctx context.Context, inputs []walk.Input, tokens chan struct{}, jobs chan<- *span, results chan<- *item) {
	seq := 0
	take := func(it *item) bool {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		it.seq = seq
		seq++
		return true
	}
	for _, in := range inputs {
		fs := &fileState{stats: &FileStats{Path: in.Name, Bytes: in.Size}}
		head := &item{file: fs, chunk: -1}
		fs.src, fs.stats.slots = openInput(in, fs.stats, &head.res)
		if !take(head) {
			return
		}
		results <- head
		for first := 0; first < fs.stats.slots; first += spanChunks {
			sp := &span{file: fs}
			for i := first; i < min(first+spanChunks, fs.stats.slots); i++ {
				it := &item{file: fs, chunk: i}
				if !take(it) {
					return
				}
				sp.items = append(sp.items, it)
			}
			jobs <- sp
		}
	}
}

// openInput opens one input and reads its file header, returning the
// source and the number of chunk slots to read (0 when it cannot be read).
func openInput(in walk.Input, st *FileStats, r *decode.Result) (walk.Source, int) {
	src, err := in.Open()
	if err != nil {
		r.Problems = append(r.Problems, decode.Problem{File: in.Name, Chunk: -1, Offset: -1, Reason: fmt.Sprintf("cannot open: %v", err)})
		return nil, 0
	}
	st.Bytes = src.Size()
	if d, ok := src.(walk.Damaged); ok && d.Damage() != "" {
		r.Problems = append(r.Problems, decode.Problem{File: in.Name, Chunk: -1, Offset: -1, Reason: d.Damage()})
	}
	head := make([]byte, 128)
	n, _ := src.ReadAt(head, 0)
	h, err := evtxfile.ParseFileHeader(head[:n])
	if err != nil {
		r.Problems = append(r.Problems, decode.Problem{File: in.Name, Chunk: -1, Offset: 0, Reason: fmt.Sprintf("file header: %v", err)})
	} else {
		st.HeaderChunks = int(h.ChunkCount)
		st.Dirty = h.Flags&evtxfile.FlagDirty != 0
		if !h.ChecksumOK {
			r.Problems = append(r.Problems, decode.Problem{File: in.Name, Chunk: -1, Offset: 124, Reason: fmt.Sprintf("file header checksum mismatch (stored 0x%08x)", h.Checksum)})
		}
	}
	// Every chunk present counts, whatever the header's chunk count says;
	// a partial last chunk is read and reported as truncated.
	slots := 0
	if size := src.Size(); size > evtxfile.FileHeaderSize {
		slots = int((size - evtxfile.FileHeaderSize + evtxfile.ChunkSize - 1) / evtxfile.ChunkSize)
	}
	if slots == 0 {
		r.Problems = append(r.Problems, decode.Problem{File: in.Name, Chunk: -1, Offset: -1, Reason: fmt.Sprintf("no chunks: file is %d bytes", src.Size())})
		src.Close()
		return nil, 0
	}
	return src, slots
}
