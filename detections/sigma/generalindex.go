package sigma

import (
	"slices"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// prefilterMin is the number of rules from which a bucket gets a
// prefilter; smaller buckets evaluate every rule, which costs less than
// scanning the event.
const prefilterMin = 8

// generalIndex finds the rules that can apply to a general event. Every
// (channel, event id) that a rule's binding names has a bucket listing
// every rule that applies to it, channel-wide and every-channel rules
// included, in rule order; a channel's other ids share its channel-wide
// bucket, and channels no rule names share the every-channel buckets. So
// an event looks up exactly one bucket.
type generalIndex struct {
	channels map[string]int // lower-cased channel name → index
	byID     []map[uint32]*bucket
	wide     []*bucket // by channel index
	anyByID  map[uint32]*bucket
	anyWide  *bucket
	maxWords int // largest prefilter bitset

	// Field names of the rules' needles, interned: lower-cased and
	// without spaces, as lookupItem compares them.
	keys  map[string]fieldKey
	names []string // by key
}

// bucket is the rules (indexes into the rule set) of one channel and id,
// each with the equivalent its binding reads the record through.
type bucket struct {
	rules  []int32
	equivs []*equivalent
	pf     *prefilter // nil: evaluate every rule
	names  []string   // by index of pf.keys: the field name of the key
}

func newGeneralIndex(rules []*Rule, cache *acCache) *generalIndex {
	g := &generalIndex{channels: map[string]int{}, anyByID: map[uint32]*bucket{}, keys: map[string]fieldKey{}}
	chanIDs := map[int]map[uint32]bool{} // the ids each channel has a bucket for
	anyIDs := map[uint32]bool{}
	var members []int32 // the rules with bindings
	for i, r := range rules {
		if r.det == nil || r.isProcessCreation() || len(r.binds) == 0 {
			continue
		}
		members = append(members, int32(i))
		for _, b := range r.binds {
			ids := anyIDs
			if b.channel != "" {
				ids = chanIDs[g.channel(b.channel)]
				if ids == nil {
					ids = map[uint32]bool{}
					chanIDs[g.channel(b.channel)] = ids
				}
			}
			for _, id := range b.ids {
				ids[id] = true
			}
		}
	}
	// A channel's buckets include the every-channel rules of their ids.
	for _, ids := range chanIDs {
		for id := range anyIDs {
			ids[id] = true
		}
	}
	g.byID = make([]map[uint32]*bucket, len(g.channels))
	g.wide = make([]*bucket, len(g.channels))
	reqs := map[reqKey]requirement{}
	var todo []pendingPrefilter
	for name, c := range g.channels {
		g.byID[c] = map[uint32]*bucket{}
		for id := range chanIDs[c] {
			g.byID[c][id] = g.newBucket(rules, members, name, id, true, reqs, &todo)
		}
		g.wide[c] = g.newBucket(rules, members, name, 0, false, reqs, &todo)
	}
	for id := range anyIDs {
		g.anyByID[id] = g.newBucket(rules, members, "", id, true, reqs, &todo)
	}
	g.anyWide = g.newBucket(rules, members, "", 0, false, reqs, &todo)
	// The buckets' automata are independent: build them on every core.
	parallel(len(todo), func(i int) { todo[i].b.pf = newPrefilter(todo[i].reqs, cache) })
	for _, t := range todo {
		for _, k := range t.b.pf.keys {
			t.b.names = append(t.b.names, g.names[k])
		}
		g.maxWords = max(g.maxWords, t.b.pf.words)
	}
	return g
}

// pendingPrefilter is a bucket whose prefilter is still to be built from
// its rules' requirements.
type pendingPrefilter struct {
	b    *bucket
	reqs []requirement
}

// channel returns the index of a channel, adding it.
func (g *generalIndex) channel(name string) int {
	key := strings.ToLower(name)
	c, ok := g.channels[key]
	if !ok {
		c = len(g.channels)
		g.channels[key] = c
	}
	return c
}

// reqKey identifies a rule read through an equivalent, whose requirement
// is the same in every bucket.
type reqKey struct {
	rule  int32
	equiv *equivalent
}

// newBucket collects the member rules that apply to a record of this
// channel ("": a channel no rule names) and id (withID false: an id no
// binding of the channel names), each read through the equivalent of its
// first binding that admits the record, as Rule.MatchEvent reads it. A
// bucket of prefilterMin rules or more is added to todo, for its
// prefilter to be built with the others'.
func (g *generalIndex) newBucket(rules []*Rule, members []int32, channel string, id uint32, withID bool,
	reqs map[reqKey]requirement, todo *[]pendingPrefilter) *bucket {
	b := &bucket{}
	for _, ri := range members {
		for _, bd := range rules[ri].binds {
			if (bd.channel == "" || strings.EqualFold(bd.channel, channel) && channel != "") &&
				(bd.ids == nil || withID && slices.Contains(bd.ids, id)) {
				b.rules = append(b.rules, ri)
				b.equivs = append(b.equivs, bd.equiv)
				break
			}
		}
	}
	if len(b.rules) == 0 {
		return nil
	}
	if len(b.rules) >= prefilterMin {
		rs := make([]requirement, len(b.rules))
		for i, ri := range b.rules {
			k := reqKey{ri, b.equivs[i]}
			req, ok := reqs[k]
			if !ok {
				req = rules[ri].det.requirement(g.keyFunc(b.equivs[i]))
				reqs[k] = req
			}
			rs[i] = req
		}
		*todo = append(*todo, pendingPrefilter{b, rs})
	}
	return b
}

// keyFunc keys the fields of a rule read through eq by the payload item
// names they read. System values and derived values have no key.
func (g *generalIndex) keyFunc(eq *equivalent) keyFunc {
	return func(ref *fieldRef) (fieldKey, bool) {
		name := ref.name
		if fs, mapped := eqField(eq, ref); mapped {
			if fs.derive != nil {
				return 0, false
			}
			name = fs.item
		} else if ref.sys != sysNone {
			return 0, false
		}
		return g.intern(name), true
	}
}

func eqField(eq *equivalent, ref *fieldRef) (fieldSource, bool) {
	if eq == nil {
		return fieldSource{}, false
	}
	fs, ok := eq.fields[ref.lower]
	return fs, ok
}

// intern returns the key of a field name, adding it. Keys ignore case
// and spaces, as lookupItem does.
func (g *generalIndex) intern(name string) fieldKey {
	norm := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	k, ok := g.keys[norm]
	if !ok {
		k = fieldKey(len(g.names))
		g.keys[norm] = k
		g.names = append(g.names, norm)
	}
	return k
}

// itemIs reports whether a payload item name can be what lookupItem
// finds for the field name norm (lower case, without spaces): the same
// name ignoring case, or ignoring case and spaces; for Data, also an
// unnamed Data_N item.
func itemIs(item, norm string) bool {
	switch {
	case len(item) == len(norm):
		return strings.EqualFold(item, norm)
	case len(item) > len(norm) && len(norm) > 0 && lowerASCII(item[0]) == norm[0] && strings.IndexByte(item, ' ') >= 0:
		return equalFoldNoSpace(item, norm)
	}
	return norm == "data" && isUnnamedData(item)
}

// bucket returns the bucket of a record of this channel and event id, or
// nil when no rule applies to it.
func (g *generalIndex) bucket(channel string, id uint32) *bucket {
	c, ok := g.channels[channel]
	if !ok {
		var buf [128]byte
		if len(channel) <= len(buf) {
			low := buf[:len(channel)]
			for i := 0; i < len(channel); i++ {
				low[i] = lowerASCII(channel[i])
			}
			c, ok = g.channels[string(low)]
		} else {
			c, ok = g.channels[strings.ToLower(channel)]
		}
	}
	if !ok {
		if b := g.anyByID[id]; b != nil {
			return b
		}
		return g.anyWide
	}
	if b := g.byID[c][id]; b != nil {
		return b
	}
	return g.wide[c]
}

// scan marks the clauses whose needles occur in e's payload: each item's
// value is scanned for the needles of the fields it may be, and for
// keywords.
func (b *bucket) scan(e *event.Event, m *marks) {
	pf := b.pf
	for i := range e.Items {
		it := &e.Items[i]
		if it.Value == "" {
			continue
		}
		for j, name := range b.names {
			if itemIs(it.Name, name) {
				pf.scanners[pf.keys[j]].scan(it.Value, m)
			}
		}
		if pf.keywords != nil {
			pf.keywords.scan(it.Value, m)
		}
	}
}
