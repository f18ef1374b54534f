package sigma

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// compileCtx is what compiling a rule's values depends on besides the
// values themselves.
type compileCtx struct {
	opts *Options
	// general: the rule is for a log source other than process_creation,
	// whose records carry fields of any name (so no name is a typo), and
	// whose plain numeric values compare as numbers in any field.
	general bool
}

// compileDetection compiles the detection mapping of a rule and returns
// every problem found in it, in document order.
func compileDetection(node *yaml.Node, cc *compileCtx) (*detection, []*nodeError) {
	if node.Kind != yaml.MappingNode {
		return nil, []*nodeError{errAt(node, "detection must be a mapping of search identifiers and a condition")}
	}
	d := &detection{}
	var errs []*nodeError
	var condNode *yaml.Node
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if k.Value == "condition" {
			condNode = v
			continue
		}
		sel, serrs := compileSelection(k.Value, v, cc)
		errs = append(errs, serrs...)
		if sel == nil {
			sel = &selection{} // keeps the name known to the condition
		}
		sel.line = k.Line
		d.names = append(d.names, k.Value)
		d.sels = append(d.sels, sel)
	}
	if condNode == nil {
		return nil, append(errs, errAt(node, "detection has no condition"))
	}
	cond, err := compileConditions(condNode, d.names)
	if err != nil {
		return nil, append(errs, err)
	}
	d.cond = cond
	if err := d.checkUsed(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return d, nil
}

// compileConditions compiles the condition, a string or a list of strings
// (OR).
func compileConditions(n *yaml.Node, names []string) (*condNode, *nodeError) {
	var srcs []*yaml.Node
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag != "!!null":
		srcs = []*yaml.Node{n}
	case n.Kind == yaml.SequenceNode && len(n.Content) > 0:
		srcs = n.Content
	default:
		return nil, errAt(n, "condition must be a string or a list of strings")
	}
	var kids []*condNode
	for _, s := range srcs {
		if s.Kind != yaml.ScalarNode {
			return nil, errAt(s, "condition must be a string or a list of strings")
		}
		c, err := parseCondition(s.Value, names)
		if err != nil {
			return nil, errAt(s, "%v", err)
		}
		kids = append(kids, c)
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return &condNode{op: opOr, kids: kids}, nil
}

// checkUsed rejects a search identifier no condition refers to: it is
// almost always a typo in a name.
func (d *detection) checkUsed() *nodeError {
	used := make([]bool, len(d.sels))
	var walk func(n *condNode)
	walk = func(n *condNode) {
		switch n.op {
		case opSel:
			used[n.sel] = true
		case opOf:
			for _, s := range n.sels {
				used[s] = true
			}
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(d.cond)
	for i, u := range used {
		if !u {
			return &nodeError{line: d.sels[i].line, msg: fmt.Sprintf("search identifier %q is not used by the condition", d.names[i])}
		}
	}
	return nil
}

// compileSelection compiles one search identifier, returning every
// problem of its items.
func compileSelection(name string, n *yaml.Node, cc *compileCtx) (*selection, []*nodeError) {
	s := &selection{name: name}
	one := func(err *nodeError) (*selection, []*nodeError) { return nil, []*nodeError{err} }
	switch n.Kind {
	case yaml.MappingNode:
		alt, errs := compileMap(n, cc)
		if len(errs) > 0 {
			return nil, errs
		}
		s.alts = [][]*item{alt}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return one(errAt(n, "search identifier %q is an empty list", name))
		}
		if n.Content[0].Kind == yaml.MappingNode {
			var errs []*nodeError
			for _, m := range n.Content {
				if m.Kind != yaml.MappingNode {
					errs = append(errs, errAt(m, "search identifier %q mixes maps and plain values in one list", name))
					continue
				}
				alt, merrs := compileMap(m, cc)
				errs = append(errs, merrs...)
				s.alts = append(s.alts, alt)
			}
			if len(errs) > 0 {
				return nil, errs
			}
			return s, nil
		}
		it, err := compileItem(&yaml.Node{Kind: yaml.ScalarNode, Value: "", Line: n.Line}, n, cc)
		if err != nil {
			return one(err)
		}
		s.alts = [][]*item{{it}}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return one(errAt(n, "search identifier %q is empty", name))
		}
		it, err := compileItem(&yaml.Node{Kind: yaml.ScalarNode, Value: "", Line: n.Line}, n, cc)
		if err != nil {
			return one(err)
		}
		s.alts = [][]*item{{it}}
	default:
		return one(errAt(n, "search identifier %q must be a map, a list of maps or a list of keywords", name))
	}
	return s, nil
}

// compileMap compiles one map of field keys (AND), returning every
// problem of its items.
func compileMap(n *yaml.Node, cc *compileCtx) ([]*item, []*nodeError) {
	if len(n.Content) == 0 {
		return nil, []*nodeError{errAt(n, "empty map in detection")}
	}
	var items []*item
	var errs []*nodeError
	for i := 0; i+1 < len(n.Content); i += 2 {
		it, err := compileItem(n.Content[i], n.Content[i+1], cc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, it)
	}
	return items, errs
}

// compileItem compiles one "Field|modifiers: values" pair; an empty field
// name (a keyword list, or a "|all" key) searches every string field.
func compileItem(key, vals *yaml.Node, cc *compileCtx) (*item, *nodeError) {
	if key.Kind != yaml.ScalarNode {
		return nil, errAt(key, "field name must be a string")
	}
	parts := strings.Split(key.Value, "|")
	name := strings.TrimSpace(parts[0])
	mods, err := parseModifiers(parts[1:])
	if err != nil {
		return nil, errAt(key, "field %q: %v", key.Value, err)
	}
	it := &item{all: mods.all, neq: mods.neq, line: key.Line}
	if name == "" {
		it.ref = fieldRef{any: true}
		if mods.anchor == "" {
			mods.anchor = "contains"
		}
	} else {
		it.ref = resolveField(name)
		if !it.ref.known && !cc.general {
			if hint := suggest(name, knownFieldNames()); hint != "" {
				return nil, errAt(key, "unknown field %q%s", name, hint)
			}
		}
	}
	var nodes []*yaml.Node
	switch vals.Kind {
	case yaml.ScalarNode:
		nodes = []*yaml.Node{vals}
	case yaml.SequenceNode:
		if len(vals.Content) == 0 {
			return nil, errAt(vals, "field %q has an empty list of values", key.Value)
		}
		nodes = vals.Content
	default:
		return nil, errAt(vals, "field %q: value must be a string, a number, null or a list of them", key.Value)
	}
	for _, v := range nodes {
		m, err := compileValue(it.ref, &mods, v, cc)
		if err != nil {
			return nil, &nodeError{line: err.line, msg: fmt.Sprintf("field %q: %s", key.Value, err.msg)}
		}
		it.ms = append(it.ms, m)
	}
	if (mods.exists || mods.compare != "") && len(it.ms) > 1 {
		return nil, errAt(vals, "field %q: this modifier takes a single value", key.Value)
	}
	return it, nil
}
