package findings

import (
	"reflect"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// sampleCorrelationFinding is a correlation finding with every part
// filled in, hostile text included.
func sampleCorrelationFinding() Finding {
	t0 := time.Date(2024, 3, 1, 9, 0, 0, 123456700, time.UTC)
	cf := &correlation.Finding{ID: "0123456789abcdef", RuleID: "corr-1", Title: "Guessing \x1b[31m", Description: "d",
		Level: "high", Tags: []string{"attack.credential-access", "cve.2024-1", "attack.t1110"}, Source: "rules/c.yml:12",
		Type: correlation.ValueCount, Condition: "gte 3", Timespan: 5 * time.Minute,
		Group: []correlation.GroupValue{{Field: "IpAddress", Value: "10.0.0.9"}, {Field: "TargetUserName", Value: "Bob\u202e"}},
		Count: 3, Records: 40, Values: []string{"a", "b", "c"}, Rules: []string{"failed"},
		First: t0, Last: t0.Add(time.Minute)}
	for i := range 3 {
		cf.Refs = append(cf.Refs, correlation.Ref{Time: t0.Add(time.Duration(i) * time.Second), Computer: "DC1",
			Channel: "Security", EventID: 4625, EventRecordID: uint64(100 + i), File: []string{"a.evtx", "b.evtx", "a.evtx"}[i]})
	}
	return CorrelationFinding(cf)
}

func TestCorrelationFinding(t *testing.T) {
	f := sampleCorrelationFinding()
	if f.Level != sigma.High || f.Event.Computer != "DC1" || f.Event.Channel != "Security" || f.Event.User != "Bob\u202e" ||
		!f.Event.Timestamp.Equal(f.Correlation.First) || len(f.Tags) != 2 || len(f.Sources) != 2 {
		t.Errorf("finding %+v", f)
	}
	if s := sampleFinding(t); f.RecordKey() == s.RecordKey() {
		t.Error("correlation key equals a record's")
	}
	msg := f.Message()
	if want := `[high] Guessing ` + "\x1b[31m" + `: value_count 3 (gte 3) within 5m0s, IpAddress="10.0.0.9", TargetUserName="Bob\u202e"`; msg != want {
		t.Errorf("Message = %q, want %q", msg, want)
	}
	f.Correlation.Records[1].Computer = "DC2"
	if g := CorrelationFinding(&correlation.Finding{Level: "bogus", Refs: f.Correlation.Records}); g.Event.Computer != "" || g.Level != sigma.Informational {
		t.Errorf("hosts differ: Computer %q, level %v", g.Event.Computer, g.Level)
	}
}

func TestCodecRoundTripCorrelation(t *testing.T) {
	f := sampleCorrelationFinding()
	b := appendFinding(nil, &f)
	got, err := decodeFinding(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Errorf("round trip changed the finding:\n got %+v\nwant %+v", got.Correlation, f.Correlation)
	}
	for n := range len(b) {
		if _, err := decodeFinding(b[:n]); err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(b))
		}
	}
}
