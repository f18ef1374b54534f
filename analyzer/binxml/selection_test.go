package binxml

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// selections are the selections TestSelectionCorpus tries; process
// creation ids among them must not bring process creations into Selected.
var selections = map[string]func(s *event.Selection){
	"logons":     func(s *event.Selection) { s.Add("Security", 4624, 4625, event.SecurityProcessCreate) },
	"system":     func(s *event.Selection) { s.AddChannel("SYSTEM") },
	"any":        func(s *event.Selection) { s.Add("", 1102, 4104, event.SysmonProcessCreate) },
	"sysmon net": func(s *event.Selection) { s.Add("microsoft-windows-sysmon/operational", 3) },
	"none":       func(*event.Selection) {},
}

// resultOf decodes chunks with want and returns the JSON of everything a
// result holds, general events apart: records, time span, hosts, process
// events and problems.
func resultOf(dec decode.Decoder, chunks []decode.Chunk, want *event.Selection) (rest []string, selected []event.Event) {
	for _, c := range chunks {
		c.Want = want
		var r decode.Result
		dec.Decode(&c, &r)
		rest = append(rest, fmt.Sprintf("%s %d: records %d, %s to %s, hosts %q, problems %v", c.File, c.Index, r.Records,
			event.FormatTime(r.First), event.FormatTime(r.Last), r.Hosts, r.Problems))
		for _, p := range r.Events {
			rest = append(rest, string(p.AppendJSON(nil)))
		}
		selected = append(selected, r.Selected...)
	}
	return rest, selected
}

// TestSelectionCorpus: on every chunk of the corpus, a selection gives in
// Selected exactly the general events, among those of SelectAll, whose
// channel and id it selects (never a process creation), and leaves
// everything else of the result as it is without one: records, times,
// hosts, process events, problems. The Velocidex decoder selects the same
// records.
func TestSelectionCorpus(t *testing.T) {
	dir := corpusDir(t)
	var chunks []decode.Chunk
	for _, rel := range evtxFiles(t, dir) {
		chunks = append(chunks, fileChunks(t, filepath.Join(dir, rel), rel)...)
	}
	fast := &Decoder{}
	base, none := resultOf(fast, chunks, nil)
	if len(none) != 0 {
		t.Fatalf("%d general events without a selection", len(none))
	}
	_, all := resultOf(fast, chunks, event.SelectAll())
	for name, add := range selections {
		sel := &event.Selection{}
		add(sel)
		rest, got := resultOf(fast, chunks, sel)
		if !slices.Equal(rest, base) {
			t.Errorf("%s (%s): the selection changed records, times, hosts, process events or problems", name, sel)
		}
		var want []string
		for i := range all {
			if sel.Wants(all[i].Channel, all[i].EventID) {
				want = append(want, string(all[i].AppendJSON(nil)))
			}
		}
		var gotJSON []string
		for i := range got {
			if got[i].IsProcessCreation() {
				t.Errorf("%s: process creation %d in Selected", name, got[i].EventRecordID)
			}
			gotJSON = append(gotJSON, string(got[i].AppendJSON(nil)))
		}
		if !slices.Equal(gotJSON, want) {
			t.Errorf("%s (%s): %d general events, %d of SelectAll's are selected", name, sel, len(gotJSON), len(want))
		}
		if name != "none" && len(want) == 0 {
			t.Errorf("%s: the corpus has no record of this selection; the test proves nothing", name)
		}
		t.Logf("%s (%s): %d of %d records", name, sel, len(gotJSON), len(all))
	}
	sel := &event.Selection{}
	selections["logons"](sel)
	_, ref := resultOf(velocidex.Decoder{}, chunks, sel)
	_, got := resultOf(fast, chunks, sel)
	if ids(ref) != ids(got) {
		t.Errorf("velocidex selects other records than the fast decoder:\nvelocidex %s\n     fast %s", ids(ref), ids(got))
	}
}

func ids(events []event.Event) string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = fmt.Sprintf("%s/%d/%d", e.SourceFile, e.EventRecordID, e.EventID)
	}
	return fmt.Sprint(len(out), out)
}

// TestSkipPathAllocs: records a selection does not select stay on the
// skip path, which allocates nothing, even when the selection makes the
// decoder look at every record's channel (a channel selected whole) or
// id (an id in any channel).
func TestSkipPathAllocs(t *testing.T) {
	dir := corpusDir(t)
	var chunks []decode.Chunk
	d := &Decoder{}
	for _, rel := range evtxFiles(t, dir) {
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			var r decode.Result
			d.Decode(&c, &r)
			if len(r.Events) == 0 && len(r.Problems) == 0 {
				chunks = append(chunks, c)
			}
		}
	}
	sel := &event.Selection{}
	sel.AddChannel("Microsoft-Windows-Absent/Operational")
	sel.Add("", 65000)
	// One state, as a worker's (the Decoder's pool drops states at random
	// under the race detector).
	st := newState()
	decodeAll := func(c *decode.Chunk, r *decode.Result) {
		r.Reset()
		st.beginChunk(c.Data)
		st.want = c.Want
		for i, rec := range c.Records {
			st.recordIndex = i
			if f := st.decodeRecord(c, rec, r); f.kind != 0 {
				t.Fatalf("%s chunk %d: %s", c.File, c.Index, f)
			}
		}
	}
	var r decode.Result
	for _, want := range []*event.Selection{nil, sel} {
		for i := range chunks {
			chunks[i].Want = want
			decodeAll(&chunks[i], &r) // warm the caches (hosts, names)
		}
		i := 0
		allocs := testing.AllocsPerRun(len(chunks), func() {
			decodeAll(&chunks[i%len(chunks)], &r)
			i++
		})
		if allocs != 0 || len(r.Selected) != 0 {
			t.Errorf("selection %s: %.2f allocations per chunk, %d selected", want, allocs, len(r.Selected))
		}
	}
	t.Logf("%d chunks without process creations", len(chunks))
}
