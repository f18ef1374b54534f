package correlation

import (
	"maps"
	"math"
	"strings"
	"time"
)

// Options bound an Engine's memory and say how late a record may come.
type Options struct {
	// Lateness is how far back in time, from the latest record of its
	// group (or of the whole input, for idle groups), a record may still
	// arrive and join its window (0: DefaultLateness).
	Lateness time.Duration
	// MaxGroups bounds the groups of one rule; past it, the least recently
	// fed group is closed early (0: DefaultMaxGroups).
	MaxGroups int
	// MaxGroupRecords bounds the records one group holds; past it, its
	// earliest window is decided early (0: DefaultMaxGroupRecords).
	MaxGroupRecords int
	// MaxMemory bounds the bytes of state the engine holds over all groups
	// and rules, by its own count (records, their buffers and values,
	// groups, keys); past it, the least recently fed group of any rule is
	// closed early (0: DefaultMaxMemory). The Go heap needs up to about
	// twice as much.
	MaxMemory int
	// MaxRefs is the number of records (and value_count values) a finding
	// lists; all are counted (0: DefaultMaxRefs).
	MaxRefs int
}

// Defaults of Options.
const (
	DefaultLateness        = 10 * time.Minute
	DefaultMaxGroups       = 50_000
	DefaultMaxGroupRecords = 10_000
	DefaultMaxMemory       = 32 << 20
	DefaultMaxRefs         = 20
)

// maxFree bounds the closed groups a rule keeps for reuse.
const maxFree = 4096

// maxLateness keeps time arithmetic far from overflowing.
const maxLateness = 10 * 366 * 24 * time.Hour

// Stats count what an Engine did.
type Stats struct {
	Observed int64 // base-rule matches that fed a rule (once per rule fed)
	Skipped  int64 // value_count matches without the counted field
	Late     int64 // records falling in a window already decided in their group
	Evicted  int64 // groups closed early by MaxGroups or MaxMemory
	Split    int64 // windows decided early by MaxGroupRecords
	Findings int64 // findings reported
	Quiet    int64 // findings of correlations that only feed others (not reported)
}

// Engine runs the correlation rules of a Set over base-rule matches given
// in input order, reporting findings through a callback. It is not safe
// for concurrent use.
type Engine struct {
	set       *Set
	opts      Options
	emit      func(*Finding)
	rules     []*ruleState
	maxSeen   int64 // the watermark: the latest time seen
	held      int   // records held over all groups
	used      int   // bytes of state held, see account
	names     namesInterner
	keyBuf    []byte    // the group key last built
	keyParts  []keyPart // where its values are
	keyNames  []string  // the fields it was built from
	keySource uint64    // and their source, see newSource
	keyString string    // the key as a string, once a group needed it
	value     heldValue // the value_count value last held
	sources   uint64
	Stats
}

// NewEngine returns an engine over the rules of s; emit receives each
// finding as its window is decided.
func NewEngine(s *Set, opts Options, emit func(*Finding)) *Engine {
	opts.Lateness = min(max(opts.Lateness, 0), maxLateness)
	if opts.Lateness == 0 {
		opts.Lateness = DefaultLateness
	}
	opts.MaxGroups = orDefault(opts.MaxGroups, DefaultMaxGroups)
	opts.MaxGroupRecords = orDefault(opts.MaxGroupRecords, DefaultMaxGroupRecords)
	opts.MaxMemory = orDefault(opts.MaxMemory, DefaultMaxMemory)
	opts.MaxRefs = orDefault(opts.MaxRefs, DefaultMaxRefs)
	e := &Engine{set: s, opts: opts, emit: emit, maxSeen: math.MinInt64,
		names: namesInterner{m: map[names]*names{}}}
	for _, r := range s.rules {
		rs := &ruleState{resolved: r, span: int64(r.Timespan), lateness: int64(opts.Lateness), groups: map[string]*group{}}
		for _, u := range r.upstream {
			rs.lateness = max(rs.lateness, min(int64(opts.Lateness)+e.rules[u].span+e.rules[u].lateness, int64(maxLateness)))
		}
		e.rules = append(e.rules, rs)
	}
	return e
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Ref identifies a record that matched a base rule.
type Ref struct {
	Time          time.Time
	Computer      string
	Channel       string
	EventID       uint32
	EventRecordID uint64
	File          string
}

// Observe feeds one match of base rule baseRuleID on a record at time t,
// whose fields fields returns by name (payload items and System values,
// as event.Event.Value does). Matches of rules no correlation refers to
// are ignored. Findings whose windows this match decides are emitted
// before Observe returns.
func (e *Engine) Observe(baseRuleID string, t time.Time, fields func(name string) (string, bool), ref Ref) {
	targets := e.set.byBase[baseRuleID]
	if len(targets) == 0 {
		return
	}
	ns := nanos(t)
	e.maxSeen = max(e.maxSeen, ns)
	rec := record{names: e.names.get(ref.Computer, ref.Channel, ref.File), eventID: ref.EventID, recordID: ref.EventRecordID}
	src := e.newSource()
	for _, tg := range targets {
		e.Observed++
		e.deliver(tg, ns, fields, src, rec, nil)
	}
	e.sweep()
	for e.used > e.opts.MaxMemory {
		rs := e.leastRecent()
		if rs == nil {
			break
		}
		e.Evicted++
		e.close(rs, rs.oldest)
	}
}

// Flush decides every window still open, in dependency order, emitting
// their findings. The engine is empty afterwards and may be fed again.
func (e *Engine) Flush() {
	for _, rs := range e.rules {
		for rs.oldest != nil {
			e.close(rs, rs.oldest)
		}
	}
}

// newSource returns a new id for a record's fields (a base-rule match
// or a correlation's finding), so a group key built from them can be
// reused for the next rule fed with the same group-by fields.
func (e *Engine) newSource() uint64 {
	e.sources++
	return e.sources
}

// deliver adds one record (or, with inner set, one finding of a
// correlation) to input tg of a rule and decides the windows its arrival
// decides: those whose anchor is more than timespan plus lateness older.
// src identifies fields (see newSource).
func (e *Engine) deliver(tg target, ns int64, fields func(string) (string, bool), src uint64, rec record, inner *Finding) {
	rs := e.rules[tg.rule]
	in := &rs.inputs[tg.pos]
	rec.pos = uint8(tg.pos)
	o := obs{t: ns, rec: rec, inner: inner}
	if rs.Type == ValueCount {
		v, ok := fields(in.valueField)
		if !ok {
			e.Skipped++
			return
		}
		o.value, o.vkey = e.valueOf(src, in.valueField, v)
	}
	g := rs.groupOf(e, in.groupBy, fields, src)
	if ns <= g.decided {
		e.Late++
	}
	g.insert(o)
	e.held++
	rs.touch(g, e.maxSeen)
	e.decide(rs, g, ns-rs.span-rs.lateness)
	if g.pending() > e.opts.MaxGroupRecords {
		e.Split++
		e.decideOne(rs, g)
	}
	g.compact()
	e.account(g)
}

// heldValue is a value_count value copied for holding, with the field
// and source it was read from, so rules counting the same field share it.
type heldValue struct {
	src           uint64
	field         string
	value, folded string
}

// valueOf returns the value v of field, read from source src, copied for
// holding, and folded to lower case.
func (e *Engine) valueOf(src uint64, field, v string) (string, string) {
	h := &e.value
	if h.src != src || h.field != field || h.value != v {
		value := strings.Clone(v)
		*h = heldValue{src, field, value, strings.ToLower(value)}
	}
	return h.value, h.folded
}

// decide decides, in time order, the windows of g whose anchor is before
// limit.
func (e *Engine) decide(rs *ruleState, g *group, limit int64) {
	for g.head < len(g.buf) && g.buf[g.head].t < limit {
		e.decideOne(rs, g)
	}
}

// decideOne decides the window of g's anchor: a finding of the whole
// window when the condition holds, else the anchor alone is dropped.
func (e *Engine) decideOne(rs *ruleState, g *group) {
	g.extend(rs.span)
	g.decided = max(g.decided, g.buf[g.head].t+rs.span)
	n, ok := rs.count(g)
	if ok && rs.Condition.Holds(n) {
		held := g.tail - g.head
		e.fire(rs, g, n)
		g.consumeWindow()
		e.held -= held
		return
	}
	g.dropAnchor()
	e.held--
}

// close decides every window of g and forgets the group.
func (e *Engine) close(rs *ruleState, g *group) {
	e.decide(rs, g, math.MaxInt64)
	rs.unlink(g)
	delete(rs.groups, g.key)
	e.used -= g.cost
	if len(rs.free) < maxFree {
		rs.free = append(rs.free, g.reset())
	}
	// A map with constant inserts and deletes fills with tombstones that
	// lengthen every probe; copying it now and then keeps lookups short.
	if rs.deleted++; rs.deleted > 2*len(rs.groups)+1024 {
		rs.groups = maps.Clone(rs.groups)
		rs.deleted = 0
	}
}

// sweep closes the groups nothing was added to while the watermark moved
// past their timespan and lateness, rules in dependency order so a
// correlation's findings reach the rules that refer to it first.
func (e *Engine) sweep() {
	for _, rs := range e.rules {
		for g := rs.oldest; g != nil && g.touch < e.maxSeen-rs.span-rs.lateness; g = rs.oldest {
			e.close(rs, g)
		}
	}
}

// nanos returns t in nanoseconds since 1970, clamped to ±2^62 so that
// adding timespans and lateness never overflows.
func nanos(t time.Time) int64 {
	const limit = 1 << 62
	switch {
	case t.Before(time.Unix(0, -limit)):
		return -limit
	case t.After(time.Unix(0, limit)):
		return limit
	}
	return t.UnixNano()
}
