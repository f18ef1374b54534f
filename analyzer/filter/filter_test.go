package filter

import (
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

func TestFilter(t *testing.T) {
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	p := event.Process{Timestamp: at("2024-03-01T10:00:00Z"), Computer: "WS01.corp.local", User: `CORP\alice`}
	tests := []struct {
		name string
		f    Filter
		want bool
	}{
		{"empty", Filter{}, true},
		{"since before", Filter{Since: at("2024-03-01T09:00:00Z")}, true},
		{"since after", Filter{Since: at("2024-03-01T11:00:00Z")}, false},
		{"until after", Filter{Until: at("2024-03-01T11:00:00Z")}, true},
		{"until before", Filter{Until: at("2024-03-01T09:59:59Z")}, false},
		{"host full", Filter{Hosts: []string{"ws01.CORP.local"}}, true},
		{"host short", Filter{Hosts: []string{"WS01"}}, true},
		{"host other", Filter{Hosts: []string{"WS02", "DC01"}}, false},
		{"user full", Filter{Users: []string{`corp\ALICE`}}, true},
		{"user name", Filter{Users: []string{"alice"}}, true},
		{"user other", Filter{Users: []string{"bob"}}, false},
		{"user and host", Filter{Users: []string{"alice"}, Hosts: []string{"WS02"}}, false},
	}
	for _, tt := range tests {
		if got := tt.f.Match(&p); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in    string
		upper bool
		want  string
		err   bool
	}{
		{"2024-03-01", false, "2024-03-01T00:00:00Z", false},
		{"2024-03-01", true, "2024-03-01T23:59:59.999999999Z", false},
		{"2024-03-01T10:00:00+02:00", false, "2024-03-01T08:00:00Z", false},
		{"2024-03-01T10:00:00", false, "2024-03-01T10:00:00Z", false},
		{"yesterday", false, "", true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, tt.upper)
		if (err != nil) != tt.err {
			t.Errorf("ParseTime(%q) error = %v", tt.in, err)
			continue
		}
		if err == nil && got.Format(time.RFC3339Nano) != tt.want {
			t.Errorf("ParseTime(%q, %v) = %s, want %s", tt.in, tt.upper, got.Format(time.RFC3339Nano), tt.want)
		}
	}
}

func TestMatchEventAndKinds(t *testing.T) {
	logon := &event.Event{System: event.System{Timestamp: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC),
		Computer: "WS01.corp.local", Channel: "Security", EventID: 4624},
		Items: []event.Item{{Name: "SubjectUserName", Value: "-"}, {Name: "TargetUserName", Value: "alice"}, {Name: "TargetDomainName", Value: "CORP"}}}
	proc := &event.Process{Timestamp: logon.Timestamp, Computer: "WS01", Channel: "Security", EventID: 4688}
	tests := []struct {
		name      string
		f         Filter
		logon     bool
		process   bool
		selection string
	}{
		{"empty", Filter{}, true, true, "none"},
		{"event id", Filter{EventIDs: []uint32{4624}}, true, false, "*:4624"},
		{"channel", Filter{Channels: []string{"security"}}, true, true, "security:*"},
		{"channel and ids", Filter{Channels: []string{"System"}, EventIDs: []uint32{7045}}, false, false, "system:7045"},
		{"target user of a logon", Filter{Users: []string{"alice"}}, true, false, "none"},
		{"short host", Filter{Hosts: []string{"ws01"}}, true, true, "none"},
		{"until", Filter{Until: logon.Timestamp.Add(-time.Second)}, false, false, "none"},
	}
	for _, tc := range tests {
		if got := tc.f.MatchEvent(logon); got != tc.logon {
			t.Errorf("%s: MatchEvent = %v, want %v", tc.name, got, tc.logon)
		}
		if got := tc.f.Match(proc); got != tc.process {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.process)
		}
		if got := tc.f.Selection().String(); got != tc.selection {
			t.Errorf("%s: Selection = %q, want %q", tc.name, got, tc.selection)
		}
	}
}

// Sessions are kept by host and user, and by whether their span meets the
// time range.
func TestMatchAccountAndOverlaps(t *testing.T) {
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	f := Filter{Hosts: []string{"ws01"}, Users: []string{"alice"}, Since: at("2024-03-01T10:00:00Z"), Until: at("2024-03-01T12:00:00Z")}
	accounts := []struct {
		host, user string
		want       bool
	}{
		{"WS01.corp.local", `CORP\alice`, true},
		{"WS01", "alice", true},
		{"WS02", `CORP\alice`, false},
		{"WS01", `CORP\bob`, false},
		{"WS01", "", false},
	}
	for _, a := range accounts {
		if got := f.MatchAccount(a.host, a.user); got != a.want {
			t.Errorf("MatchAccount(%q, %q) = %v", a.host, a.user, got)
		}
	}
	if !(&Filter{}).MatchAccount("any", "") {
		t.Error("an empty filter refuses an account")
	}
	spans := []struct {
		from, to string
		want     bool
	}{
		{"2024-03-01T09:00:00Z", "2024-03-01T09:59:59Z", false},
		{"2024-03-01T09:00:00Z", "2024-03-01T10:00:00Z", true},
		{"2024-03-01T11:00:00Z", "2024-03-01T11:30:00Z", true},
		{"2024-03-01T09:00:00Z", "2024-03-01T13:00:00Z", true},
		{"2024-03-01T12:00:00Z", "2024-03-01T13:00:00Z", true},
		{"2024-03-01T12:00:01Z", "2024-03-01T13:00:00Z", false},
		{"2024-03-01T08:00:00Z", "", true},
		{"2024-03-01T12:30:00Z", "", false},
	}
	for _, s := range spans {
		var to time.Time
		if s.to != "" {
			to = at(s.to)
		}
		if got := f.Overlaps(at(s.from), to); got != s.want {
			t.Errorf("Overlaps(%s, %s) = %v, want %v", s.from, s.to, got, s.want)
		}
	}
}
