package binxml

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// renderView renders a record view (System values, payload kind and
// items: kind, name as written, name as the general event gives it, value)
// as text, for comparing two ways of building it.
func (s *state) renderView() []string {
	out := []string{fmt.Sprintf("payload %v", s.kind)}
	for sl := range numSlots {
		out = append(out, fmt.Sprintf("slot %d: %q", sl, s.spanText(s.sysSpan(sl))))
	}
	for i := range s.items {
		it := &s.items[i]
		name := string(s.spanText(it.name)) // spanText reuses one buffer
		general := s.payloadName(i, it)
		out = append(out, fmt.Sprintf("item %d %q %q = %q", it.kind, name, general, s.spanText(it.value)))
	}
	return out
}

// viewsAgree decodes each record staticView can read twice, with
// staticView and with the walker, and reports where the views differ. It
// returns how many records both ways read.
func viewsAgree(t *testing.T, c *decode.Chunk) int {
	t.Helper()
	s := newState()
	s.beginChunk(c.Data)
	compared := 0
	for _, rec := range c.Records {
		p, end := rec.Offset+evtxfile.RecordHeaderSize, rec.Offset+rec.Size-4
		for p+4 <= end && c.Data[p] == tokFragmentHeader {
			p += 4
		}
		if p >= end || c.Data[p] != tokTemplateInstance {
			continue
		}
		s.beginRecord()
		tmpl, base, n, f := s.instance(p+1, end)
		if f.kind != 0 || !s.staticView(tmpl, base, n) {
			continue
		}
		static := s.renderView()
		s.beginRecord()
		tmpl, base, n, _ = s.instance(p+1, end)
		var w walker
		if f := s.walkTemplate(&w, tmpl.first, tmpl.end, base, n, 0); f.kind != 0 {
			t.Errorf("%s chunk %d record %d: static view read it, the walker failed: %s", c.File, c.Index, rec.Number, f)
			continue
		}
		if walked := s.renderView(); !slices.Equal(static, walked) {
			t.Errorf("%s chunk %d record %d:\nstatic %q\nwalked %q", c.File, c.Index, rec.Number, static, walked)
		}
		compared++
	}
	return compared
}

// TestStaticViewMatchesWalker: the shortcut for regular templates builds
// exactly the view the walker builds, on every construct (of process
// creations and of general events), on the synthetic file and on every
// record of the corpus.
func TestStaticViewMatchesWalker(t *testing.T) {
	n := 0
	for _, tc := range constructs {
		b := newChunkBuilder()
		tc.build(b)
		c := b.chunk(tc.name)
		n += viewsAgree(t, &c)
	}
	for _, tc := range generalCases {
		b := newChunkBuilder()
		tc.build(b)
		c := b.chunk(tc.name)
		n += viewsAgree(t, &c)
	}
	data, err := os.ReadFile(syntheticPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range splitChunks(data, "synthetic.evtx") {
		n += viewsAgree(t, &c)
	}
	t.Logf("%d hand-written records read both ways", n)
	dir := corpusDir(t)
	n = 0
	for _, rel := range evtxFiles(t, dir) {
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			n += viewsAgree(t, &c)
		}
	}
	t.Logf("%d corpus records read both ways", n)
}
