package binxml

import (
	"encoding/binary"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// walker tracks where the walk of a record is in its element tree.
type walker struct {
	level  int
	stack  [maxDepth + 1]context
	tgt    target
	inAttr bool
	steps  int
}

// instance reads a template instance whose token is at p-1: the template
// it uses (compiling a definition found there or elsewhere in the chunk)
// and its values. It returns the template, the first of its values in
// s.vals and their count.
func (s *state) instance(p, end uint32) (t *template, base, n int, f failure) {
	b := s.chunk
	if p+9 > end {
		return nil, 0, 0, failure{kind: failMalformed, off: p, what: "template instance runs past the record"}
	}
	defOff := binary.LittleEndian.Uint32(b[p+5:])
	q := p + 9
	if defOff == q { // the definition is written here, before the values
		if q+templateDefHeader > end {
			return nil, 0, 0, failure{kind: failMalformed, off: q, what: "template definition header runs past the record"}
		}
		size := binary.LittleEndian.Uint32(b[q+20:])
		if uint64(q)+templateDefHeader+uint64(size) > uint64(end) {
			return nil, 0, 0, failure{kind: failMalformed, off: q, what: "template definition runs past the record", val: uint64(size)}
		}
		q += templateDefHeader + size
	}
	t = s.templateAt(defOff)
	if t.fail.kind != 0 {
		return nil, 0, 0, t.fail
	}
	base, _, f = s.readValues(q, end)
	if f.kind != 0 {
		return nil, 0, 0, f
	}
	return t, base, len(s.vals) - base, failure{}
}

// walkFragment walks the binary XML in [p, end): fragment headers, then
// a template instance or plain elements.
func (s *state) walkFragment(w *walker, p, end uint32, nest int) failure {
	if nest > maxNesting {
		return failure{kind: failMalformed, off: p, what: "binary XML values nested too deeply"}
	}
	b := s.chunk
	for p+4 <= end && b[p] == tokFragmentHeader {
		p += 4
	}
	if p >= end {
		return failure{}
	}
	if b[p] == tokTemplateInstance {
		t, base, n, f := s.instance(p+1, end)
		if f.kind != 0 {
			return f
		}
		return s.walkTemplate(w, t.first, t.end, base, n, nest)
	}
	t := s.fragmentAt(p, end)
	if t.fail.kind != 0 {
		return t.fail
	}
	return s.walkTemplate(w, t.first, t.end, 0, 0, nest)
}

// walkTemplate walks the nodes [first, end) of a compiled template with
// the values [base, base+n) of s.vals, collecting the System values and
// payload items of the record into s.sys and s.items.
func (s *state) walkTemplate(w *walker, first, end uint32, base, n, nest int) failure {
	for i := first; i < end; i++ {
		if w.steps++; w.steps > maxWalkSteps {
			return failure{kind: failMalformed, what: "record expands to too many nodes"}
		}
		if s.steps++; s.steps > maxChunkSteps {
			return failure{kind: failMalformed, what: "chunk expands to too many nodes"}
		}
		nd := s.nodes[i]
		switch nd.kind {
		case nodeOpen:
			if w.level >= maxDepth {
				return failure{kind: failMalformed, what: "elements nested too deeply"}
			}
			w.level++
			w.stack[w.level] = childContext(w.stack[w.level-1], nd.class)
			w.tgt, w.inAttr = targetNone, false
			var full bool
			if s.items, full = openPayload(&w.stack, w.level, s.items, 0, i, &s.kind); full {
				s.itemsFull = true
			}
		case nodeContent, nodeClose:
			if nd.kind == nodeClose && w.level > 0 {
				w.level--
			}
			w.tgt, w.inAttr = contentTarget(w.stack[w.level]), false
		case nodeAttr:
			w.tgt, w.inAttr = attrTarget(w.stack[w.level], nd.class), true
		case nodeSubst:
			if int(nd.off) >= n {
				continue // a value the instance does not supply is empty
			}
			v := s.vals[base+int(nd.off)]
			switch v.typ {
			case typeNull:
			case typeBinXML:
				if w.inAttr || w.stack[w.level] == ctxOther {
					continue // nothing under an ignored element reaches the view
				}
				if f := s.walkFragment(w, v.off, v.off+uint32(v.size), nest+1); f.kind != 0 {
					return f
				}
				w.tgt = contentTarget(w.stack[w.level])
			default:
				s.add(w, part{kind: partValue, vtype: v.typ, off: v.off, n: uint32(v.size)})
			}
		case nodeText:
			if w.tgt == targetDataName && len(s.items) > 0 && s.items[len(s.items)-1].name.n == 0 {
				s.items[len(s.items)-1].nameNode = int32(i)
			}
			s.add(w, part{kind: partText, off: nd.off, n: nd.n})
		case nodeCharRef:
			s.add(w, part{kind: partChar, off: nd.off})
		case nodeEntity:
			s.add(w, part{kind: partEntity, off: nd.off, n: nd.n})
		}
	}
	return failure{}
}

// add gives part p to the walker's current target.
func (s *state) add(w *walker, p part) {
	var sp *span
	switch {
	case w.tgt < 0:
		return
	case w.tgt < target(numSlots):
		sp = &s.sys[w.tgt]
	case len(s.items) == 0:
		return
	case w.tgt == targetDataName:
		sp = &s.items[len(s.items)-1].name
	default:
		sp = &s.items[len(s.items)-1].value
	}
	if extend(sp, uint32(len(s.parts))) {
		s.parts = append(s.parts, p)
	}
}

// openPayload applies to items (the payload items collected from index
// floor on) what opening the element at stack[level], template node i,
// means for the payload: EventData or UserData sets the payload kind;
// Data, Binary and UserData elements under the wrapper start an item; and
// a UserData element in which a child opens is a branch, not a leaf, so
// its item (then the last one: its children's come after it) is dropped.
// Past maxDataItems items it reports full instead of adding one: the
// walker then sets s.itemsFull, and only building the record's event
// fails (its time and host still count).
func openPayload(stack *[maxDepth + 1]context, level int, items []item, floor int, i uint32, kind *event.DataKind) (_ []item, full bool) {
	ctx := stack[level]
	switch ctx {
	case ctxEventData:
		if *kind == event.NoData {
			*kind = event.EventData
		}
		return items, false
	case ctxUserData:
		if *kind == event.NoData {
			*kind = event.UserData
		}
		return items, false
	case ctxUserLeaf:
		if stack[level-1] == ctxUserLeaf {
			stack[level-1] = ctxUserBranch
			if len(items) > floor && items[len(items)-1].kind == itemLeaf {
				items = items[:len(items)-1]
			}
		}
	case ctxData, ctxBinary:
	default:
		return items, false
	}
	if len(items)-floor >= maxDataItems {
		return items, true
	}
	it := item{nameNode: -1}
	switch ctx {
	case ctxBinary:
		it.kind = itemBinary
	case ctxUserLeaf:
		it.kind, it.nameNode = itemLeaf, int32(i)
	}
	return append(items, it), false
}
