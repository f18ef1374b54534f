package pipeline_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// slowDecoder takes its time on every chunk and far longer on one, like
// a decoder caught by a hostile chunk; it then finishes and writes its
// result while the worker that abandoned it reads the next chunks (which
// -race checks share nothing with it).
type slowDecoder struct {
	stuck         int
	each, stuckOn time.Duration
	done          chan struct{}
}

func (d slowDecoder) Name() string { return "slow" }

func (d slowDecoder) Decode(c *decode.Chunk, r *decode.Result) {
	if c.Index == d.stuck {
		time.Sleep(d.stuckOn)
		velocidex.Decoder{}.Decode(c, r)
		d.done <- struct{}{}
		return
	}
	time.Sleep(d.each)
	velocidex.Decoder{}.Decode(c, r)
}

// TestWatchdogAbandonsStuckChunk: a chunk whose decoder does not return
// in time is reported and abandoned; the run goes on and every other
// chunk counts, those after it in its span too (the span's buffer went
// to the stuck decoder, so they are read again).
func TestWatchdogAbandonsStuckChunk(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"),
		"EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1027-Obfuscated Files or Information/ID4688-Obfuscated payload transfer via service name - Tchopper.evtx")
	w := walk.Paths([]string{path})
	run := func(dec decode.Decoder, timeout time.Duration) (*pipeline.Summary, map[int]int) {
		perChunk := map[int]int{}
		sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
			Workers: 1, ChunkTimeout: timeout,
			NewDecoder: func() decode.Decoder { return dec },
			OnChunk: func(_ *pipeline.FileStats, chunk int, r *decode.Result) {
				perChunk[chunk] = r.Records
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return sum, perChunk
	}
	whole, wholeChunks := run(velocidex.Decoder{}, 0)
	for _, tc := range []struct {
		stuck         int
		each, stuckOn time.Duration
		timeout       time.Duration
	}{
		{stuck: 3, each: 250 * time.Millisecond, stuckOn: 3 * time.Second, timeout: 2 * time.Second}, // last of its span
		{stuck: 5, each: 20 * time.Millisecond, stuckOn: 2 * time.Second, timeout: time.Second},      // inside one
	} {
		dec := slowDecoder{stuck: tc.stuck, each: tc.each, stuckOn: tc.stuckOn, done: make(chan struct{}, 1)}
		start := time.Now()
		sum, perChunk := run(dec, tc.timeout)
		<-dec.done
		if elapsed := time.Since(start); elapsed > 60*time.Second {
			t.Errorf("stuck chunk %d: the run took %v", tc.stuck, elapsed)
		}
		if len(sum.Problems) != 1 || sum.Problems[0].Chunk != tc.stuck || !strings.Contains(sum.Problems[0].Reason, "did not finish") {
			t.Fatalf("problems %v, want one abandoned chunk %d", sum.Problems, tc.stuck)
		}
		if wholeChunks[tc.stuck] == 0 {
			t.Fatalf("chunk %d holds no records; the test needs one that does", tc.stuck)
		}
		if want := whole.Records - wholeChunks[tc.stuck]; sum.Records != want {
			t.Errorf("stuck chunk %d: %d records read around it, want %d", tc.stuck, sum.Records, want)
		}
		for chunk, n := range wholeChunks {
			if chunk != tc.stuck && perChunk[chunk] != n {
				t.Errorf("stuck chunk %d: chunk %d gave %d records, want %d", tc.stuck, chunk, perChunk[chunk], n)
			}
		}
	}
}
