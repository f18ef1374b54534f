package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// findingJSON is the shape AppendFindingJSON writes.
type findingJSON struct {
	Message       string           `json:"message"`
	Datetime      string           `json:"datetime"`
	TimestampDesc string           `json:"timestamp_desc"`
	ID            string           `json:"id"`
	Record        string           `json:"record"`
	Level         string           `json:"level"`
	Rule          *ruleJSON        `json:"rule"`
	Reason        string           `json:"reason"`
	Decoded       string           `json:"decoded"`
	Sources       []string         `json:"sources"`
	Records       []recordRefJSON  `json:"records"`
	Correlation   *correlationJSON `json:"correlation"`
	Event         json.RawMessage  `json:"event"`
	Context       *contextJSON     `json:"context"`
}

type recordRefJSON struct {
	Channel       string
	EventRecordID uint64
	SourceFile    string
}

type ruleJSON struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Level       string   `json:"level"`
	Tags        []string `json:"tags"`
	Description string   `json:"description"`
	Source      string   `json:"source"`
}

type contextJSON struct {
	Before       []contextEventJSON `json:"before"`
	After        []contextEventJSON `json:"after"`
	Ancestry     []contextEventJSON `json:"ancestry"`
	Children     []contextEventJSON `json:"children"`
	MoreChildren int                `json:"more_children"`
	Session      *sessions.Session  `json:"session"`
}

type contextEventJSON struct {
	Known             *bool
	Timestamp         string
	EventID           uint32
	EventRecordID     uint64
	ProcessId         uint64
	ParentProcessId   uint64
	ProcessGuid       string
	ParentProcessGuid string
	Image             string
	CommandLine       string
	User              string
	LogonId           string
	SourceFile        string
}

// UnmarshalFinding reads one finding as AppendFindingJSON writes it (one
// line of scan -f jsonl) into f. It accepts exactly what this evtxhunt
// writes: the finding written again must give the same bytes, so merging
// reports never changes a finding silently. An event with keys the
// process event has no place for is kept as it is (see
// decodeFindingEvent).
func UnmarshalFinding(data []byte, f *findings.Finding) error {
	var j findingJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return describeJSONError(err)
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	*f = findings.Finding{}
	if err := j.fill(f); err != nil {
		return err
	}
	return sameAsWritten(data, AppendFindingJSON(nil, f))
}

// fill checks the parts every finding has and fills f from them.
func (j *findingJSON) fill(f *findings.Finding) error {
	switch {
	case j.ID == "":
		return errors.New("missing id")
	case j.Rule == nil:
		return errors.New("missing rule")
	case j.Sources == nil:
		return errors.New("missing sources")
	case len(j.Event) == 0:
		return errors.New("missing event")
	case j.Context == nil:
		return errors.New("missing context")
	}
	if err := f.SetRecordKey(j.Record); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	level, err := sigma.ParseLevel(j.Level)
	if err != nil {
		return fmt.Errorf("level: %w", err)
	}
	f.ID, f.Level, f.Reason, f.Decoded, f.Sources = j.ID, level, j.Reason, j.Decoded, j.Sources
	f.RuleID, f.Title, f.Tags = j.Rule.ID, j.Rule.Title, j.Rule.Tags
	f.Description, f.RuleSource = j.Rule.Description, j.Rule.Source
	for _, r := range j.Records {
		f.Records = append(f.Records, findings.RecordRef{Channel: r.Channel, EventRecordID: r.EventRecordID, SourceFile: r.SourceFile})
	}
	if j.Correlation != nil {
		if f.Correlation, err = j.Correlation.info(); err != nil {
			return fmt.Errorf("correlation: %w", err)
		}
	}
	var raw []byte
	if f.Event, f.General, raw, err = decodeFindingEvent(j.Event); err != nil {
		return fmt.Errorf("event: %w", err)
	}
	if raw != nil {
		f.Raw = &findings.RawJSON{Event: raw, Message: j.Message, Datetime: j.Datetime, TimestampDesc: j.TimestampDesc}
	}
	c := j.Context
	parts := []struct {
		name string
		in   []contextEventJSON
		out  *[]findings.ContextEvent
	}{{"before", c.Before, &f.Context.Before}, {"after", c.After, &f.Context.After},
		{"ancestry", c.Ancestry, &f.Context.Ancestry}, {"children", c.Children, &f.Context.Children}}
	for _, p := range parts {
		if *p.out, err = contextEvents(p.in); err != nil {
			return fmt.Errorf("context %s: %w", p.name, err)
		}
	}
	f.Context.MoreChildren = c.MoreChildren
	f.Session = c.Session
	return nil
}

// decodeFindingEvent reads a finding's "event" object. The process shape
// (event.Process's JSON) is typed whole and raw is nil. The shape of any
// other record (System values and EventData or UserData) is typed whole
// as general, with the finding's identity in p. An object with
// other keys as well (the EventData or UserData of a finding on another
// kind of event) is returned as raw, to be written out unchanged with the
// message and times made from it, and the keys Process knows (the System
// values: Timestamp, Computer, Channel, EventID, EventRecordID, ...) are
// still typed, so the finding sorts, groups and shows as a scan's does.
// This is the one place that knows the shapes a finding's event may have.
func decodeFindingEvent(data json.RawMessage) (p event.Process, general *event.Event, raw []byte, err error) {
	err = p.UnmarshalJSON(data)
	if err == nil {
		return p, nil, nil, nil
	}
	var e event.Event
	if e.UnmarshalJSON(data) == nil && e.Kind != event.NoData {
		return findings.IdentityOf(&e), &e, nil, nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return p, nil, nil, errors.New("not a JSON object")
	}
	known := []byte{'{'}
	extra := 0
	for key, value := range obj {
		if !processKey(key) {
			extra++
			continue
		}
		if len(known) > 1 {
			known = append(known, ',')
		}
		known = event.AppendJSONString(known, key)
		known = append(append(known, ':'), value...)
	}
	if extra == 0 {
		return p, nil, nil, err // only known keys: one of their values is wrong
	}
	if err := p.UnmarshalJSON(append(known, '}')); err != nil {
		return p, nil, nil, err
	}
	return p, nil, bytes.Clone(data), nil
}

// processKey reports whether key is a key of event.Process's JSON.
func processKey(key string) bool {
	switch key {
	case "Timestamp", "SourceFile", "Recovered":
		return true
	}
	f, ok := event.Lookup(key)
	return ok && f.Name() == key
}

func contextEvents(list []contextEventJSON) ([]findings.ContextEvent, error) {
	if list == nil {
		return nil, errors.New("missing")
	}
	var out []findings.ContextEvent
	for i, e := range list {
		ce := findings.ContextEvent{EventID: e.EventID, EventRecordID: e.EventRecordID, ProcessId: e.ProcessId,
			ParentProcessId: e.ParentProcessId, ProcessGuid: e.ProcessGuid, ParentProcessGuid: e.ParentProcessGuid,
			Image: e.Image, CommandLine: e.CommandLine, User: e.User, LogonId: e.LogonId, SourceFile: e.SourceFile}
		if e.Known != nil && !*e.Known {
			ce.Unknown = true
		} else {
			t, err := time.Parse(time.RFC3339Nano, e.Timestamp)
			if err != nil {
				return nil, fmt.Errorf("event %d: Timestamp: %w", i+1, err)
			}
			ce.Timestamp = t.UTC()
		}
		out = append(out, ce)
	}
	return out, nil
}

// describeJSONError names the field a decoding error is about.
func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("%s: a JSON %s where a %s belongs", te.Field, te.Value, te.Type)
		}
		return fmt.Errorf("a JSON %s where a finding object belongs", te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not JSON: %w (byte %d)", err, se.Offset)
	}
	return fmt.Errorf("not a finding: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// sameAsWritten checks that a finding read back from line writes as line.
func sameAsWritten(line, written []byte) error {
	if bytes.Equal(line, written) {
		return nil
	}
	i := 0
	for i < len(line) && i < len(written) && line[i] == written[i] {
		i++
	}
	from := max(0, i-30)
	return fmt.Errorf("not as evtxhunt writes a finding from byte %d: %q where %q belongs (written by another version, or edited?)",
		i+1, snippet(line, from, i), snippet(written, from, i))
}

func snippet(b []byte, from, at int) string {
	return string(b[from:min(len(b), at+30)])
}
