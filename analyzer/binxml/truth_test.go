package binxml

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// fileCounts is one line of the truth's counts.tsv.
type fileCounts struct{ records, n4688, sysmon1 int }

func readCounts(t *testing.T) map[string]fileCounts {
	t.Helper()
	path := filepath.Join(testshared.Dir(t, "corpus", "truth"), "counts.tsv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]fileCounts{}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("%s:%d: %d columns", path, i+2, len(f))
		}
		var c fileCounts
		var errs [3]error
		c.records, errs[0] = strconv.Atoi(f[2])
		c.n4688, errs[1] = strconv.Atoi(f[3])
		c.sysmon1, errs[2] = strconv.Atoi(f[4])
		for _, err := range errs {
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+2, err)
			}
		}
		out[f[0]] = c
	}
	return out
}

// truthEvents reads a truth .jsonl file and builds the Process event each
// line describes, through the same extract.Builder decoders use, so the
// comparison is about decoding, not mapping. Events are keyed by file and
// EventRecordID (one file repeats an id, hence the slices).
func truthEvents(t *testing.T, name string, into map[string][]event.Process) int {
	t.Helper()
	path := filepath.Join(testshared.Dir(t, "corpus", "truth"), name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n := 0
	for line := 1; sc.Scan(); line++ {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		p, err := truthProcess(rec)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		key := fmt.Sprintf("%s#%d", p.SourceFile, p.EventRecordID)
		into[key] = append(into[key], p)
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func truthProcess(rec map[string]any) (event.Process, error) {
	str := func(k string) string { s, _ := rec[k].(string); return s }
	num := func(k string) uint64 {
		switch v := rec[k].(type) {
		case float64:
			return uint64(v)
		case string:
			n, _ := strconv.ParseUint(v, 10, 64)
			return n
		}
		return 0
	}
	ts, err := time.Parse(time.RFC3339Nano, str("SystemTime"))
	if err != nil {
		return event.Process{}, err
	}
	var b extract.Builder
	b.Begin()
	b.P.Timestamp = ts.UTC()
	b.P.Computer = str("Computer")
	b.P.Channel = str("Channel")
	b.P.Provider = str("Provider")
	b.P.EventID = uint32(num("EventID"))
	b.P.Version = uint8(num("Version"))
	b.P.EventRecordID = num("EventRecordID")
	b.P.SourceFile = str("file")
	names, _ := rec["EventDataNames"].([]any)
	for _, n := range names {
		name, _ := n.(string)
		b.Data(name, str(name))
	}
	return *b.Finish(), nil
}

// eventJSON renders an event for comparison: every field, the 7-digit
// timestamp included; the chunk index is not part of the truth.
func eventJSON(p event.Process) string {
	p.ChunkIndex = 0
	return string(p.AppendJSON(nil))
}

// TestTruth decodes every file of the corpus and compares the record
// counts with counts.tsv and every process-creation event, field by field
// and with its exact 100 ns timestamp, with 4688.jsonl and sysmon1.jsonl.
func TestTruth(t *testing.T) {
	dir := corpusDir(t)
	counts := readCounts(t)
	want := map[string][]event.Process{}
	nTruth := truthEvents(t, "4688.jsonl", want) + truthEvents(t, "sysmon1.jsonl", want)

	d := &Decoder{} // no fallback: every chunk must decode here
	files := evtxFiles(t, dir)
	if len(files) != len(counts) {
		t.Errorf("%d files in the corpus, %d in counts.tsv", len(files), len(counts))
	}
	var total, matched, events int
	for _, rel := range files {
		var got fileCounts
		var r decode.Result
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			r.Reset()
			d.Decode(&c, &r)
			for _, p := range r.Problems {
				t.Errorf("problem: %s", p)
			}
			got.records += r.Records
			for _, p := range r.Events {
				events++
				if p.EventID == event.SecurityProcessCreate {
					got.n4688++
				} else {
					got.sysmon1++
				}
				if matchTruth(t, want, p) {
					matched++
				}
			}
		}
		total += got.records
		if wc, ok := counts[rel]; !ok {
			t.Errorf("%s: not in counts.tsv", rel)
		} else if got != wc {
			t.Errorf("%s: got records/4688/sysmon1 %v, truth %v", rel, got, wc)
		}
	}
	for key, rest := range want {
		for _, p := range rest {
			t.Errorf("%s: truth event not decoded: %s", key, eventJSON(p))
		}
	}
	t.Logf("%d files, %d records, %d events, %d of %d truth events matched field by field", len(files), total, events, matched, nTruth)
	if matched != nTruth || events != nTruth {
		t.Errorf("matched %d and decoded %d of %d truth events", matched, events, nTruth)
	}
}

// matchTruth finds p among the truth events of its file and record id and
// removes the one it equals; it reports a mismatch against the first.
func matchTruth(t *testing.T, want map[string][]event.Process, p event.Process) bool {
	t.Helper()
	key := fmt.Sprintf("%s#%d", p.SourceFile, p.EventRecordID)
	cands := want[key]
	got := eventJSON(p)
	for i, w := range cands {
		if eventJSON(w) == got {
			want[key] = append(cands[:i:i], cands[i+1:]...)
			return true
		}
	}
	if len(cands) == 0 {
		t.Errorf("%s: decoded an event the truth does not have: %s", key, got)
	} else {
		t.Errorf("%s: event differs from the truth\n got: %s\nwant: %s", key, got, eventJSON(cands[0]))
	}
	return false
}
