package sigma

// matcherAC is an Aho-Corasick automaton over ASCII-folded bytes, compiled
// to a full transition table over byte classes: scanning costs one table
// lookup per input byte whatever the number of needles.
type matcherAC struct {
	// class maps a byte to its class; class 0 is every byte no needle has.
	// Needles hold no upper-case ASCII letters (those share the class of
	// their lower case), so there are at most 256-26+1 classes.
	class   [256]uint8
	classes int
	// next maps state*classes + class to the next state; next16 holds the
	// same table when there are few enough states, at half the size.
	next     []int32
	next16   []uint16
	outStart []int32 // outputs of state s: out[outStart[s]:outStart[s+1]]
	out      []int32 // clause ids
}

// buildAC compiles the automaton for the needles (non-empty, lower-case
// ASCII); clausesOf[i] are the clauses needle i satisfies, and
// what a scan reports.
func buildAC(needles []string, clausesOf [][]int32) *matcherAC {
	ac := &matcherAC{}
	// Byte classes: one per distinct needle byte, both cases of a letter
	// sharing it.
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
	// Trie.
	type node struct {
		child map[uint8]int32
		outs  []int32
	}
	nodes := []node{{child: map[uint8]int32{}}}
	for id, n := range needles {
		s := int32(0)
		for i := 0; i < len(n); i++ {
			c := ac.class[n[i]]
			nx, ok := nodes[s].child[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{child: map[uint8]int32{}})
				nodes[s].child[c] = nx
			}
			s = nx
		}
		nodes[s].outs = append(nodes[s].outs, int32(id))
	}
	// Breadth-first: failure links and the full transition table.
	C := ac.classes
	ac.next = make([]int32, len(nodes)*C)
	fail := make([]int32, len(nodes))
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < C; c++ {
		if nx, ok := nodes[0].child[uint8(c)]; ok {
			ac.next[c] = nx
			queue = append(queue, nx)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		nodes[s].outs = append(nodes[s].outs, nodes[fail[s]].outs...)
		for c := 0; c < C; c++ {
			nx, ok := nodes[s].child[uint8(c)]
			if !ok {
				ac.next[int(s)*C+c] = ac.next[int(fail[s])*C+c]
				continue
			}
			fail[nx] = ac.next[int(fail[s])*C+c]
			ac.next[int(s)*C+c] = nx
			queue = append(queue, nx)
		}
	}
	ac.outStart = make([]int32, len(nodes)+1)
	seen := map[int32]bool{}
	for s := range nodes {
		ac.outStart[s] = int32(len(ac.out))
		clear(seen)
		for _, id := range nodes[s].outs {
			for _, r := range clausesOf[id] {
				if !seen[r] {
					seen[r] = true
					ac.out = append(ac.out, r)
				}
			}
		}
	}
	ac.outStart[len(nodes)] = int32(len(ac.out))
	if len(nodes) <= 1<<16 {
		ac.next16 = make([]uint16, len(ac.next))
		for i, n := range ac.next {
			ac.next16[i] = uint16(n)
		}
		ac.next = nil
	}
	return ac
}

// scan marks in set the clauses of every needle occurring in s.
func (ac *matcherAC) scan(s string, set []uint64) {
	if ac.next16 != nil {
		ac.scan16(s, set)
		return
	}
	C := int32(ac.classes)
	state := int32(0)
	for i := 0; i < len(s); i++ {
		state = ac.next[state*C+int32(ac.class[s[i]])]
		if a, b := ac.outStart[state], ac.outStart[state+1]; a != b {
			mark(set, ac.out[a:b])
		}
	}
}

func (ac *matcherAC) scan16(s string, set []uint64) {
	C := int(ac.classes)
	next := ac.next16
	state := 0
	for i := 0; i < len(s); i++ {
		state = int(next[state*C+int(ac.class[s[i]])])
		if a, b := ac.outStart[state], ac.outStart[state+1]; a != b {
			mark(set, ac.out[a:b])
		}
	}
}

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

func newFieldScanner(texts []string, clauses [][]int32) *fieldScanner {
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
		fs.ascii = buildAC(at, ac)
	}
	if len(wt) > 0 {
		fs.wide = buildAC(wt, wc)
	}
	return fs
}

func (fs *fieldScanner) scan(s string, set []uint64) {
	if fs.ascii != nil {
		fs.ascii.scan(s, set)
	}
	if fs.wide != nil && !isASCII(s) {
		fs.wide.scan(s, set)
	}
}
