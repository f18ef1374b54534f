package velocidex

// frame is an open element of a parse.
type frame struct {
	sets    int  // entries set in its dictionary
	kids    int  // child elements
	unnamed bool // its name is empty: it is the text entry of its parent
	merged  int  // top-level entries of the unnamed child element merged into it
}

// open follows ParseOpenStartElement after the name: a new template
// node, set as an entry of the current one and pushed.
func (m *mirror) open(c *cursor, t *tmpl, base int, unnamed bool) {
	m.set(c, t, base)
	if top := len(m.frames) - 1; top >= base {
		m.frames[top].kids++
		t.maxKids = max(t.maxKids, m.frames[top].kids)
	}
	m.frames = append(m.frames, frame{unnamed: unnamed})
	m.build(c, t, costNode)
}

// pop closes the innermost open element of the parse. An element whose
// name is empty is the text entry of its parent, whose expansion copies
// the element's top-level entries into its own (merge).
func (m *mirror) pop(t *tmpl, base int) {
	top := len(m.frames) - 1
	f := m.frames[top]
	m.frames = m.frames[:top]
	t.built = capped(t.built + mergeCost(f.sets, f.merged))
	out := min(f.sets+f.merged, maxKeys)
	t.maxTop = max(t.maxTop, out)
	if f.unnamed && top > base {
		p := &m.frames[top-1]
		p.merged = max(p.merged, out)
	}
}

// pending is what expanding t costs for the merges in its elements still
// open: an instance of a template inside its own definition expands the
// elements built so far.
func (m *mirror) pending(t *tmpl) (cost int64) {
	if !t.open {
		return 0
	}
	for _, f := range m.frames[t.base:] {
		cost = capped(cost + mergeCost(f.sets, f.merged))
	}
	return cost
}

// set follows one entry set in the current template's dictionary
// (SetNested, SetLiteral, SetExpansion): into the innermost open
// element, or into a fresh template when the parse popped them all.
// Every expansion sets it again, in a dictionary of distinct keys.
func (m *mirror) set(c *cursor, t *tmpl, base int) {
	top := len(m.frames) - 1
	if top < base {
		m.charge(c, costNode+setCost(0)) // a fresh template, discarded
		return
	}
	s := m.frames[top].sets
	m.frames[top].sets++
	t.maxSets = max(t.maxSets, s+1)
	m.charge(c, setCost(s))
	t.built += costEntry
}

// build charges n bytes of t's structure: allocated once by the parse
// and again by every expansion.
func (m *mirror) build(c *cursor, t *tmpl, n int64) {
	t.built += n
	m.charge(c, n)
}
