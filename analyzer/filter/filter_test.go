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
