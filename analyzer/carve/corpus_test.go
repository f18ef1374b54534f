package carve_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
	"github.com/evtxhunt/evtxhunt/internal/truth"
)

// chunkSlots calls fn with every 64 KiB chunk slot of an EVTX file (a
// short last slot is zero-padded).
func chunkSlots(t *testing.T, path string, fn func(index int, c []byte)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, off := 0, evtxfile.FileHeaderSize; off < len(data); i, off = i+1, off+evtxfile.ChunkSize {
		c := make([]byte, evtxfile.ChunkSize)
		copy(c, data[off:])
		fn(i, c)
	}
}

// TestCheckAllocatedCorpus: every record the chain of a corpus chunk
// reaches is plausible, with nothing lost. Check must never reject what
// Windows wrote.
func TestCheckAllocatedCorpus(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		chunkSlots(t, path, func(index int, c []byte) {
			h, err := evtxfile.ParseChunkHeader(c)
			if err != nil {
				return
			}
			recs, _ := evtxfile.Records(c, &h)
			for _, r := range recs {
				n++
				if lost, err := carve.Check(c, r); err != nil || len(lost) > 0 {
					t.Errorf("%s: chunk %d, record %d: lost %v, %v", path, index, r.Number, lost, err)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10000 {
		t.Errorf("checked only %d allocated records", n)
	}
}

// slackCount tallies carved records.
type slackCount struct{ records, n4688, nSysmon1 int }

func (s *slackCount) add(r carve.Recovered) {
	s.records++
	if r.Event == nil {
		return
	}
	switch r.Event.EventID {
	case event.SecurityProcessCreate:
		s.n4688++
	case event.SysmonProcessCreate:
		s.nSysmon1++
	}
}

// TestCorpusSlackTruth carves every chunk of the files listed in
// slack_recovered.tsv and finds at least the records (and 4688 and
// Sysmon 1 records) the truth counts. Carved records that are stale
// copies of allocated ones are counted here, since the truth counts them
// too; the pipeline drops them.
func TestCorpusSlackTruth(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	want, err := truth.LoadSlack(testshared.Dir(t, "corpus", "truth", "slack_recovered.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	cv := carve.New()
	for rel, w := range want {
		allocated := map[carve.Key]bool{}
		var found []carve.Recovered
		chunkSlots(t, filepath.Join(dir, rel), func(index int, c []byte) {
			ch := &decode.Chunk{File: rel, Index: index, Data: c}
			from := 0
			if h, err := evtxfile.ParseChunkHeader(c); err == nil {
				recs, _ := evtxfile.Records(c, &h)
				for _, r := range recs {
					allocated[carve.KeyOf(r)] = true
				}
				from = evtxfile.ChunkHeaderSize
				if len(recs) > 0 {
					from = int(recs[len(recs)-1].Offset + recs[len(recs)-1].Size)
				}
			}
			found = cv.Chunk(ch, from, found)
		})
		var all, fresh slackCount
		for _, r := range found {
			all.add(r)
			if !allocated[r.Key] {
				fresh.add(r)
			}
			if r.Event != nil && (!r.Event.Recovered || r.Event.SourceFile != rel || r.Event.ChunkIndex != r.Chunk) {
				t.Errorf("%s: recovered event %+v not flagged or located", rel, r.Event)
			}
		}
		t.Logf("%s: carved %d (4688 %d, sysmon1 %d), of which not allocated %d; truth %v", rel, all.records, all.n4688, all.nSysmon1, fresh.records, w)
		if all.records < w.Records || all.n4688 < w.N4688 || all.nSysmon1 < w.NSysmon1 {
			t.Errorf("%s: carved records/4688/sysmon1 %d/%d/%d, truth has %d/%d/%d",
				rel, all.records, all.n4688, all.nSysmon1, w.Records, w.N4688, w.NSysmon1)
		}
	}
}
