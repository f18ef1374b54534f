package correlation

import (
	"cmp"
	"math"
	"slices"
)

// obs is one record (a base rule's match) or one finding of a correlation
// this rule refers to, held in its group until its windows are decided.
// Its fields are ordered to keep it at 72 bytes.
type obs struct {
	t     int64  // time, nanoseconds since 1970, clamped to ±2^62
	value string // value_count: the counted value as logged
	vkey  string // value_count: value folded to lower case
	rec   record // the record; zero for a correlation's finding
	inner *Finding
}

// record is the identity of a record, as compact as Ref, and the
// referenced rule it matched.
type record struct {
	names    *names // nil for a correlation's finding
	recordID uint64
	eventID  uint32
	pos      uint8 // which of the rule's referenced rules it matched
}

// names are the computer, channel and file of records, shared between
// records.
type names struct{ computer, channel, file string }

// compareObs orders a group's records: by time, then by referenced rule
// (records of the same instant count as in the listed order), then by
// record id, so the order does not depend on the reading order.
func compareObs(a, b *obs) int {
	if c := cmp.Compare(a.t, b.t); c != 0 {
		return c
	}
	if c := cmp.Compare(a.rec.pos, b.rec.pos); c != 0 {
		return c
	}
	return cmp.Compare(a.rec.recordID, b.rec.recordID)
}

// group is the state of one group of one rule: its records not yet
// decided, sorted, and the aggregate of the window of its earliest one.
//
// The window of the anchor buf[head] is buf[head:tail]: every record from
// the anchor to the anchor's time plus the timespan (inclusive). tail
// lags behind until a decision extends it; agg always describes
// buf[head:tail].
type group struct {
	key     string   // folded group-by values
	values  []string // group-by values as first logged
	buf     []obs    // starts as first, so a group of one record allocates no buffer
	first   [1]obs
	valArr  [2]string // storage of values for up to two group-by fields
	head    int
	tail    int
	agg     aggregate
	extra   int   // bytes the held records point to (values, findings)
	cost    int   // bytes counted for the group in Engine.used
	touch   int64 // the engine's watermark when the group last received a record
	decided int64 // end of the latest window decided
	// prev and next link the groups of a rule from least to most
	// recently touched.
	prev, next *group
}

// aggregate is what a rule's condition needs of a window.
type aggregate struct {
	n        int          // records
	counting bool         // value_count: values counts the window's values
	values   valueCounter // value_count: records per folded value
	perPos   []int32      // temporal: records per referenced rule
	present  int          // temporal: referenced rules with records
}

func (a *aggregate) add(o *obs) {
	a.n++
	if a.counting {
		a.values.add(o.vkey)
	}
	if a.perPos != nil {
		if a.perPos[o.rec.pos] == 0 {
			a.present++
		}
		a.perPos[o.rec.pos]++
	}
}

func (a *aggregate) remove(o *obs) {
	a.n--
	if a.counting {
		a.values.remove(o.vkey)
	}
	if a.perPos != nil {
		if a.perPos[o.rec.pos]--; a.perPos[o.rec.pos] == 0 {
			a.present--
		}
	}
}

func (a *aggregate) reset() {
	a.n, a.present = 0, 0
	a.values.reset()
	clear(a.perPos)
}

// reset empties a closed group for reuse by its rule, keeping a small
// record buffer and value list.
func (g *group) reset() *group {
	clear(g.buf[:cap(g.buf)])
	clear(g.valArr[:])
	g.agg.reset()
	buf, values, perPos := g.buf[:0], g.agg.values, g.agg.perPos[:0]
	if cap(buf) > smallBuffer {
		buf = nil // a group of many records was rare; most stay small
	}
	if cap(values.few) > smallBuffer {
		values = valueCounter{}
	}
	*g = group{buf: buf, agg: aggregate{values: values, perPos: perPos}}
	return g
}

// pending returns the number of records held.
func (g *group) pending() int { return len(g.buf) - g.head }

// insert adds o at its place in time order. A record before the current
// anchor makes it the new anchor: the window is rebuilt on the next
// decision.
func (g *group) insert(o obs) {
	if len(g.buf) == cap(g.buf) && g.head > 0 {
		g.shift() // reuse the spent front rather than grow
	}
	g.extra += extraBytes(&o)
	p := g.head + sortSearch(g.buf[g.head:], &o)
	g.buf = slices.Insert(g.buf, p, o)
	switch {
	case p == g.head && g.tail > g.head:
		g.agg.reset()
		g.tail = g.head
	case p < g.tail:
		g.agg.add(&g.buf[p])
		g.tail++
	}
}

// sortSearch returns the index of the first record of buf after o.
func sortSearch(buf []obs, o *obs) int {
	lo, hi := 0, len(buf)
	if hi > 0 && compareObs(&buf[hi-1], o) <= 0 {
		return hi // in order: the common case
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareObs(&buf[m], o) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// extend grows the anchor's window to every record within span of it.
func (g *group) extend(span int64) {
	if g.tail < g.head {
		g.tail = g.head
	}
	end := g.buf[g.head].t + span
	for g.tail < len(g.buf) && g.buf[g.tail].t <= end {
		g.agg.add(&g.buf[g.tail])
		g.tail++
	}
}

// dropAnchor removes the anchor from the window: its window did not
// satisfy the condition, and the next record becomes the anchor.
func (g *group) dropAnchor() {
	g.agg.remove(&g.buf[g.head])
	g.extra -= extraBytes(&g.buf[g.head])
	g.buf[g.head] = obs{}
	g.head++
}

// consumeWindow removes the anchor's whole window: it made a finding.
func (g *group) consumeWindow() {
	for i := g.head; i < g.tail; i++ {
		g.extra -= extraBytes(&g.buf[i])
	}
	clear(g.buf[g.head:g.tail])
	g.head = g.tail
	g.agg.reset()
}

// shift moves the held records to the front of buf.
func (g *group) shift() {
	n := copy(g.buf, g.buf[g.head:])
	clear(g.buf[n:])
	g.buf = g.buf[:n]
	g.tail -= g.head
	g.head = 0
}

// smallBuffer is the capacity a group's record buffer may keep unused.
const smallBuffer = 4

// compact gives back the memory of a buffer that emptied or shrank to a
// quarter of its capacity.
func (g *group) compact() {
	n := g.pending()
	switch {
	case n == 0:
		g.buf, g.head, g.tail = g.buf[:0], 0, 0
		if cap(g.buf) > smallBuffer {
			g.buf = g.first[:0]
		}
	case cap(g.buf) > smallBuffer && n < cap(g.buf)/4:
		g.shift()
		g.buf = append(make([]obs, 0, 2*n), g.buf...)
	}
}

// count returns the count the rule's condition is checked against for the
// anchor's window (extended), and whether the window can make a finding at
// all (a temporal_ordered window must start with the first rule).
func (rs *ruleState) count(g *group) (int64, bool) {
	switch rs.Type {
	case ValueCount:
		return int64(g.agg.values.distinct()), true
	case Temporal:
		return int64(g.agg.present), true
	case TemporalOrdered:
		if g.buf[g.head].rec.pos != 0 || int64(g.agg.present) < rs.Condition.Min {
			return 0, false
		}
		n, _ := orderedPrefix(g.buf[g.head:g.tail], len(rs.inputs), math.MaxInt)
		return int64(n), true
	}
	return int64(g.agg.n), true
}

// orderedPrefix returns how many of the rules, from the first, the window
// matched in order (greedily, earliest first), and the index of the record
// at which the prefix first reached want (-1 if it never did).
func orderedPrefix(window []obs, rules, want int) (int, int) {
	k, at := 0, -1
	for i := range window {
		if k < rules && int(window[i].rec.pos) == k {
			k++
			if k == want && at < 0 {
				at = i
			}
		}
	}
	return k, at
}
