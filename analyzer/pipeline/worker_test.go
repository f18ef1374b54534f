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
// chunk counts.
func TestWatchdogAbandonsStuckChunk(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"),
		"EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1027-Obfuscated Files or Information/ID4688-Obfuscated payload transfer via service name - Tchopper.evtx")
	w := walk.Paths([]string{path})
	run := func(dec decode.Decoder, timeout time.Duration) *pipeline.Summary {
		sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
			Workers: 1, ChunkTimeout: timeout,
			NewDecoder: func() decode.Decoder { return dec },
		})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	whole := run(velocidex.Decoder{}, 0)
	dec := slowDecoder{stuck: 3, each: 250 * time.Millisecond, stuckOn: 3 * time.Second, done: make(chan struct{}, 1)}
	start := time.Now()
	sum := run(dec, 2*time.Second)
	<-dec.done
	if elapsed := time.Since(start); elapsed > 60*time.Second {
		t.Errorf("the run took %v with one stuck chunk", elapsed)
	}
	if len(sum.Problems) != 1 || sum.Problems[0].Chunk != 3 || !strings.Contains(sum.Problems[0].Reason, "did not finish") {
		t.Fatalf("problems %v, want one abandoned chunk 3", sum.Problems)
	}
	if want := whole.Records - 90; sum.Records != want { // chunk 3 holds 90 records
		t.Errorf("%d records read around the stuck chunk, want %d", sum.Records, want)
	}
}
