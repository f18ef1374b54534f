package correlation

import (
	"encoding/binary"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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
	// MaxHeld bounds the records held over all groups and rules; past it,
	// the least recently fed group is closed early (0: DefaultMaxHeld).
	MaxHeld int
	// MaxRefs is the number of records (and value_count values) a finding
	// lists; all are counted (0: DefaultMaxRefs).
	MaxRefs int
}

// Defaults of Options. A held record costs about 130 bytes, so the
// defaults keep an engine's state under about 48 MiB whatever the input.
const (
	DefaultLateness        = 10 * time.Minute
	DefaultMaxGroups       = 50_000
	DefaultMaxGroupRecords = 10_000
	DefaultMaxHeld         = 250_000
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
	Evicted  int64 // groups closed early by MaxGroups or MaxHeld
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
	names     namesInterner
	keyBuf    []byte    // the group key last built
	keyParts  []keyPart // where its values are
	keyNames  []string  // the fields it was built from
	keySource uint64    // and their source, see newSource
	sources   uint64
	Stats
}

// ruleState is one rule's groups.
type ruleState struct {
	*resolved
	span     int64 // timespan, ns
	lateness int64 // ns: Lateness plus the timespan and lateness of every correlation it refers to
	groups   map[string]*group
	deleted  int      // groups deleted since groups was last copied
	free     []*group // closed groups, for reuse
	oldest   *group   // least recently touched
	newest   *group
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
	opts.MaxHeld = orDefault(opts.MaxHeld, DefaultMaxHeld)
	opts.MaxRefs = orDefault(opts.MaxRefs, DefaultMaxRefs)
	e := &Engine{set: s, opts: opts, emit: emit, maxSeen: math.MinInt64,
		names: namesInterner{m: map[names]*names{}}}
	for _, r := range s.rules {
		rs := &ruleState{resolved: r, span: int64(r.Timespan), lateness: int64(opts.Lateness), groups: map[string]*group{}}
		for _, u := range r.upstream {
			rs.lateness = max(rs.lateness, int64(opts.Lateness)+e.rules[u].span+e.rules[u].lateness)
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
	for e.held > e.opts.MaxHeld {
		rs := e.leastRecent()
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
		o.value = strings.Clone(v)
		o.vkey = strings.ToLower(o.value)
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

// leastRecent returns the rule whose least recently touched group is the
// oldest of all; only called while records are held.
func (e *Engine) leastRecent() *ruleState {
	var best *ruleState
	for _, rs := range e.rules {
		if rs.oldest != nil && (best == nil || rs.oldest.touch < best.oldest.touch) {
			best = rs
		}
	}
	return best
}

// groupOf returns the group of a record whose group-by fields are read
// from fields (absent fields read as empty), creating it, and closing the
// least recently fed group when the rule is at MaxGroups.
func (rs *ruleState) groupOf(e *Engine, names []string, fields func(string) (string, bool), src uint64) *group {
	if src != e.keySource || !slices.Equal(names, e.keyNames) { // else the key of the previous rule fed is this one's
		e.keyBuf, e.keyParts = e.keyBuf[:0], e.keyParts[:0]
		for _, name := range names {
			v, _ := fields(name)
			var part keyPart
			e.keyBuf, part = appendKeyPart(e.keyBuf, v)
			e.keyParts = append(e.keyParts, part)
		}
		e.keySource, e.keyNames = src, names
	}
	if g, ok := rs.groups[string(e.keyBuf)]; ok {
		return g
	}
	if len(rs.groups) >= e.opts.MaxGroups {
		e.Evicted++
		e.close(rs, rs.oldest)
	}
	var g *group
	if n := len(rs.free); n > 0 {
		g, rs.free = rs.free[n-1], rs.free[:n-1]
	} else {
		g = &group{}
	}
	g.key, g.decided = string(e.keyBuf), math.MinInt64
	g.buf, g.values = g.first[:0], g.valArr[:0]
	for i, part := range e.keyParts {
		if part.asLogged { // the key holds the value as logged: share it
			g.values = append(g.values, g.key[part.start:part.end])
			continue
		}
		v, _ := fields(names[i])
		g.values = append(g.values, strings.Clone(v))
	}
	switch rs.Type {
	case ValueCount:
		g.agg.counting = true
	case Temporal, TemporalOrdered:
		g.agg.perPos = slices.Grow(g.agg.perPos[:0], len(rs.inputs))[:len(rs.inputs)]
	}
	rs.groups[g.key] = g
	return g
}

// keyPart locates one value in a group key.
type keyPart struct {
	start, end int
	asLogged   bool // the value had no upper case: the key holds it as logged
}

// appendKeyPart appends one group-by value to a group key: its length,
// then the value in lower case (group-by values compare as Sigma values
// do, ignoring case).
func appendKeyPart(dst []byte, s string) ([]byte, keyPart) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			f := strings.ToLower(s)
			dst = binary.AppendUvarint(dst, uint64(len(f)))
			part := keyPart{start: len(dst), end: len(dst) + len(f), asLogged: f == s}
			return append(dst, f...), part
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	part := keyPart{start: len(dst), end: len(dst) + len(s), asLogged: true}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			part.asLogged = false
		}
		dst = append(dst, c)
	}
	return dst, part
}

// touch marks g as fed at watermark now: it becomes the most recent.
func (rs *ruleState) touch(g *group, now int64) {
	g.touch = now
	if rs.newest == g {
		return
	}
	rs.unlink(g)
	g.prev = rs.newest
	if rs.newest != nil {
		rs.newest.next = g
	}
	rs.newest = g
	if rs.oldest == nil {
		rs.oldest = g
	}
}

func (rs *ruleState) unlink(g *group) {
	if g.prev != nil {
		g.prev.next = g.next
	} else if rs.oldest == g {
		rs.oldest = g.next
	}
	if g.next != nil {
		g.next.prev = g.prev
	} else if rs.newest == g {
		rs.newest = g.prev
	}
	g.prev, g.next = nil, nil
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

const maxInterned = 1 << 14

// namesInterner shares the computer, channel and file names of held
// records, up to a bound past which each record gets its own copy.
type namesInterner struct{ m map[names]*names }

func (in *namesInterner) get(computer, channel, file string) *names {
	if n, ok := in.m[names{computer, channel, file}]; ok {
		return n
	}
	n := &names{strings.Clone(computer), strings.Clone(channel), strings.Clone(file)}
	if len(in.m) < maxInterned {
		in.m[*n] = n
	}
	return n
}
