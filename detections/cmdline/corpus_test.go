package cmdline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// TestCorpusHits runs the checks over every process-creation event of the
// shared corpus ground truth and compares the findings with
// testdata/corpus_hits.golden. Each listed hit was reviewed: all are attack
// simulations (Metasploit, Empire, CrackMapExec, WMImplant, droppers).
func TestCorpusHits(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "truth")
	var b strings.Builder
	events := 0
	for _, name := range []string{"4688.jsonl", "sysmon1.jsonl"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			p, file, err := truthEvent(sc.Bytes())
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			events++
			for _, h := range Run(p, nil) {
				fmt.Fprintf(&b, "%s#%d %s: %s\n", file, p.EventRecordID, h.Check.Title, h.Reason)
				if h.Decoded != "" {
					fmt.Fprintf(&b, "  decoded: %.200q\n", h.Decoded)
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	compareGolden(t, "testdata/corpus_hits.golden", fmt.Sprintf("# %d events\n", events)+b.String())
}

func truthEvent(data []byte) (*event.Process, string, error) {
	var raw struct {
		File          string   `json:"file"`
		EventID       uint32   `json:"EventID"`
		EventRecordID uint64   `json:"EventRecordID"`
		Names         []string `json:"EventDataNames"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, "", err
	}
	var values map[string]any
	if err := json.Unmarshal(data, &values); err != nil {
		return nil, "", err
	}
	var bld extract.Builder
	bld.Begin()
	bld.P.EventID = raw.EventID
	bld.P.EventRecordID = raw.EventRecordID
	for _, n := range raw.Names {
		v, _ := values[n].(string)
		bld.Data(n, v)
	}
	return bld.Finish(), raw.File, nil
}
