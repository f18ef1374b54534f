package pipeline_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

type counts struct{ bytes, records, n4688, nSysmon1 int }

func readCounts(t *testing.T, path string) map[string]counts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]counts{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 5 {
			t.Fatalf("counts.tsv: bad line %q", sc.Text())
		}
		var n [4]int
		for i := range n {
			n[i], err = strconv.Atoi(cols[i+1])
			if err != nil {
				t.Fatalf("counts.tsv: %q: %v", sc.Text(), err)
			}
		}
		out[cols[0]] = counts{n[0], n[1], n[2], n[3]}
	}
	return out
}

// TestCorpusCounts reads every corpus file and compares the per-file
// record totals and process-creation counts with the ground truth.
func TestCorpusCounts(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want := readCounts(t, testshared.Dir(t, "corpus", "truth", "counts.tsv"))
	w := walk.Paths([]string{dir})
	if len(w.Inputs) != len(want) {
		t.Errorf("walk found %d EVTX files, truth lists %d", len(w.Inputs), len(want))
	}
	sum, err := pipeline.Run(context.Background(), w.Inputs, pipeline.Options{
		Workers:    2,
		NewDecoder: func() decode.Decoder { return velocidex.Decoder{} },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		wc, ok := want[rel]
		if !ok {
			t.Errorf("%s: not in counts.tsv", rel)
			continue
		}
		got := counts{int(f.Bytes), f.Records, f.N4688, f.NSysmon1}
		if got != wc {
			t.Errorf("%s: got bytes/records/4688/sysmon1 %v, want %v", rel, got, wc)
		}
	}
	for _, p := range sum.Problems {
		t.Logf("problem: %s", p)
	}
}
