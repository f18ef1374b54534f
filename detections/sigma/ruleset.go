package sigma

import (
	"runtime"
	"sync"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// RuleSet is a set of compiled rules indexed so that each event is
// checked against few of them. It is built once and is safe for
// concurrent use.
//
// Process events (Match) go through one prefilter over the rules that can
// apply to a process creation: the process_creation rules and the rules
// of other log sources that include Security 4688 or Sysmon 1. General
// events (MatchEvent) go to the bucket of their channel and event id
// (generalindex.go), which lists only the rules whose log source and
// EventID values include that channel and id, and has a prefilter of its
// own when it holds many rules.
type RuleSet struct {
	rules     []*Rule
	procRules []int32 // indexes into rules of the process prefilter's rules
	proc      *prefilter
	general   *generalIndex
	selection *event.Selection
	scratch   sync.Pool // *matchScratch
}

// matchScratch is the per-call state of a match, pooled.
type matchScratch struct {
	sat   []uint64
	marks marks
	cands []int32
}

// NewRuleSet indexes rules; their order is the order Match and MatchEvent
// report them in.
func NewRuleSet(rules []*Rule) *RuleSet {
	s := &RuleSet{rules: append([]*Rule(nil), rules...)}
	for i, r := range s.rules {
		if r.det != nil && r.canMatchProcess() {
			s.procRules = append(s.procRules, int32(i))
		}
	}
	reqs := make([]requirement, len(s.procRules))
	parallel(len(s.procRules), func(i int) {
		reqs[i] = s.rules[s.procRules[i]].det.requirement(processKey)
	})
	// The process prefilter (one large command-line automaton) and the
	// buckets of the other records are built side by side, so that the
	// cores do not wait on the largest automaton; automata of the same
	// needles share a table.
	cache := newACCache()
	var general sync.WaitGroup
	general.Go(func() { s.general = newGeneralIndex(s.rules, cache) })
	s.proc = newPrefilter(reqs, cache)
	s.selection = buildSelection(s.rules)
	general.Wait()
	words := max(s.proc.words, s.general.maxWords)
	s.scratch.New = func() any { return &matchScratch{sat: make([]uint64, words)} }
	return s
}

// canMatchProcess reports whether the rule can apply to a process
// creation: a process_creation rule, or one with a binding (read without
// a field mapping) that admits Security 4688 or Sysmon 1.
func (r *Rule) canMatchProcess() bool {
	if r.isProcessCreation() {
		return true
	}
	for _, b := range r.binds {
		if b.equiv == nil && (b.admits(chSecurity, event.SecurityProcessCreate) || b.admits(chSysmon, event.SysmonProcessCreate)) {
			return true
		}
	}
	return false
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

// Unindexed returns how many of the rules that apply to process events
// have no literal prerequisite and are evaluated for every one.
func (s *RuleSet) Unindexed() int { return s.proc.unindexed }

// Selection returns the records, beyond process creations, that the rules
// need decoded in full: the channels and event ids of their log sources,
// narrowed to the EventID values their conditions require; a whole
// channel when a rule pins no id (a keyword rule, or service security
// without an EventID); every record when a rule's log source is
// product windows alone. The selection is shared: do not change it.
func (s *RuleSet) Selection() *event.Selection { return s.selection }

// Match appends to dst every rule that matches the process event p, in
// rule order, and returns it: the process_creation rules, and the rules
// of other log sources that include p's channel and event id. It does not
// allocate when dst has room.
func (s *RuleSet) Match(p *event.Process, dst []*Rule) []*Rule {
	return s.MatchExcept(p, dst, nil)
}

// MatchExcept is Match leaving out the rules whose index in Rules() is
// set in skip (nil: none left out; shorter than Rules(): the rest kept).
func (s *RuleSet) MatchExcept(p *event.Process, dst []*Rule, skip []bool) []*Rule {
	sc := s.scratch.Get().(*matchScratch)
	sat := sc.sat[:s.proc.words]
	s.proc.start(sat)
	sc.marks.reset(sat, s.proc.lists)
	s.scanProcess(p, &sc.marks)
	sc.cands = s.proc.candidates(sat, sc.cands[:0])
	for _, c := range sc.cands {
		ri := s.procRules[c]
		if int(ri) < len(skip) && skip[ri] {
			continue
		}
		if r := s.rules[ri]; r.Match(p) {
			dst = append(dst, r)
		}
	}
	s.scratch.Put(sc)
	return dst
}

// scanProcess marks the clauses whose needles occur in p.
func (s *RuleSet) scanProcess(p *event.Process, m *marks) {
	pf := s.proc
	for _, k := range pf.keys {
		if v, ok := p.Get(event.Field(k)); ok && v != "" {
			pf.scanners[k].scan(v, m)
		}
	}
	if pf.keywords != nil {
		for _, f := range stringFields {
			if v, ok := p.Get(f); ok && v != "" {
				pf.keywords.scan(v, m)
			}
		}
	}
}

// MatchEvent appends to dst every rule that matches the general event e,
// in rule order, and returns it. Only the rules whose log source includes
// e's channel and event id are evaluated. Process creations are matched
// with Match, as event.Process. It does not allocate when dst has room.
func (s *RuleSet) MatchEvent(e *event.Event, dst []*Rule) []*Rule {
	b := s.general.bucket(e.Channel, e.EventID)
	if b == nil {
		return dst
	}
	if b.pf == nil {
		for i, ri := range b.rules {
			if s.rules[ri].matchBound(e, b.equivs[i]) {
				dst = append(dst, s.rules[ri])
			}
		}
		return dst
	}
	sc := s.scratch.Get().(*matchScratch)
	sat := sc.sat[:b.pf.words]
	b.pf.start(sat)
	sc.marks.reset(sat, b.pf.lists)
	b.scan(e, &sc.marks)
	sc.cands = b.pf.candidates(sat, sc.cands[:0])
	for _, c := range sc.cands {
		if r := s.rules[b.rules[c]]; r.matchBound(e, b.equivs[c]) {
			dst = append(dst, r)
		}
	}
	s.scratch.Put(sc)
	return dst
}

// matchBound evaluates the rule on e, read through the equivalent of the
// binding that admitted it.
func (r *Rule) matchBound(e *event.Event, eq *equivalent) bool {
	if eq != nil && !eq.accepts(e) {
		return false
	}
	return r.det.match(record{e: e, eq: eq})
}
