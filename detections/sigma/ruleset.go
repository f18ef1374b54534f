package sigma

import (
	"math/bits"
	"runtime"
	"sync"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// RuleSet is a set of compiled rules with the prefilter index that lets
// most rules be skipped for most events. It is built once and is safe for
// concurrent use.
//
// Each rule has a requirement: up to four clauses of needles (field, text)
// such that the rule cannot match unless every clause has a needle in the
// event (see needles.go). One Aho-Corasick automaton per field finds the
// needles of an event in one pass and marks their clauses satisfied. A
// rule is evaluated only when all its clauses are; rules without a
// requirement are always evaluated.
type RuleSet struct {
	rules     []*Rule
	words     int             // length of a clause bitset in uint64s
	always    []uint64        // initial clause bits: the first clause of unindexed rules
	extra     [][]int32       // by rule: its clauses after the first
	fields    []event.Field   // fields with an automaton
	automata  []*fieldScanner // by the same index
	keywords  *fieldScanner   // keyword needles, run over every string field
	scratch   sync.Pool       // *[]uint64 clause bitsets
	unindexed int
}

// NewRuleSet indexes rules; their order is the order Match reports them in.
func NewRuleSet(rules []*Rule) *RuleSet {
	s := &RuleSet{rules: append([]*Rule(nil), rules...)}
	s.extra = make([][]int32, len(s.rules))
	ix := newNeedleIndex()
	// Clause ids: the first clause of rule i is i, so the first words of
	// the bitset are the candidate rules; other clauses follow.
	nextID := int32(len(s.rules))
	reqs := make([]requirement, len(s.rules))
	parallel(len(s.rules), func(i int) {
		if d := s.rules[i].det; d != nil {
			reqs[i] = d.requirement()
		}
	})
	for i := range s.rules {
		for k, c := range reqs[i] {
			id := int32(i)
			if k > 0 {
				id = nextID
				nextID++
				s.extra[i] = append(s.extra[i], id)
			}
			for _, n := range c {
				ix.add(n, id)
			}
		}
	}
	s.words = (int(nextID) + 63) / 64
	s.always = make([]uint64, s.words)
	for i := range s.rules {
		if len(reqs[i]) == 0 {
			s.always[i>>6] |= 1 << (i & 63)
			s.unindexed++
		}
	}
	s.fields, s.automata = ix.build()
	if fn := ix.byField[anyField]; fn != nil {
		s.keywords = newFieldScanner(fn.texts, fn.clauses)
	}
	s.scratch.New = func() any {
		b := make([]uint64, s.words)
		return &b
	}
	return s
}

// needleIndex collects the needles of every field with the clauses each
// satisfies.
type needleIndex struct {
	byField map[event.Field]*fieldNeedles
}

type fieldNeedles struct {
	index   map[string]int
	texts   []string
	clauses [][]int32
}

func newNeedleIndex() *needleIndex {
	return &needleIndex{byField: map[event.Field]*fieldNeedles{}}
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

// build compiles one automaton per field, in field order.
func (ix *needleIndex) build() ([]event.Field, []*fieldScanner) {
	var fields []event.Field
	var automata []*fieldScanner
	for f := event.Field(0); f < event.NumFields; f++ {
		if ix.byField[f] != nil {
			fields = append(fields, f)
		}
	}
	automata = make([]*fieldScanner, len(fields))
	parallel(len(fields), func(i int) {
		fn := ix.byField[fields[i]]
		automata[i] = newFieldScanner(fn.texts, fn.clauses)
	})
	return fields, automata
}

// parallel calls fn(0) ... fn(n-1) on all processors and waits.
func parallel(n int, fn func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Rules returns the rules of the set, in order.
func (s *RuleSet) Rules() []*Rule { return s.rules }

// Unindexed returns how many rules have no literal prerequisite and are
// evaluated for every event.
func (s *RuleSet) Unindexed() int { return s.unindexed }

// Match appends to dst every rule that matches p, in rule order, and
// returns it. It does not allocate when dst has room.
func (s *RuleSet) Match(p *event.Process, dst []*Rule) []*Rule {
	bp := s.scratch.Get().(*[]uint64)
	sat := *bp
	copy(sat, s.always)
	s.scan(p, sat)
	n := len(s.rules)
	for w := 0; w<<6 < n; w++ {
		word := sat[w]
		if (w+1)<<6 > n {
			word &= 1<<(n-w<<6) - 1
		}
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			i := w<<6 | b
			if allSet(sat, s.extra[i]) && s.rules[i].Match(p) {
				dst = append(dst, s.rules[i])
			}
		}
	}
	s.scratch.Put(bp)
	return dst
}

// scan marks the clauses whose needles occur in p.
func (s *RuleSet) scan(p *event.Process, sat []uint64) {
	for i, f := range s.fields {
		if v, ok := p.Get(f); ok && v != "" {
			s.automata[i].scan(v, sat)
		}
	}
	if s.keywords != nil {
		for _, f := range stringFields {
			if v, ok := p.Get(f); ok && v != "" {
				s.keywords.scan(v, sat)
			}
		}
	}
}

func allSet(set []uint64, ids []int32) bool {
	for _, id := range ids {
		if set[id>>6]&(1<<(id&63)) == 0 {
			return false
		}
	}
	return true
}

// MatchEvent appends the rules that match a general event to dst.
// (Placeholder until general log sources are supported: none do.)
func (s *RuleSet) MatchEvent(_ *event.Event, dst []*Rule) []*Rule { return dst }

// Selection returns the records the rules need decoded (placeholder: none).
func (s *RuleSet) Selection() *event.Selection { return &event.Selection{} }
