package sigma

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// RuleSet is a set of compiled rules with the prefilter index that lets
// most rules be skipped for most events. It is built once and is safe for
// concurrent use.
type RuleSet struct {
	rules []*Rule
}

// NewRuleSet indexes rules; their order is the order Match reports them in.
func NewRuleSet(rules []*Rule) *RuleSet {
	return &RuleSet{rules: append([]*Rule(nil), rules...)}
}

// Rules returns the rules of the set, in order.
func (s *RuleSet) Rules() []*Rule { return s.rules }

// Match appends to dst every rule that matches p, in rule order, and
// returns it. It does not allocate when dst has room.
func (s *RuleSet) Match(p *event.Process, dst []*Rule) []*Rule {
	for _, r := range s.rules {
		if r.Match(p) {
			dst = append(dst, r)
		}
	}
	return dst
}
