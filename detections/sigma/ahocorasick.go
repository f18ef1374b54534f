package sigma

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// matcherAC is an Aho-Corasick automaton over ASCII-folded bytes, compiled
// to a full transition table over byte classes: scanning costs one table
// lookup per input byte whatever the number of needles. The table depends
// on the needles alone and may be shared (acCache); the outputs, clause
// ids, are the automaton's own.
type matcherAC struct {
	*acTable
	// The clauses of the needles a state ends itself form one of the
	// automaton's lists; the states that end none have none. Reaching
	// state s satisfies list listOf[s] (that of s, or of its dictionary
	// link; 0: none), then list parent[l] (that of the link's link), and
	// so on up to list 0. List l is out[listStart[l]:listStart[l+1]].
	listOf    []int32
	parent    []int32
	listStart []int32
	out       []int32
	// base is the automaton's first list number among those of its
	// prefilter, which share one stamp table (marks).
	base int32
}

// acTable is the part of an automaton that depends on its needles alone.
type acTable struct {
	// class maps a byte to its class; class 0 is every byte no needle has.
	// Needles hold no upper-case ASCII letters (those share the class of
	// their lower case), so there are at most 256-26+1 classes.
	class   [256]uint8
	classes int
	// next maps state*classes + class to the next state; next16 holds the
	// same table when there are few enough states, at half the size.
	next   []int32
	next16 []uint16
	// The needles state s ends itself: ends[endStart[s]:endStart[s+1]].
	// Reaching s also finds the needles of its dictionary link dict[s],
	// the longest proper suffix of s that ends needles itself (0: none),
	// and of that state's link, and so on.
	endStart []int32
	ends     []int32
	dict     []int32
}

// buildAC compiles the automaton for the needles (non-empty, ASCII letters
// in lower case); clausesOf[i] are the clauses needle i satisfies, which a
// scan marks. The table comes from cache when an automaton of the same
// needles in the same order was built (cache may be nil).
func buildAC(needles []string, clausesOf [][]int32, cache *acCache) *matcherAC {
	ac := &matcherAC{acTable: cache.table(needles)}
	ac.setOutputs(clausesOf)
	return ac
}

// buildTable compiles the transition table of the needles.
func buildTable(needles []string) *acTable {
	t := &acTable{}
	t.assignClasses(needles)
	states := trieStates(needles)
	// The table is sized to the trie's exact state count, and built in 16
	// bits directly when the states fit, never at twice the size.
	if states <= 1<<16 {
		next, ends := buildTrie[uint16](t, needles, states)
		t.dict = link(t.classes, next, ends)
		t.next16 = next
		t.setEnds(ends)
		return t
	}
	next, ends := buildTrie[int32](t, needles, states)
	t.dict = link(t.classes, next, ends)
	t.next = next
	t.setEnds(ends)
	return t
}

// trieStates counts the states of the needles' trie, one per distinct
// prefix (the empty one included): in sorted order a needle adds the
// prefixes it does not share with the needle before it.
func trieStates(needles []string) int {
	sorted := slices.Clone(needles)
	slices.Sort(sorted)
	states, prev := 1, ""
	for _, n := range sorted {
		common := 0
		for common < len(n) && common < len(prev) && n[common] == prev[common] {
			common++
		}
		states += len(n) - common
		prev = n
	}
	return states
}

// assignClasses gives each byte of the needles a class, both cases of an
// ASCII letter sharing one.
func (ac *acTable) assignClasses(needles []string) {
	for _, n := range needles {
		for i := 0; i < len(n); i++ {
			if c := n[i]; ac.class[c] == 0 {
				ac.classes++
				ac.class[c] = uint8(ac.classes)
			}
		}
	}
	ac.classes++ // class 0
	for c := 'A'; c <= 'Z'; c++ {
		ac.class[c] = ac.class[c+'a'-'A']
	}
}

// state is a state number in a transition table. While the trie is
// built, 0 means "no child": no edge of a trie leads back to its root.
type state interface{ uint16 | int32 }

// buildTrie writes the trie of the needles (states in all) straight into
// a transition table and returns it with the needles each state ends.
func buildTrie[T state](t *acTable, needles []string, states int) ([]T, [][]int32) {
	C := t.classes
	next := make([]T, states*C)
	ends := make([][]int32, states)
	added := 1
	for id, n := range needles {
		s := 0
		for i := 0; i < len(n); i++ {
			k := s*C + int(t.class[n[i]])
			if next[k] == 0 {
				next[k] = T(added)
				added++
			}
			s = int(next[k])
		}
		ends[s] = append(ends[s], int32(id))
	}
	return next, ends
}

// link fills, breadth-first, the failure links: every missing transition
// takes the one of the longest suffix state. A missing transition of the
// root stays 0: it leads to the root. It returns each state's dictionary
// link (see acTable.dict).
func link[T state](classes int, next []T, ends [][]int32) []int32 {
	fail := make([]T, len(ends))
	dict := make([]int32, len(ends))
	queue := make([]T, 0, len(ends))
	for c := 0; c < classes; c++ {
		if next[c] != 0 {
			queue = append(queue, next[c])
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		// fail[s] is shallower than s: its own link is known.
		if f := fail[s]; len(ends[f]) > 0 {
			dict[s] = int32(f)
		} else {
			dict[s] = dict[f]
		}
		row, frow := int(s)*classes, int(fail[s])*classes
		for c := 0; c < classes; c++ {
			if t := next[row+c]; t == 0 {
				next[row+c] = next[frow+c]
			} else {
				fail[t] = next[frow+c]
				queue = append(queue, t)
			}
		}
	}
	return dict
}

// setEnds flattens the needles each state ends.
func (t *acTable) setEnds(ends [][]int32) {
	t.endStart = make([]int32, len(ends)+1)
	for s, e := range ends {
		t.endStart[s] = int32(len(t.ends))
		t.ends = append(t.ends, e...)
	}
	t.endStart[len(ends)] = int32(len(t.ends))
}

// setOutputs gives each state that ends needles itself the list of their
// clauses, each clause once, and links the lists as the states' dictionary
// links are.
func (ac *matcherAC) setOutputs(clausesOf [][]int32) {
	states := len(ac.endStart) - 1
	own := make([]int32, states) // list of a state that ends needles
	ac.listStart = []int32{0, 0} // list 0: no clause
	var stamp []int32
	for s := range states {
		ends := ac.ends[ac.endStart[s]:ac.endStart[s+1]]
		if len(ends) == 0 {
			continue
		}
		for _, n := range ends {
			for _, c := range clausesOf[n] {
				for int(c) >= len(stamp) {
					stamp = append(stamp, -1)
				}
				if stamp[c] != int32(s) {
					stamp[c] = int32(s)
					ac.out = append(ac.out, c)
				}
			}
		}
		own[s] = int32(len(ac.listStart) - 1)
		ac.listStart = append(ac.listStart, int32(len(ac.out)))
	}
	ac.listOf = make([]int32, states)
	ac.parent = make([]int32, len(ac.listStart)-1)
	for s := range states {
		if l := own[s]; l != 0 {
			ac.listOf[s] = l
			ac.parent[l] = own[ac.dict[s]]
		} else {
			ac.listOf[s] = own[ac.dict[s]]
		}
	}
}

// acCache shares the tables of automata built from the same needles in
// the same order: the keyword rules that apply to every event of a channel
// recur in each of its buckets (generalindex.go), and the SigmaHQ rules
// built 1,275 automata of only 184 distinct tables. It is safe for
// concurrent use; a nil cache builds every table afresh.
type acCache struct {
	mu     sync.Mutex
	tables map[string]*cachedTable
}

type cachedTable struct {
	once  sync.Once
	table *acTable
}

func newACCache() *acCache { return &acCache{tables: map[string]*cachedTable{}} }

// table returns the table of the needles, built once per distinct list.
func (c *acCache) table(needles []string) *acTable {
	if c == nil {
		return buildTable(needles)
	}
	var key strings.Builder
	for _, n := range needles {
		key.WriteString(strconv.Itoa(len(n)))
		key.WriteByte(':')
		key.WriteString(n)
	}
	c.mu.Lock()
	e := c.tables[key.String()]
	if e == nil {
		e = &cachedTable{}
		c.tables[key.String()] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.table = buildTable(needles) })
	return e.table
}

// marks is one event's clause bitset, and what makes marking it cheap: a
// short needle (a backslash, " -") occurs many times in a value, and
// marking its clauses again at each occurrence, and again as the suffix
// of every longer needle found, was most of a scan. A stamp per list of
// the prefilter records the event (gen) that last marked it; a walk
// marks a list's parents right after stamping it, so a stamped list ends
// the walk.
type marks struct {
	set    []uint64
	stamps []uint32
	gen    uint32
}

// reset starts an event: marks go to set, and lists is the number of
// lists of the prefilter that will mark it.
func (m *marks) reset(set []uint64, lists int) {
	m.set = set
	if len(m.stamps) < lists {
		m.stamps = make([]uint32, lists)
		m.gen = 0
	}
	m.gen++
	if m.gen == 0 { // wrapped: no stamp may look current
		clear(m.stamps)
		m.gen = 1
	}
}

// scan marks the clauses of every needle occurring in s.
func (ac *matcherAC) scan(s string, m *marks) {
	if ac.next16 != nil {
		ac.scan16(s, m)
		return
	}
	C := int32(ac.classes)
	state := int32(0)
	for i := 0; i < len(s); i++ {
		state = ac.next[state*C+int32(ac.class[s[i]])]
		if l := ac.listOf[state]; l != 0 {
			ac.markList(l, m)
		}
	}
}

func (ac *matcherAC) scan16(s string, m *marks) {
	C := ac.classes
	next := ac.next16
	state := 0
	for i := 0; i < len(s); i++ {
		state = int(next[state*C+int(ac.class[s[i]])])
		if l := ac.listOf[state]; l != 0 {
			ac.markList(l, m)
		}
	}
}

// markList marks the clauses of list l and of its parents, up to the
// first this event has marked.
func (ac *matcherAC) markList(l int32, m *marks) {
	for l != 0 {
		g := ac.base + l
		if m.stamps[g] == m.gen {
			return
		}
		m.stamps[g] = m.gen
		mark(m.set, ac.out[ac.listStart[l]:ac.listStart[l+1]])
		l = ac.parent[l]
	}
}

// lists is the number of list numbers the automaton uses (list 0
// included).
func (ac *matcherAC) lists() int { return len(ac.listStart) - 1 }

func mark(set []uint64, ids []int32) {
	for _, c := range ids {
		set[c>>6] |= 1 << (c & 63)
	}
}

// fieldScanner finds the needles of one field: ASCII needles with one
// automaton, the others (non-ASCII spellings) with a second one that only
// runs on values holding non-ASCII bytes, so that rare emoji and
// homoglyph needles do not widen the table every value walks.
type fieldScanner struct {
	ascii, wide *matcherAC
}

func newFieldScanner(texts []string, clauses [][]int32, cache *acCache) *fieldScanner {
	var at, wt []string
	var ac, wc [][]int32
	for i, t := range texts {
		if isASCII(t) {
			at, ac = append(at, t), append(ac, clauses[i])
		} else {
			wt, wc = append(wt, t), append(wc, clauses[i])
		}
	}
	fs := &fieldScanner{}
	if len(at) > 0 {
		fs.ascii = buildAC(at, ac, cache)
	}
	if len(wt) > 0 {
		fs.wide = buildAC(wt, wc, cache)
	}
	return fs
}

func (fs *fieldScanner) scan(s string, m *marks) {
	if fs.ascii != nil {
		fs.ascii.scan(s, m)
	}
	if fs.wide != nil && !isASCII(s) {
		fs.wide.scan(s, m)
	}
}

// number gives the scanner's automata their list numbers from base on and
// returns the next free one.
func (fs *fieldScanner) number(base int) int {
	for _, ac := range []*matcherAC{fs.ascii, fs.wide} {
		if ac != nil {
			ac.base = int32(base)
			base += ac.lists()
		}
	}
	return base
}
