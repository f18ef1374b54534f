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

// stuckDecoder hangs on one chunk until released, like a decoder caught
// in a loop by a hostile chunk, and decodes the others normally.
type stuckDecoder struct {
	stuck   int
	release chan struct{}
}

func (d stuckDecoder) Name() string { return "stuck" }

func (d stuckDecoder) Decode(c *decode.Chunk, r *decode.Result) {
	if c.Index == d.stuck {
		<-d.release
	}
	velocidex.Decoder{}.Decode(c, r)
}

// TestWatchdogAbandonsStuckChunk: a chunk whose decoder does not return
// is reported and abandoned; the run ends and every other chunk counts.
func TestWatchdogAbandonsStuckChunk(t *testing.T) {
	path := filepath.Join(testshared.Dir(t, "corpus", "evtx"),
		"EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1027-Obfuscated Files or Information/ID4688-Obfuscated payload transfer via service name - Tchopper.evtx")
	w := walk.Paths([]string{path})
	run := func(dec decode.Decoder, timeout time.Duration) *pipeline.Summary {
		sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
			Workers: 2, ChunkTimeout: timeout,
			NewDecoder: func() decode.Decoder { return dec },
		})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	whole := run(velocidex.Decoder{}, 0)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	start := time.Now()
	sum := run(stuckDecoder{stuck: 3, release: release}, 5*time.Second)
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
