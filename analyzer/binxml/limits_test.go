package binxml

import (
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// TestTemplateTableLimit: past maxTemplates definitions in one chunk,
// lookups fail cheaply and the table neither grows nor moves (callers hold
// pointers into it); the next chunk starts empty.
func TestTemplateTableLimit(t *testing.T) {
	s := newState()
	s.beginChunk(make([]byte, evtxfile.ChunkSize))
	first := s.templateAt(512)
	for off := uint32(513); off < 512+maxTemplates+100; off++ {
		s.templateAt(off)
	}
	if len(s.templates) != maxTemplates || cap(s.templates) != maxTemplates {
		t.Fatalf("table has %d templates (capacity %d), want %d", len(s.templates), cap(s.templates), maxTemplates)
	}
	if first != &s.templates[0] {
		t.Fatal("the table moved")
	}
	if tm := s.templateAt(60000); !strings.Contains(tm.fail.what, "too many template definitions") {
		t.Fatalf("template past the limit: %+v", tm.fail)
	}
	if tm := s.templateAt(512); tm != first {
		t.Fatal("a cached template is no longer found once the table is full")
	}
	s.beginChunk(make([]byte, evtxfile.ChunkSize))
	if len(s.templates) != 0 {
		t.Fatalf("next chunk starts with %d templates", len(s.templates))
	}
	if tm := s.templateAt(512); tm != &s.templates[0] {
		t.Fatal("the new chunk's first template is not stored")
	}
}
