package correlation

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

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
		e.keySource, e.keyNames, e.keyString = src, names, ""
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
	if e.keyString == "" { // rules grouping by the same fields share the key
		e.keyString = string(e.keyBuf)
	}
	g.key, g.decided = e.keyString, math.MinInt64
	g.values = g.valArr[:0]
	if g.buf == nil {
		g.buf = g.first[:0]
	}
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

// leastRecent returns the rule whose least recently touched group is the
// oldest of all, or nil when no group is open.
func (e *Engine) leastRecent() *ruleState {
	var best *ruleState
	for _, rs := range e.rules {
		if rs.oldest != nil && (best == nil || rs.oldest.touch < best.oldest.touch) {
			best = rs
		}
	}
	return best
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
