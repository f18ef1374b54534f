package sigma

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// detection is a compiled detection section.
type detection struct {
	names []string     // search identifiers, in document order
	sels  []*selection // by the same index
	cond  *condNode
}

func (d *detection) match(rec record) bool { return d.cond.eval(d.sels, rec) }

// selection is one search identifier: an OR of alternatives, each an AND
// of items (a map is one alternative, a list of maps several).
type selection struct {
	name string
	line int
	alts [][]*item
}

func (s *selection) match(rec record) bool {
	for _, alt := range s.alts {
		if matchAll(alt, rec) {
			return true
		}
	}
	return false
}

func matchAll(items []*item, rec record) bool {
	for _, it := range items {
		if !it.match(rec) {
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

func (it *item) match(rec record) bool {
	if it.ref.any {
		if rec.p == nil {
			return it.matchEventKeywords(rec)
		}
		return it.matchKeywords(rec)
	}
	if it.ref.data && rec.p == nil {
		if _, ok := lookupItem(rec.e.Items, it.ref.name); !ok {
			return it.matchUnnamedData(rec)
		}
	}
	return it.matchValue(it.ref.get(rec), rec)
}

func (it *item) matchValue(v value, rec record) bool {
	if it.neq {
		if !v.present {
			return false
		}
		for _, m := range it.ms {
			if m.match(v, rec) {
				return false
			}
		}
		return true
	}
	if it.all {
		for _, m := range it.ms {
			if !m.match(v, rec) {
				return false
			}
		}
		return true
	}
	for _, m := range it.ms {
		if m.match(v, rec) {
			return true
		}
	}
	return false
}

// matchKeywords matches keyword values against every string field the
// event carries: one field must match a value (with all: every value must
// match some field).
func (it *item) matchKeywords(rec record) bool {
	for _, m := range it.ms {
		found := false
		for _, f := range stringFields {
			s, ok := rec.p.Get(f)
			if !ok {
				continue
			}
			v := value{present: true, str: s}
			if m.match(v, rec) {
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

// matchEventKeywords matches keyword values against every payload value
// of a general event, as matchKeywords does for process events.
func (it *item) matchEventKeywords(rec record) bool {
	for _, m := range it.ms {
		found := false
		for i := range rec.e.Items {
			if m.match(value{present: true, str: rec.e.Items[i].Value}, rec) {
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

// matchUnnamedData matches a "Data" field against the Data elements
// without a Name (Data_1, Data_2, ...) that classic PowerShell and many
// providers log: the item is true when it is true for one of them, and
// tested as absent when there is none.
func (it *item) matchUnnamedData(rec record) bool {
	seen := false
	for i := range rec.e.Items {
		if isUnnamedData(rec.e.Items[i].Name) {
			seen = true
			if it.matchValue(value{present: true, str: rec.e.Items[i].Value}, rec) {
				return true
			}
		}
	}
	return !seen && it.matchValue(value{}, rec)
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
