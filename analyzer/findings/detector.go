package findings

import (
	"sort"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Detector runs, in the reading pipeline's workers, the part of the
// detections that depends on each event alone (detections.Set.Detect
// and DetectEvent), so that rule matching uses every core; the Scanner,
// which sees the events in input order, then only completes what needs
// its history (ScanDetected, ScanEventDetected). The findings are the
// same as those of Scan and ScanEvent on one goroutine. Each worker keeps
// a detections.Memo, so a process event equal to an earlier one of its
// worker in every value the rules read is not matched again.
//
// Give NewWorkerStep to pipeline.Options.NewWorkerStep and read each
// chunk's hits with Hits in OnChunk.
type Detector struct {
	set *detections.Set
	// Which events to detect on: the scanner's filters (nil: every one).
	// They must be pure: they run in several goroutines.
	process func(*event.Process) bool
	event   func(*event.Event) bool
	own     detectorScratch // for Hits' chunks that no worker saw
}

// detectorScratch is one goroutine's matching buffers and memo.
type detectorScratch struct {
	hits    []detections.Hit
	scratch []*sigma.Rule
	memo    *detections.Memo
}

// NewDetector returns a detector over set. process and event pick the
// events to detect on (nil: all); the others get no hits.
func NewDetector(set *detections.Set, process func(*event.Process) bool, event func(*event.Event) bool) *Detector {
	return &Detector{set: set, process: process, event: event}
}

// ChunkHits are the hits of one chunk's events, indexed like its
// decode.Result's Events and Selected.
type ChunkHits struct {
	hits    []detections.Hit
	process []hitSpan // events with hits, by index
	general []hitSpan
}

// hitSpan locates the hits of one event in ChunkHits.hits.
type hitSpan struct{ event, from, to int32 }

// Process returns the hits of r.Events[i] (nil: none).
func (c *ChunkHits) Process(i int) []detections.Hit { return c.of(c.process, i) }

// Event returns the hits of r.Selected[i] (nil: none).
func (c *ChunkHits) Event(i int) []detections.Hit { return c.of(c.general, i) }

func (c *ChunkHits) of(spans []hitSpan, i int) []detections.Hit {
	k := sort.Search(len(spans), func(k int) bool { return int(spans[k].event) >= i })
	if k == len(spans) || int(spans[k].event) != i {
		return nil
	}
	s := spans[k]
	return c.hits[s.from:s.to:s.to]
}

// NewWorkerStep returns one worker's detection step: it leaves the hits
// of each chunk's events in r.Annotation.
func (d *Detector) NewWorkerStep() func(r *decode.Result) {
	var ds detectorScratch
	return func(r *decode.Result) { r.Annotation = d.detect(r, &ds) }
}

// Hits returns the hits of r's events: those the worker step left, or,
// for a chunk no worker step saw (records recovered by carving), computed
// now. Call it from the one goroutine that consumes the chunks.
func (d *Detector) Hits(r *decode.Result) *ChunkHits {
	if c, ok := r.Annotation.(*ChunkHits); ok {
		return c
	}
	return d.detect(r, &d.own)
}

// detect computes a chunk's hits. The chunk's hits get a slice of their
// own, since they outlive the worker's next chunk.
func (d *Detector) detect(r *decode.Result, ds *detectorScratch) *ChunkHits {
	c := &ChunkHits{}
	if ds.memo == nil {
		ds.memo = d.set.NewMemo()
	}
	for i := range r.Events {
		p := &r.Events[i]
		if d.process != nil && !d.process(p) {
			continue
		}
		ds.hits, ds.scratch = ds.memo.Detect(p, ds.hits[:0], ds.scratch)
		c.add(&c.process, i, ds.hits)
	}
	for i := range r.Selected {
		e := &r.Selected[i]
		if d.event != nil && !d.event(e) {
			continue
		}
		ds.hits, ds.scratch = d.set.DetectEvent(e, ds.hits[:0], ds.scratch)
		c.add(&c.general, i, ds.hits)
	}
	return c
}

func (c *ChunkHits) add(spans *[]hitSpan, i int, hits []detections.Hit) {
	if len(hits) == 0 {
		return
	}
	from := len(c.hits)
	c.hits = append(c.hits, hits...)
	*spans = append(*spans, hitSpan{event: int32(i), from: int32(from), to: int32(len(c.hits))})
}
