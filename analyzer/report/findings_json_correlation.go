package report

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
)

// appendCorrelationJSON writes the "correlation" object of a correlation
// finding: type, condition, timespan (Go duration syntax, "5m0s"), group
// (field and value pairs), count, total records, values (value_count),
// rules (those that matched), first and last time, and the listed
// records.
func appendCorrelationJSON(b []byte, c *findings.CorrelationInfo) []byte {
	b = append(b, `{"type":`...)
	b = event.AppendJSONString(b, c.Type)
	b = append(b, `,"condition":`...)
	b = event.AppendJSONString(b, c.Condition)
	b = append(b, `,"timespan":`...)
	b = event.AppendJSONString(b, c.Timespan.String())
	b = append(b, `,"group":[`...)
	for i, g := range c.Group {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"field":`...)
		b = event.AppendJSONString(b, g.Field)
		b = append(b, `,"value":`...)
		b = event.AppendJSONString(b, g.Value)
		b = append(b, '}')
	}
	b = append(b, `],"count":`...)
	b = strconv.AppendInt(b, c.Count, 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, c.Total, 10)
	b = append(b, `,"values":`...)
	b = appendJSONStrings(b, c.Values)
	b = append(b, `,"rules":`...)
	b = appendJSONStrings(b, c.Rules)
	b = append(b, `,"first":`...)
	b = event.AppendJSONString(b, event.FormatTime(c.First))
	b = append(b, `,"last":`...)
	b = event.AppendJSONString(b, event.FormatTime(c.Last))
	b = append(b, `,"records":[`...)
	for i := range c.Records {
		r := &c.Records[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Timestamp":`...)
		b = event.AppendJSONString(b, event.FormatTime(r.Time))
		b = append(b, `,"Computer":`...)
		b = event.AppendJSONString(b, r.Computer)
		b = append(b, `,"Channel":`...)
		b = event.AppendJSONString(b, r.Channel)
		b = append(b, `,"EventID":`...)
		b = strconv.AppendUint(b, uint64(r.EventID), 10)
		b = append(b, `,"EventRecordID":`...)
		b = strconv.AppendUint(b, r.EventRecordID, 10)
		b = append(b, `,"SourceFile":`...)
		b = event.AppendJSONString(b, r.File)
		b = append(b, '}')
	}
	return append(b, ']', '}')
}

// correlationJSON is the shape appendCorrelationJSON writes.
type correlationJSON struct {
	Type      string `json:"type"`
	Condition string `json:"condition"`
	Timespan  string `json:"timespan"`
	Group     []struct {
		Field string `json:"field"`
		Value string `json:"value"`
	} `json:"group"`
	Count   int64    `json:"count"`
	Total   int64    `json:"total"`
	Values  []string `json:"values"`
	Rules   []string `json:"rules"`
	First   string   `json:"first"`
	Last    string   `json:"last"`
	Records []struct {
		Timestamp     string
		Computer      string
		Channel       string
		EventID       uint32
		EventRecordID uint64
		SourceFile    string
	} `json:"records"`
}

// info checks the object and converts it.
func (j *correlationJSON) info() (*findings.CorrelationInfo, error) {
	span, err := time.ParseDuration(j.Timespan)
	if err != nil {
		return nil, fmt.Errorf("timespan: %w", err)
	}
	if j.Type == "" || j.Group == nil || j.Values == nil || j.Rules == nil || j.Records == nil {
		return nil, errors.New("type, group, values, rules or records missing")
	}
	c := &findings.CorrelationInfo{Type: j.Type, Condition: j.Condition, Timespan: span, Count: j.Count, Total: j.Total,
		Values: j.Values, Rules: j.Rules}
	for _, g := range j.Group {
		c.Group = append(c.Group, correlation.GroupValue{Field: g.Field, Value: g.Value})
	}
	if c.First, err = parseJSONTime(j.First); err != nil {
		return nil, fmt.Errorf("first: %w", err)
	}
	if c.Last, err = parseJSONTime(j.Last); err != nil {
		return nil, fmt.Errorf("last: %w", err)
	}
	for i, r := range j.Records {
		t, err := parseJSONTime(r.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("record %d: Timestamp: %w", i+1, err)
		}
		c.Records = append(c.Records, correlation.Ref{Time: t, Computer: r.Computer, Channel: r.Channel,
			EventID: r.EventID, EventRecordID: r.EventRecordID, File: r.SourceFile})
	}
	return c, nil
}

func parseJSONTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}
