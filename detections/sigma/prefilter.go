package sigma

import (
	"math/bits"
	"slices"
	"sort"
)

// prefilter finds the candidates of a list of rules for one event: the
// rules whose literal prerequisites all occur in it, plus the rules
// without any.
//
// Each rule has a requirement: up to four clauses of needles (field key,
// text) such that the rule cannot match unless every clause has a needle
// in the event (see needles.go). One Aho-Corasick automaton per field key
// finds the needles of an event in one pass over each value and marks
// their clauses satisfied in a bitset; a rule is a candidate when all its
// clauses are. The caller runs the scanners over the event's values, as
// only it knows how the event's fields map to keys.
type prefilter struct {
	n         int             // rules
	words     int             // length of a clause bitset in uint64s
	always    []uint64        // initial clause bits: the first clause of unindexed rules
	extra     [][]int32       // by rule: its clauses after the first
	scanners  []*fieldScanner // by field key; nil where no needle is
	keys      []fieldKey      // the keys with a scanner, ascending
	keywords  *fieldScanner   // keyword needles, run over every value
	lists     int             // list numbers of its automata (marks)
	unindexed int
}

// newPrefilter indexes the requirements of n rules (reqs[i] of rule i).
// Rule i's first clause has id i, so the first words of a bitset are the
// candidate rules; the other clauses follow.
func newPrefilter(reqs []requirement, cache *acCache) *prefilter {
	pf := &prefilter{n: len(reqs), extra: make([][]int32, len(reqs))}
	ix := &needleIndex{byField: map[fieldKey]*fieldNeedles{}}
	nextID := int32(len(reqs))
	for i, req := range reqs {
		for k, c := range req {
			id := int32(i)
			if k > 0 {
				id = nextID
				nextID++
				pf.extra[i] = append(pf.extra[i], id)
			}
			for _, n := range c {
				ix.add(n, id)
			}
		}
	}
	pf.words = (int(nextID) + 63) / 64
	pf.always = make([]uint64, pf.words)
	for i, req := range reqs {
		if len(req) == 0 {
			pf.always[i>>6] |= 1 << (i & 63)
			pf.unindexed++
		}
	}
	pf.keys, pf.scanners, pf.keywords = ix.build(cache)
	for _, k := range pf.keys {
		pf.lists = pf.scanners[k].number(pf.lists)
	}
	if pf.keywords != nil {
		pf.lists = pf.keywords.number(pf.lists)
	}
	return pf
}

// start initializes a clause bitset of at least pf.words words.
func (pf *prefilter) start(sat []uint64) { copy(sat, pf.always) }

// candidates appends to dst the rules whose clauses are all satisfied in
// sat, in order.
func (pf *prefilter) candidates(sat []uint64, dst []int32) []int32 {
	n := pf.n
	for w := 0; w<<6 < n; w++ {
		word := sat[w]
		if (w+1)<<6 > n {
			word &= 1<<(n-w<<6) - 1
		}
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			i := w<<6 | b
			if allSet(sat, pf.extra[i]) {
				dst = append(dst, int32(i))
			}
		}
	}
	return dst
}

// needleIndex collects the needles of every field key with the clauses
// each satisfies.
type needleIndex struct {
	byField map[fieldKey]*fieldNeedles
}

type fieldNeedles struct {
	index   map[string]int
	texts   []string
	clauses [][]int32
}

func (ix *needleIndex) add(n needle, clauseID int32) {
	fn := ix.byField[n.field]
	if fn == nil {
		fn = &fieldNeedles{index: map[string]int{}}
		ix.byField[n.field] = fn
	}
	k, ok := fn.index[n.text]
	if !ok {
		k = len(fn.texts)
		fn.index[n.text] = k
		fn.texts = append(fn.texts, n.text)
		fn.clauses = append(fn.clauses, nil)
	}
	if cs := fn.clauses[k]; len(cs) == 0 || cs[len(cs)-1] != clauseID {
		fn.clauses[k] = append(cs, clauseID)
	}
}

// build compiles one automaton per field key, on all processors, and
// returns the keys in order with the automata indexed by key, and the
// automaton of the keyword needles (nil: none).
func (ix *needleIndex) build(cache *acCache) ([]fieldKey, []*fieldScanner, *fieldScanner) {
	var keys []fieldKey
	for k := range ix.byField {
		if k >= 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var scanners []*fieldScanner
	if len(keys) > 0 {
		scanners = make([]*fieldScanner, keys[len(keys)-1]+1)
	}
	var keywords *fieldScanner
	// The largest needle sets first, so that the longest build does not
	// start last; the keyword needles' automaton is one more task.
	tasks := slices.Clone(keys)
	if ix.byField[anyField] != nil {
		tasks = append(tasks, anyField)
	}
	sort.SliceStable(tasks, func(i, j int) bool {
		return len(ix.byField[tasks[i]].texts) > len(ix.byField[tasks[j]].texts)
	})
	parallel(len(tasks), func(i int) {
		fn := ix.byField[tasks[i]]
		fs := newFieldScanner(fn.texts, fn.clauses, cache)
		if tasks[i] == anyField {
			keywords = fs
		} else {
			scanners[tasks[i]] = fs
		}
	})
	return keys, scanners, keywords
}

func allSet(set []uint64, ids []int32) bool {
	for _, id := range ids {
		if set[id>>6]&(1<<(id&63)) == 0 {
			return false
		}
	}
	return true
}
