package binxml

import "github.com/evtxhunt/evtxhunt/analyzer/event"

// shape is what reading a template from a given context finds, without
// any record: which nodes hold each System value and each payload item,
// and which substitutions would expand the tree if a record gave them
// binary XML (guards). A template is read from the top of a record, and
// when it is nested, from the context of the substitution holding it.
type shape struct {
	ctx     context // the context the template's root elements are in
	set     bool
	regular bool // every value in one run of nodes, within the limits
	kind    event.DataKind
	slots   [numSlots]span
	items   span // in state.staticItems
	guards  span // in state.guards
}

// guard is a substitution in the content of an element that can reach
// the view; binary XML there must be read as part of the tree.
type guard struct {
	node uint32
	ctx  context
}

// shapeFor returns the shape of t read from context ctx, computing it on
// first use; nil when t is already used from another nested context
// (the walker reads those records).
func (s *state) shapeFor(t *template, ctx context) *shape {
	sh := &t.top
	if ctx != ctxTop {
		sh = &t.inner
	}
	switch {
	case !sh.set:
		s.findShape(t, sh, ctx)
	case sh.ctx != ctx:
		return nil
	}
	return sh
}

// findShape walks the nodes of t from context ctx, as the walker would,
// and fills sh.
func (s *state) findShape(t *template, sh *shape, ctx context) {
	*sh = shape{ctx: ctx, set: true, regular: true}
	var stack [maxDepth + 1]context
	stack[0] = ctx
	level := 0
	tgt := targetNone // at the top; nested, text goes where the element's content goes
	if ctx != ctxTop {
		tgt = contentTarget(ctx)
	}
	inAttr := false
	sh.items.first = uint32(len(s.staticItems))
	sh.guards.first = uint32(len(s.guards))
	defer func() {
		sh.items.n = uint32(len(s.staticItems)) - sh.items.first
		sh.guards.n = uint32(len(s.guards)) - sh.guards.first
		if sh.items.n > maxDataItems {
			sh.regular = false
		}
	}()
	for i := t.first; i < t.end; i++ {
		nd := &s.nodes[i]
		switch nd.kind {
		case nodeOpen:
			if level >= maxDepth {
				sh.regular = false
				return
			}
			level++
			stack[level] = childContext(stack[level-1], nd.class)
			tgt, inAttr = targetNone, false
			var full bool
			if s.staticItems, full = openPayload(&stack, level, s.staticItems, int(sh.items.first), i, &sh.kind); full {
				sh.regular = false
			}
		case nodeContent, nodeClose:
			if nd.kind == nodeClose && level > 0 {
				level--
			}
			tgt, inAttr = contentTarget(stack[level]), false
		case nodeAttr:
			tgt, inAttr = attrTarget(stack[level], nd.class), true
		default:
			if nd.kind == nodeSubst && !inAttr && stack[level] != ctxOther {
				s.guards = append(s.guards, guard{node: i, ctx: stack[level]})
			}
			if !s.shapeTarget(sh, tgt, i) {
				sh.regular = false
			}
		}
	}
}

// shapeTarget adds value node i to the span of target tgt, reporting
// false when the span already ended (the value is split).
func (s *state) shapeTarget(sh *shape, tgt target, i uint32) bool {
	switch {
	case tgt < 0:
		return true
	case tgt < target(numSlots):
		return extend(&sh.slots[tgt], i)
	case len(s.staticItems) == int(sh.items.first):
		// Not inside an item of this template: text of a nested template
		// that belongs to an item of the enclosing one, which the walker
		// reads (the static view takes each item from one level).
		return false
	}
	it := &s.staticItems[len(s.staticItems)-1]
	if tgt == targetDataName {
		if it.name.n == 0 && s.nodes[i].kind == nodeText {
			it.nameNode = int32(i)
		} else {
			it.nameNode = -1
		}
		return extend(&it.name, i)
	}
	return extend(&it.value, i)
}

// level is one template instance of a record read through its shape.
type level struct {
	sh      *shape
	base, n int
}

// maxLevels bounds the nested template instances staticView follows.
const maxLevels = 4

// staticView fills the record view (System values and payload items)
// from the shapes of the record's template and of the templates nested in
// its binary XML values, as walking them would. It reports false when the
// walker must read the record instead (a nested value that is not a plain
// template instance, a shape that is not regular, a value or the items
// given by more than one level); the view is then left empty.
func (s *state) staticView(t *template, base, n int) bool {
	var levels [maxLevels]level
	levels[0] = level{sh: &t.top, base: base, n: n}
	count := 1
	for li := 0; li < count; li++ {
		lv := levels[li]
		if !lv.sh.regular {
			return false
		}
		for _, g := range s.guards[lv.sh.guards.first : lv.sh.guards.first+lv.sh.guards.n] {
			idx := int(s.nodes[g.node].off)
			if idx >= lv.n || s.vals[lv.base+idx].typ != typeBinXML {
				continue
			}
			if count == maxLevels {
				return false
			}
			nested, ok := s.nestedLevel(s.vals[lv.base+idx], g.ctx)
			if !ok {
				return false
			}
			levels[count] = nested
			count++
		}
	}
	if !s.resolveLevels(levels[:count]) {
		s.parts, s.sys, s.items = s.parts[:0], [numSlots]span{}, s.items[:0]
		s.kind, s.lazyMask = event.NoData, 0
		return false
	}
	return true
}

// nestedLevel reads the template instance of a binary XML value found in
// context ctx.
func (s *state) nestedLevel(v valueDesc, ctx context) (level, bool) {
	p, end := v.off, v.off+uint32(v.size)
	for p+4 <= end && s.chunk[p] == tokFragmentHeader {
		p += 4
	}
	if p >= end || s.chunk[p] != tokTemplateInstance {
		return level{}, false
	}
	t, base, n, f := s.instance(p+1, end)
	if f.kind != 0 {
		return level{}, false // the walker reports it
	}
	sh := s.shapeFor(t, ctx)
	return level{sh: sh, base: base, n: n}, sh != nil
}

// resolveLevels resolves the spans of every level into parts (the System
// values only general events read are left lazy: sysSpan); each System
// value and the payload items must come from one level only.
func (s *state) resolveLevels(levels []level) bool {
	itemsFrom := -1
	for li, lv := range levels {
		if s.kind == event.NoData {
			s.kind = lv.sh.kind
		}
		for sl, sp := range lv.sh.slots {
			if sp.n == 0 {
				continue
			}
			if s.sys[sl].n > 0 || s.lazyMask&(1<<sl) != 0 {
				return false
			}
			if slot(sl) >= firstLazySlot { // read by general events only
				s.lazy[sl-int(firstLazySlot)] = lazySlot{nodes: sp, base: lv.base, n: lv.n}
				s.lazyMask |= 1 << sl
				continue
			}
			s.sys[sl] = s.resolve(sp, lv.base, lv.n)
		}
		if lv.sh.items.n == 0 {
			continue
		}
		if itemsFrom >= 0 {
			return false
		}
		itemsFrom = li
		for _, it := range s.staticItems[lv.sh.items.first : lv.sh.items.first+lv.sh.items.n] {
			name := s.resolve(it.name, lv.base, lv.n)
			nameNode := it.nameNode
			if it.kind == itemData && name.n != 1 {
				nameNode = -1
			}
			s.items = append(s.items, item{name: name, value: s.resolve(it.value, lv.base, lv.n), nameNode: nameNode, kind: it.kind})
		}
	}
	return true
}

// resolve turns a span of template nodes into a span of parts, skipping
// substitutions whose value is missing, null or binary XML (which can
// only be in an attribute here: guards send the others to a nested level).
func (s *state) resolve(nodes span, base, n int) span {
	out := span{first: uint32(len(s.parts))}
	for i := nodes.first; i < nodes.first+nodes.n; i++ {
		nd := &s.nodes[i]
		var p part
		switch nd.kind {
		case nodeText:
			p = part{kind: partText, off: nd.off, n: nd.n}
		case nodeCharRef:
			p = part{kind: partChar, off: nd.off}
		case nodeEntity:
			p = part{kind: partEntity, off: nd.off, n: nd.n}
		case nodeSubst:
			if int(nd.off) >= n {
				continue
			}
			v := s.vals[base+int(nd.off)]
			if v.typ == typeNull || v.typ == typeBinXML {
				continue
			}
			p = part{kind: partValue, vtype: v.typ, off: v.off, n: uint32(v.size)}
		default:
			continue
		}
		s.parts = append(s.parts, p)
		out.n++
	}
	if out.n == 0 {
		out.first = 0
	}
	return out
}
