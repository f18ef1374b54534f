package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
)

// correlationFindings are two correlation findings: one event_count over
// one host's records (hostile text in a group value), one value_count
// whose records come from two hosts.
func correlationFindings() []findings.Finding {
	t0 := time.Date(2024, 3, 1, 9, 0, 0, 123456700, time.UTC)
	guess := &correlation.Finding{ID: "1a2b3c4d5e6f7081", RuleID: "54abb59f-847b-4d07-81ef-3f53291cddc3",
		Title: "Password Guessing Against One Account", Description: "Ten or more failed logons.", Level: "medium",
		Tags: []string{"attack.credential-access", "attack.t1110.001"}, Source: "builtin:correlation/password_guessing.yml:1",
		Type: correlation.EventCount, Condition: "gte 10", Timespan: 5 * time.Minute,
		Group: []correlation.GroupValue{{Field: "IpAddress", Value: "10.0.0.9"}, {Field: "TargetUserName", Value: "bob\x1b[2J"}},
		Count: 12, Records: 12, Rules: []string{"evtxhunt_failed_logon"}, First: t0, Last: t0.Add(110 * time.Second)}
	for i := range 3 {
		guess.Refs = append(guess.Refs, correlation.Ref{Time: t0.Add(time.Duration(i*10) * time.Second), Computer: "DC1.corp.local",
			Channel: "Security", EventID: 4625, EventRecordID: uint64(500 + i), File: "logs/Security.evtx"})
	}
	spray := &correlation.Finding{ID: "8899aabbccddeeff", RuleID: "spray-1", Title: "Password Spraying", Level: "high",
		Source: "rules/spray.yml:30", Type: correlation.ValueCount, Condition: "gte 2, field TargetUserName", Timespan: time.Hour,
		Group: []correlation.GroupValue{{Field: "IpAddress", Value: "=cmd|' /C calc'!A0"}}, Count: 2, Records: 2,
		Values: []string{"alice", "carol"}, Rules: []string{"failed"}, First: t0.Add(time.Hour), Last: t0.Add(2 * time.Hour)}
	spray.Refs = []correlation.Ref{
		{Time: spray.First, Computer: "WS01", Channel: "Security", EventID: 4625, EventRecordID: 7, File: "a.evtx"},
		{Time: spray.Last, Computer: "WS02", Channel: "Security", EventID: 4625, EventRecordID: 9, File: "b.evtx"}}
	return []findings.Finding{findings.CorrelationFinding(guess), findings.CorrelationFinding(spray)}
}

// Correlation findings in every format: table golden, the correlation
// object and Summary column present, and read back from JSONL they write
// every format byte for byte again.
func TestCorrelationFindingsFormats(t *testing.T) {
	fs := correlationFindings()
	var table bytes.Buffer
	if err := WriteFindings(&table, Table, fs, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings-correlation.table", table.Bytes())
	line, back := readBack(t, fs)
	if !bytes.Contains(line, []byte(`"correlation":{"type":"event_count","condition":"gte 10","timespan":"5m0s","group":[{"field":"IpAddress","value":"10.0.0.9"}`)) {
		t.Errorf("JSONL lacks the correlation object:\n%s", line)
	}
	if len(back) != len(fs) {
		t.Fatalf("%d findings read back, want %d", len(back), len(fs))
	}
	for i := range fs {
		if !reflect.DeepEqual(back[i].Correlation.Records, fs[i].Correlation.Records) || back[i].RecordKey() != fs[i].RecordKey() ||
			back[i].Correlation.Timespan != fs[i].Correlation.Timespan || back[i].Event.Computer != fs[i].Event.Computer {
			t.Errorf("finding %d read back as %+v, want %+v", i, back[i].Correlation, fs[i].Correlation)
		}
	}
	for _, format := range []Format{Table, CSV, JSON, JSONL, HTML} {
		var want, got bytes.Buffer
		if err := WriteFindings(&want, format, fs, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := WriteFindings(&got, format, back, Options{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: findings read back write differently:\n%s\n--- want\n%s", format, got.Bytes(), want.Bytes())
		}
		if format == CSV && !strings.Contains(want.String(), "correlation: value_count 2 (gte 2, field TargetUserName) within 1h0m0s") {
			t.Errorf("CSV Summary lacks the correlation:\n%s", want.String())
		}
		if format == HTML && !strings.Contains(want.String(), "<dt>Correlation</dt>") {
			t.Error("HTML lacks the correlation details")
		}
	}
	// A damaged correlation object is refused, naming it.
	bad := bytes.Replace(line, []byte(`"timespan":"5m0s"`), []byte(`"timespan":"five"`), 1)
	err := ReadFindingsJSONL(bytes.NewReader(bad), "bad.jsonl", func(*findings.Finding) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "correlation: timespan") {
		t.Errorf("damaged timespan: %v", err)
	}
}
