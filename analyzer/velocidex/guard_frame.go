package velocidex

// frame is an open element of a parse.
type frame struct {
	sets    int   // entries set in its dictionary
	kids    int   // child elements
	unnamed bool  // its name is empty: it is the text entry of its parent
	merged  int   // top-level entries of the unnamed child element merged into it
	litN    int   // instances set in it (expanded at parse time: dictionaries)
	litTop  int   // most top-level entries of one of them
	lastRef int32 // its last substitution in tmpl.refs, -1 for none
}

// ref is a substitution of a template.
type ref struct {
	id   uint16
	k    int32 // entries of its element once closed; -1 while open
	prev int32 // the previous substitution of its element, -1 for none
}

// open follows ParseOpenStartElement after the name: a new template
// node, set as an entry of the current one and pushed.
func (m *mirror) open(c *cursor, t *tmpl, base int, unnamed bool) {
	if m.set(c, t, base) {
		f := &m.frames[len(m.frames)-1]
		f.kids++
		t.maxKids = max(t.maxKids, f.kids)
	}
	m.frames = append(m.frames, frame{unnamed: unnamed, lastRef: -1})
	m.build(c, t, costNode)
}

// literal follows the set of an expanded instance into the current
// template.
func (m *mirror) literal(c *cursor, t *tmpl, base int, lit arg) {
	if !m.set(c, t, base) {
		return
	}
	f := &m.frames[len(m.frames)-1]
	f.litN++
	f.litTop = max(f.litTop, lit.top)
	t.lits.add(lit)
}

// substitution follows the set of substitution id into the current
// template.
func (m *mirror) substitution(c *cursor, t *tmpl, base int, id uint16) {
	if !m.set(c, t, base) {
		return
	}
	f := &m.frames[len(m.frames)-1]
	t.refs = append(t.refs, ref{id: id, k: -1, prev: f.lastRef})
	f.lastRef = int32(len(t.refs) - 1)
}

// pop closes the innermost open element of the parse. Its expansion
// merges the dictionary under its text key (an instance, a binary XML
// value, an unnamed child element) into its own entries; an unnamed
// element is that entry of its parent.
func (m *mirror) pop(t *tmpl, base int) {
	top := len(m.frames) - 1
	f := m.frames[top]
	m.frames = m.frames[:top]
	for r := f.lastRef; r >= 0; r = t.refs[r].prev {
		t.refs[r].k = int32(min(f.sets, maxKeys))
	}
	t.built = capped(t.built + f.mergeCost())
	out := min(f.sets+max(f.merged, f.litTop), maxKeys)
	t.maxTop = max(t.maxTop, out)
	if f.unnamed && top > base {
		p := &m.frames[top-1]
		p.merged = max(p.merged, out)
	}
}

// mergeCost is what the merges of f's own dictionaries cost (values
// aside): its unnamed child element, the instances set in it.
func (f *frame) mergeCost() int64 {
	return capped(mergeCost(f.sets, f.merged) + int64(f.litN)*mergeCost(f.sets, f.litTop))
}

// pending is what expanding t costs for the merges in its elements still
// open: an instance of a template inside its own definition expands the
// elements built so far.
func (m *mirror) pending(t *tmpl) (cost int64) {
	if !t.open {
		return 0
	}
	for i := range m.frames[t.base:] {
		cost = capped(cost + m.frames[t.base+i].mergeCost())
	}
	return cost
}

// set follows one entry set in the current template's dictionary
// (SetNested, SetLiteral, SetExpansion): into the innermost open
// element, or into a fresh template when the parse popped them all,
// which it reports as false. Every expansion sets it again, in a
// dictionary of distinct keys.
func (m *mirror) set(c *cursor, t *tmpl, base int) bool {
	top := len(m.frames) - 1
	if top < base {
		m.charge(c, costNode+setCost(0)) // a fresh template, discarded
		return false
	}
	s := m.frames[top].sets
	m.frames[top].sets++
	t.maxSets = max(t.maxSets, s+1)
	m.charge(c, setCost(s))
	t.built += costEntry
	return true
}

// build charges n bytes of t's structure: allocated once by the parse
// and again by every expansion.
func (m *mirror) build(c *cursor, t *tmpl, n int64) {
	t.built += n
	m.charge(c, n)
}
