package findings

import (
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// CorrelationInfo is what a finding of a correlation rule adds: the rule's
// type and condition, the group, what was counted and the window's
// records (the first correlation.DefaultMaxRefs of them; Total counts
// all).
type CorrelationInfo struct {
	Type        string // event_count, value_count, temporal or temporal_ordered
	Condition   string // as the rule wrote it ("gte 10")
	Timespan    time.Duration
	Group       []correlation.GroupValue // the group-by fields and values, as first logged
	Count       int64                    // what the condition held for: records, distinct values or matched rules
	Total       int64                    // every record of the window
	Values      []string                 // value_count: the distinct values, earliest first
	Rules       []string                 // the referenced rules that matched in the window
	First, Last time.Time
	Records     []correlation.Ref // the window's earliest records, in time order
}

// correlator feeds the matches of base rules to the correlation engine
// and turns its findings into Findings.
type correlator struct {
	set    *correlation.Set
	engine *correlation.Engine
	fields fieldSource
}

// fieldSource reads the fields of the record being scanned by name.
type fieldSource struct {
	general *event.Event
	process *event.Process
}

func (fs *fieldSource) value(name string) (string, bool) {
	if fs.general != nil {
		return fs.general.Value(name)
	}
	if f, ok := event.Lookup(name); ok {
		return fs.process.Get(f)
	}
	switch {
	case strings.EqualFold(name, "Computer"):
		return fs.process.Computer, true
	case strings.EqualFold(name, "Channel"):
		return fs.process.Channel, true
	}
	return "", false
}

// newCorrelator returns nil when the set has no correlation rules.
func newCorrelator(s *Scanner) *correlator {
	set := s.set.Correlations()
	if set == nil || len(set.Rules()) == 0 {
		return nil
	}
	c := &correlator{set: set}
	c.engine = correlation.NewEngine(set, correlation.Options{}, s.reportCorrelation)
	return c
}

// observe feeds the hits of the record to the engine (allowlisted hits
// were already dropped) and drops the hits of base rules whose own
// findings the correlations suppress.
func (c *correlator) observe(hits []detections.Hit, t time.Time, ref correlation.Ref) []detections.Hit {
	if c == nil {
		return hits
	}
	kept := hits[:0]
	for _, h := range hits {
		if c.set.Wants(h.Rule.ID) {
			c.engine.Observe(h.Rule.ID, t, c.fields.value, ref)
		}
		if !c.set.Suppressed(h.Rule.ID) {
			kept = append(kept, h)
		}
	}
	c.fields = fieldSource{}
	return kept
}

// reported counts the hits whose rules report findings of their own.
func (c *correlator) reported(hits []detections.Hit) int {
	if c == nil {
		return len(hits)
	}
	n := 0
	for _, h := range hits {
		if !c.set.Suppressed(h.Rule.ID) {
			n++
		}
	}
	return n
}

// observeProcess and observeEvent feed the hits of a process event or a
// general record.
func (c *correlator) observeProcess(hits []detections.Hit, p *event.Process) []detections.Hit {
	if c == nil {
		return hits
	}
	c.fields = fieldSource{process: p}
	defer c.forget()
	return c.observe(hits, p.Timestamp, correlation.Ref{Time: p.Timestamp, Computer: p.Computer, Channel: p.Channel,
		EventID: p.EventID, EventRecordID: p.EventRecordID, File: p.SourceFile})
}

func (c *correlator) observeEvent(hits []detections.Hit, e *event.Event) []detections.Hit {
	if c == nil {
		return hits
	}
	c.fields = fieldSource{general: e}
	defer c.forget()
	return c.observe(hits, e.Timestamp, correlation.Ref{Time: e.Timestamp, Computer: e.Computer, Channel: e.Channel,
		EventID: e.EventID, EventRecordID: e.EventRecordID, File: e.SourceFile})
}

// forget drops the record observed: the reading pipeline may reuse its
// storage once the scanner is done with it (pipeline.Options.ReuseEvents).
func (c *correlator) forget() { c.fields = fieldSource{} }

// reportCorrelation turns a correlation finding into a Finding: allowlisted
// (see correlationStandIn), counted and spooled.
func (s *Scanner) reportCorrelation(cf *correlation.Finding) {
	f := CorrelationFinding(cf)
	rule, ev := correlationStandIn(&f)
	if s.opts.Allowlist.SuppressedEvent(rule, ev) != nil {
		s.Suppressed++
		return
	}
	s.Findings++
	s.Levels.add(f.Level)
	s.tally.add(&f)
	if err := s.spool.add(&f); err != nil && s.err == nil {
		s.err = err
	}
}

// CorrelationFinding converts a finding of the correlation engine. Its
// Event holds the identity findings are sorted and grouped by: the
// window's first time, the host when every listed record shares one (else
// empty), their channel likewise, and the user when the group names a
// TargetUserName.
func CorrelationFinding(cf *correlation.Finding) Finding {
	level, err := sigma.ParseLevel(cf.Level)
	if err != nil {
		level = sigma.Informational
	}
	info := &CorrelationInfo{Type: cf.Type.String(), Condition: cf.Condition, Timespan: cf.Timespan,
		Group: cf.Group, Count: cf.Count, Total: cf.Records, Values: cf.Values, Rules: cf.Rules,
		First: cf.First, Last: cf.Last, Records: cf.Refs}
	f := Finding{ID: cf.ID, RuleID: cf.RuleID, Title: cf.Title, Level: level, Tags: (&correlation.Rule{Tags: cf.Tags}).AttackTags(),
		Description: cf.Description, RuleSource: cf.Source, Correlation: info}
	f.Event.Timestamp = cf.First
	f.Event.Computer, f.Event.Channel = commonRefValue(cf.Refs, func(r *correlation.Ref) string { return r.Computer }),
		commonRefValue(cf.Refs, func(r *correlation.Ref) string { return r.Channel })
	for _, g := range cf.Group {
		if strings.EqualFold(g.Field, "TargetUserName") && g.Value != "" {
			f.Event.Set(event.FieldUser, g.Value)
		}
	}
	for i := range cf.Refs {
		f.Sources = addSource(f.Sources, cf.Refs[i].File)
	}
	f.key = correlationKey(cf.ID)
	return f
}

// correlationKey derives a record key from a correlation finding's id, so
// that merging reports keeps one copy of it.
func correlationKey(id string) recordKey {
	a, b := hashSeed^0x5bd1e995, hashSeed^0x27d4eb2f165667c5
	a, b = hashString(a, "correlation"), hashString(b, "correlation")
	return recordKey{hashString(a, id), hashString(b, id)}
}

func commonRefValue(refs []correlation.Ref, get func(*correlation.Ref) string) string {
	if len(refs) == 0 {
		return ""
	}
	v := get(&refs[0])
	for i := range refs[1:] {
		if !strings.EqualFold(get(&refs[i+1]), v) {
			return ""
		}
	}
	return v
}

// correlationStandIn returns what the allowlist sees of a correlation
// finding: a rule carrying its id, title, level and tags, and a record
// whose fields are the group-by values (plus Computer and Channel when the
// records share them), so allowlist conditions can name the group.
func correlationStandIn(f *Finding) (*sigma.Rule, *event.Event) {
	r := &sigma.Rule{ID: f.RuleID, Title: f.Title, Level: f.Level, Tags: f.Tags, Source: f.RuleSource}
	ev := &event.Event{System: event.System{Timestamp: f.Event.Timestamp, Computer: f.Event.Computer, Channel: f.Event.Channel},
		Kind: event.EventData}
	for _, g := range f.Correlation.Group {
		ev.Items = append(ev.Items, event.Item{Name: g.Field, Value: g.Value})
	}
	return r, ev
}
