package sigma

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// detection is a compiled detection section.
type detection struct {
	names []string     // search identifiers, in document order
	sels  []*selection // by the same index
	cond  *condNode
}

func (d *detection) match(p *event.Process) bool { return d.cond.eval(d.sels, p) }

// selection is one search identifier: an OR of alternatives, each an AND
// of items (a map is one alternative, a list of maps several).
type selection struct {
	name string
	line int
	alts [][]*item
}

func (s *selection) match(p *event.Process) bool {
	for _, alt := range s.alts {
		if matchAll(alt, p) {
			return true
		}
	}
	return false
}

func matchAll(items []*item, p *event.Process) bool {
	for _, it := range items {
		if !it.match(p) {
			return false
		}
	}
	return true
}

// item is one field of a selection with its values.
type item struct {
	ref  fieldRef
	all  bool // every value must match (the all modifier)
	neq  bool // no value may match, and the field must exist
	ms   []matcher
	line int
}

func (it *item) match(p *event.Process) bool {
	if it.ref.any {
		return it.matchKeywords(p)
	}
	v := it.ref.get(p)
	return it.matchValue(v, p)
}

func (it *item) matchValue(v value, p *event.Process) bool {
	if it.neq {
		if !v.present {
			return false
		}
		for _, m := range it.ms {
			if m.match(v, p) {
				return false
			}
		}
		return true
	}
	if it.all {
		for _, m := range it.ms {
			if !m.match(v, p) {
				return false
			}
		}
		return true
	}
	for _, m := range it.ms {
		if m.match(v, p) {
			return true
		}
	}
	return false
}

// matchKeywords matches keyword values against every string field the
// event carries: one field must match a value (with all: every value must
// match some field).
func (it *item) matchKeywords(p *event.Process) bool {
	for _, m := range it.ms {
		found := false
		for _, f := range stringFields {
			s, ok := p.Get(f)
			if !ok {
				continue
			}
			v := value{present: true, str: s}
			if m.match(v, p) {
				found = true
				break
			}
		}
		if found && !it.all {
			return true
		}
		if !found && it.all {
			return false
		}
	}
	return it.all
}

// nodeError is a problem at a line of a rule file.
type nodeError struct {
	line int
	msg  string
}

func (e *nodeError) Error() string { return e.msg }

func errAt(n *yaml.Node, format string, args ...any) *nodeError {
	return &nodeError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}
