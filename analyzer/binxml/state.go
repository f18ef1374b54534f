package binxml

import (
	"fmt"
	"slices"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
)

// failKind says whether a record is damaged or uses a construct this
// decoder does not handle (which sends its chunk to the fallback decoder).
type failKind uint8

const (
	failMalformed failKind = iota + 1
	failUnsupported
)

// failure describes why a record could not be decoded. It is a plain value
// so the hot path can return it without allocating.
type failure struct {
	kind failKind
	off  uint32 // chunk offset of the defect
	what string
	val  uint64 // a value worth showing, when nonzero
}

func (f failure) String() string {
	if f.val != 0 {
		return fmt.Sprintf("%s (0x%x)", f.what, f.val)
	}
	return f.what
}

// itemKind says how a payload item is named.
type itemKind uint8

const (
	itemData   itemKind = iota // EventData/Data: its Name attribute, else Data_N
	itemBinary                 // EventData/Binary: Binary_N
	itemLeaf                   // a UserData leaf element: the element's name
)

// item is one payload item of a record: spans of parts, and the template
// node of its name: the literal text of a Data element's Name (when the
// name is only that), or the element start of a UserData leaf.
type item struct {
	name, value span
	nameNode    int32 // -1 when the name is not (only) a template literal
	kind        itemKind
}

// state is one worker's reusable decoding state: the current chunk's
// template table and the current record's value table and view. Nothing
// in it is shared; its buffers keep their storage from chunk to chunk.
type state struct {
	chunk []byte

	// Per chunk: compiled templates, found through an open-addressing
	// table whose entries are valid only for the current generation.
	gen           uint32
	cache         [cacheSlots]cacheEntry
	templates     []template // capacity maxTemplates, never reallocated
	overflow      template   // stands for templates past maxTemplates
	nodes         []node
	nodeNames     []string // interned text of name nodes, by node index
	staticItems   []item   // payload items of the templates, as node spans
	guards        []guard  // substitutions that binary XML would expand
	compiledBytes int
	steps         int // nodes walked in this chunk
	rendered      int // bytes of text rendered in this chunk

	// Per record: value tables of the template instances, and the view
	// the walker builds (System slots and EventData items, as parts).
	recordIndex  int  // index in the chunk's record chain of the current record
	hostsOnly    bool // Decoder.HostsOnly: no record is a process creation or selected
	vals         []valueDesc
	parts        []part
	sys          [numSlots]span
	lazy         [numSlots - firstLazySlot]lazySlot // valid where lazyMask says
	lazyMask     uint32                             // bit sl: s.sys[sl] is in lazy
	items        []item
	kind         event.DataKind // EventData or UserData, when the record has one
	itemsFull    bool           // more payload items than maxDataItems
	want         *event.Selection
	processItems bool // see Decoder.processItems

	buf    []byte   // scratch for rendered text
	buf2   []byte   // a second one, for comparing two values
	values []byte   // rendered EventData values of one event
	ends   []int    // where each rendered value ends in values
	from   []int32  // general events: the item each rendered value comes from
	hosts  []string // computer names seen lately, reused across chunks
	names  map[string]string
	b      extract.Builder
	gb     event.Builder // items of the general events, in shared blocks

	// traceName, when set (by tests), is told of every name structure
	// a template compilation reads: chunk offsets [off, end).
	traceName func(off, end uint32)
}

func newState() *state {
	return &state{
		templates: make([]template, 0, maxTemplates),
		nodes:     make([]node, 0, 4096),
		vals:      make([]valueDesc, 0, 256),
		parts:     make([]part, 0, 256),
		items:     make([]item, 0, 64),
		buf:       make([]byte, 0, 512),
		buf2:      make([]byte, 0, 512),
		names:     make(map[string]string),
	}
}

// beginChunk forgets the previous chunk's templates.
func (s *state) beginChunk(data []byte) {
	s.chunk = data
	s.gen++
	if s.gen == 0 { // wrapped: entries of generation 0 would look valid
		s.cache = [cacheSlots]cacheEntry{}
		s.gen = 1
	}
	s.templates = s.templates[:0]
	s.nodes = s.nodes[:0]
	s.nodeNames = s.nodeNames[:0]
	s.staticItems = s.staticItems[:0]
	s.guards = s.guards[:0]
	s.compiledBytes, s.steps, s.rendered = 0, 0, 0
}

// beginRecord empties the per-record tables.
func (s *state) beginRecord() {
	s.vals = s.vals[:0]
	s.parts = s.parts[:0]
	s.sys = [numSlots]span{}
	s.lazyMask = 0
	s.items = s.items[:0]
	s.kind, s.itemsFull = event.NoData, false
}

// lazySlot is a System value the static view has not resolved yet: the
// template nodes that hold it and the values of their template instance.
type lazySlot struct {
	nodes   span
	base, n int
}

// sysSpan returns the parts of System value sl, resolving it first when
// the static view left it lazy.
func (s *state) sysSpan(sl slot) span {
	if s.lazyMask&(1<<sl) != 0 {
		l := s.lazy[sl-firstLazySlot]
		s.sys[sl] = s.resolve(l.nodes, l.base, l.n)
		s.lazyMask &^= 1 << sl
	}
	return s.sys[sl]
}

// maxHosts bounds the cache of computer names.
const maxHosts = 64

// host returns the string for a rendered computer name, allocating only
// the first time a name is seen.
func (s *state) host(name []byte) string {
	for i, h := range s.hosts {
		if h == string(name) {
			if i > 0 { // keep the most recent first
				copy(s.hosts[1:i+1], s.hosts[:i])
				s.hosts[0] = h
			}
			return h
		}
	}
	h := string(name)
	if len(s.hosts) < maxHosts {
		s.hosts = append(s.hosts, "")
	}
	copy(s.hosts[1:], s.hosts[:len(s.hosts)-1])
	s.hosts[0] = h
	return h
}

// maxNames bounds the table of interned names and identity strings.
const maxNames = 4096

// intern returns a string equal to b, shared by every event that uses the
// same text (EventData names, providers, channels).
func (s *state) intern(b []byte) string {
	if v, ok := s.names[string(b)]; ok {
		return v
	}
	if len(s.names) >= maxNames {
		clear(s.names)
	}
	v := string(b)
	s.names[v] = v
	return v
}

// itemName returns the name of a Data item or UserData leaf as a string;
// a name that is literal text of the template (or the name of a leaf
// element) is interned once per chunk.
func (s *state) itemName(it *item) string {
	if it.kind == itemLeaf {
		return s.nodeName(it.nameNode)
	}
	if it.nameNode < 0 || it.name.n != 1 {
		return s.intern(s.spanText(it.name))
	}
	return s.nodeName(it.nameNode)
}

// nodeName returns the text of template node i, a literal text or an
// element start's name, interned and kept for the rest of the chunk.
func (s *state) nodeName(i int32) string {
	if n := int(i) + 1; n > len(s.nodeNames) {
		old := len(s.nodeNames)
		s.nodeNames = slices.Grow(s.nodeNames, n-old)[:n]
		clear(s.nodeNames[old:]) // names of the previous chunk's nodes
	}
	if s.nodeNames[i] == "" {
		nd := &s.nodes[i]
		s.buf = appendUTF16(s.buf[:0], s.chunk[nd.off:nd.off+nd.n])
		s.rendered += len(s.buf)
		s.nodeNames[i] = s.intern(s.buf)
	}
	return s.nodeNames[i]
}
