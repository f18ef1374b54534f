package correlation

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Finding is one window of one group that satisfied a correlation rule.
type Finding struct {
	ID          string // stable across runs: the rule, the group and the window's first record
	RuleID      string
	Title       string
	Description string
	Level       string // one of Levels
	Status      string
	Author      string
	Tags        []string
	Source      string // file:line of the correlation rule
	Type        Type
	Condition   string // as the rule wrote it ("gte 10")
	Timespan    time.Duration
	Group       []GroupValue // the group-by fields and their values, as first logged
	Count       int64        // what the condition held for: records, distinct values or matched rules
	Records     int64        // every record of the window (a referred correlation's finding counts with all its records)
	Values      []string     // value_count: the distinct values, earliest first, at most MaxRefs
	Rules       []string     // the referenced rules that matched in the window, in rule order
	First, Last time.Time    // the window's earliest and latest record
	Completed   time.Time    // when the condition was first met: the time correlations referring to this one see
	Refs        []Ref        // the window's earliest records, at most MaxRefs, in time order
}

// GroupValue is one group-by field (or alias) and its value in a group.
type GroupValue struct {
	Field, Value string
}

// Message is a one-line description of the finding.
func (f *Finding) Message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %d", f.Level, f.Title, f.Count)
	switch f.Type {
	case ValueCount:
		b.WriteString(" distinct values")
	case Temporal, TemporalOrdered:
		b.WriteString(" rules matched")
	default:
		b.WriteString(" records")
	}
	fmt.Fprintf(&b, " (%s) within %s", f.Condition, f.Timespan)
	for _, g := range f.Group {
		fmt.Fprintf(&b, ", %s=%q", g.Field, g.Value)
	}
	return b.String()
}

// fire reports the finding of g's anchor window (already extended), whose
// count n satisfies the rule, and feeds it to the rules referring to it.
func (e *Engine) fire(rs *ruleState, g *group, n int64) {
	window := g.buf[g.head:g.tail]
	r := rs.Rule
	f := &Finding{
		RuleID: r.ID, Title: r.Title, Description: r.Description, Level: r.Level, Status: r.Status,
		Author: r.Author, Tags: r.Tags, Source: r.Location(), Type: r.Type, Condition: r.Condition.String(),
		Timespan: r.Timespan, Count: n,
		First: time.Unix(0, window[0].t).UTC(), Last: time.Unix(0, window[len(window)-1].t).UTC(),
	}
	for i, name := range r.GroupBy {
		f.Group = append(f.Group, GroupValue{Field: name, Value: g.values[i]})
	}
	matched := make([]bool, len(rs.inputs))
	own := 0 // records of the window itself listed: the earliest, as it is sorted
	for i := range window {
		o := &window[i]
		matched[o.rec.pos] = true
		if o.inner == nil {
			f.Records++
			if own < e.opts.MaxRefs {
				own++
				f.Refs = append(f.Refs, o.rec.ref(o.t))
			}
			continue
		}
		f.Records += o.inner.Records
		f.Refs = append(f.Refs, o.inner.Refs...)
		f.First = minTime(f.First, o.inner.First)
		f.Last = maxTime(f.Last, o.inner.Last)
	}
	for pos, ok := range matched {
		if ok {
			f.Rules = append(f.Rules, r.Rules[pos])
		}
	}
	slices.SortStableFunc(f.Refs, compareRefs)
	f.Refs = slices.Clip(f.Refs[:min(len(f.Refs), e.opts.MaxRefs)])
	f.Values = e.values(rs, window)
	f.Completed = time.Unix(0, window[completedAt(rs, window)].t).UTC()
	f.ID = findingID(r.ID, g.key, f.Refs)
	if rs.quiet {
		e.Quiet++
	} else {
		e.Findings++
		if e.emit != nil {
			e.emit(f)
		}
	}
	fields, src := f.fieldValue, e.newSource()
	at := nanos(f.Completed)
	for _, tg := range rs.feeds {
		e.deliver(tg, at, fields, src, record{}, f)
	}
}

// values returns the distinct values of a value_count window, earliest
// first, at most MaxRefs of them.
func (e *Engine) values(rs *ruleState, window []obs) []string {
	if rs.Type != ValueCount {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i := range window {
		if len(out) == e.opts.MaxRefs {
			break
		}
		if o := &window[i]; !seen[o.vkey] {
			seen[o.vkey] = true
			out = append(out, o.value)
		}
	}
	return out
}

// completedAt returns the index of the record of the window at which the
// count first reached the condition's minimum.
func completedAt(rs *ruleState, window []obs) int {
	want := int(min(max(rs.Condition.Min, 1), int64(len(window))))
	switch rs.Type {
	case ValueCount:
		seen := map[string]bool{}
		for i := range window {
			if seen[window[i].vkey] = true; len(seen) >= want {
				return i
			}
		}
	case Temporal:
		seen := make([]bool, len(rs.inputs))
		k := 0
		for i := range window {
			if !seen[window[i].rec.pos] {
				seen[window[i].rec.pos] = true
				if k++; k >= want {
					return i
				}
			}
		}
	case TemporalOrdered:
		if _, at := orderedPrefix(window, len(rs.inputs), want); at >= 0 {
			return at
		}
	default:
		return want - 1
	}
	return len(window) - 1
}

// fieldValue returns a group-by value of the finding by field name: what
// a correlation referring to this one groups by.
func (f *Finding) fieldValue(name string) (string, bool) {
	for _, g := range f.Group {
		if g.Field == name {
			return g.Value, true
		}
	}
	return "", false
}

// ref returns the Ref of a held record.
func (r *record) ref(t int64) Ref {
	ref := Ref{Time: time.Unix(0, t).UTC(), EventID: r.eventID, EventRecordID: r.recordID}
	if r.names != nil {
		ref.Computer, ref.Channel, ref.File = r.names.computer, r.names.channel, r.names.file
	}
	return ref
}

func compareRefs(a, b Ref) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	if c := strings.Compare(a.Computer, b.Computer); c != 0 {
		return c
	}
	return cmp.Compare(a.EventRecordID, b.EventRecordID)
}

// findingID derives a finding's id from its rule, its group and its first
// record, so the same finding keeps its id between runs.
func findingID(ruleID, groupKey string, refs []Ref) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%q", ruleID, groupKey)
	if len(refs) > 0 {
		r := refs[0]
		fmt.Fprintf(h, "\x00%s\x00%s\x00%d\x00%d", r.Computer, r.Channel, r.EventRecordID, r.Time.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
