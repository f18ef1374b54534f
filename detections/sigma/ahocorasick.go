package sigma

import "slices"

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

// buildAC compiles the automaton for the needles (non-empty, ASCII letters
// in lower case); clausesOf[i] are the clauses needle i satisfies, which a
// scan marks.
func buildAC(needles []string, clausesOf [][]int32) *matcherAC {
	ac := &matcherAC{}
	ac.assignClasses(needles)
	states := trieStates(needles)
	// The table is sized to the trie's exact state count, and built in 16
	// bits directly when the states fit, never at twice the size.
	if states <= 1<<16 {
		next, outs := buildTrie[uint16](ac, needles, clausesOf, states)
		link(ac.classes, next, outs)
		ac.next16 = next
		ac.setOutputs(outs)
		return ac
	}
	next, outs := buildTrie[int32](ac, needles, clausesOf, states)
	link(ac.classes, next, outs)
	ac.next = next
	ac.setOutputs(outs)
	return ac
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
func (ac *matcherAC) assignClasses(needles []string) {
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
// a transition table and returns it with the clauses each state ends.
func buildTrie[T state](ac *matcherAC, needles []string, clausesOf [][]int32, states int) ([]T, [][]int32) {
	C := ac.classes
	next := make([]T, states*C)
	outs := make([][]int32, states)
	added := 1
	for id, n := range needles {
		s := 0
		for i := 0; i < len(n); i++ {
			k := s*C + int(ac.class[n[i]])
			if next[k] == 0 {
				next[k] = T(added)
				added++
			}
			s = int(next[k])
		}
		outs[s] = append(outs[s], clausesOf[id]...)
	}
	return next, outs
}

// link fills, breadth-first, the failure links: every missing transition
// takes the one of the longest suffix state, and every state also outputs
// what that state outputs. A missing transition of the root stays 0: it
// leads to the root.
func link[T state](classes int, next []T, outs [][]int32) {
	fail := make([]T, len(outs))
	queue := make([]T, 0, len(outs))
	for c := 0; c < classes; c++ {
		if next[c] != 0 {
			queue = append(queue, next[c])
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(outs[s], outs[fail[s]]...)
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
}

// setOutputs flattens the outputs, each state's clause ids once.
func (ac *matcherAC) setOutputs(outs [][]int32) {
	ac.outStart = make([]int32, len(outs)+1)
	var stamp []int32
	for s := range outs {
		ac.outStart[s] = int32(len(ac.out))
		for _, c := range outs[s] {
			for int(c) >= len(stamp) {
				stamp = append(stamp, -1)
			}
			if stamp[c] != int32(s) {
				stamp[c] = int32(s)
				ac.out = append(ac.out, c)
			}
		}
	}
	ac.outStart[len(outs)] = int32(len(ac.out))
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
	C := ac.classes
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
