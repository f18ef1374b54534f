package correlation

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// secEvent builds a Security log record: event id, time after t0, the
// computer that logged it and its EventData items ("Name=value").
func secEvent(id uint32, at time.Duration, computer string, items ...string) *event.Event {
	e := &event.Event{System: event.System{Timestamp: t0.Add(at), Computer: computer, Channel: "Security",
		Provider: "Microsoft-Windows-Security-Auditing", EventID: id}, Kind: event.EventData, SourceFile: "Security.evtx"}
	for _, it := range items {
		name, value, _ := strings.Cut(it, "=")
		e.Items = append(e.Items, event.Item{Name: name, Value: value})
	}
	return e
}

// failed is a 4625 with a wrong password (or another sub-status).
func failed(at time.Duration, ip, user string, substatus ...string) *event.Event {
	sub := "0xc000006a"
	if len(substatus) > 0 {
		sub = substatus[0]
	}
	return secEvent(4625, at, "SRV01", "TargetUserName="+user, "TargetDomainName=CORP", "Status=0xc000006d",
		"SubStatus="+sub, "LogonType=3", "IpAddress="+ip, "IpPort=50123")
}

// logon is a successful 4624 of the given logon type.
func logon(at time.Duration, ip, user, logonType string) *event.Event {
	return secEvent(4624, at, "SRV01", "TargetUserName="+user, "TargetDomainName=CORP", "LogonType="+logonType, "IpAddress="+ip)
}

// preauth is a 4771 Kerberos pre-authentication failure on the DC.
func preauth(at time.Duration, ip, user, status string) *event.Event {
	return secEvent(4771, at, "DC01", "TargetUserName="+user, "ServiceName=krbtgt", "Status="+status, "IpAddress="+ip)
}

// explicit is a 4648 logged on computer for a logon as user.
func explicit(at time.Duration, computer, user string) *event.Event {
	return secEvent(4648, at, computer, "SubjectUserName=mallory", "TargetUserName="+user, "TargetServerName=FS01", "IpAddress=10.0.0.5")
}

// scanBuiltin runs events through the built-in base rules (the test
// stand-in) and correlations, returning the titles of the findings with
// their counts ("title count/records"), sorted.
func scanBuiltin(t *testing.T, events []*event.Event) []string {
	t.Helper()
	set, bases := loadBuiltin(t)
	var out []string
	e := NewEngine(set, Options{}, func(f *Finding) {
		out = append(out, fmt.Sprintf("%s %d/%d", f.Title, f.Count, f.Records))
	})
	for i, ev := range events {
		ev.EventRecordID = uint64(i + 1)
		for _, b := range bases {
			if b.match(ev.Value) {
				e.Observe(b.id, ev.Timestamp, ev.Value, Ref{Time: ev.Timestamp, Computer: ev.Computer, Channel: ev.Channel,
					EventID: ev.EventID, EventRecordID: ev.EventRecordID, File: ev.SourceFile})
			}
		}
	}
	e.Flush()
	slices.Sort(out)
	return out
}

// TestBuiltinStreams runs synthetic attacks and their look-alikes through
// the built-in correlations.
func TestBuiltinStreams(t *testing.T) {
	const (
		guessing = "Password Guessing Against One Account"
		spraying = "Password Spraying From One Source"
		slow     = "Slow Password Spraying From One Source"
		success  = "Brute Force Followed by a Successful Logon"
	)
	repeat := func(n int, step time.Duration, mk func(i int, at time.Duration) *event.Event) []*event.Event {
		var out []*event.Event
		for i := range n {
			out = append(out, mk(i, time.Duration(i)*step))
		}
		return out
	}
	user := func(i int) string { return fmt.Sprintf("user%02d", i) }
	tests := []struct {
		name   string
		events []*event.Event
		want   []string
	}{
		{"guessing one account", repeat(12, 10*sec, func(_ int, at time.Duration) *event.Event { return failed(at, "203.0.113.66", "administrator") }),
			[]string{guessing + " 12/12"}},
		{"guessing, then the password works", append(
			repeat(6, 20*sec, func(_ int, at time.Duration) *event.Event { return failed(at, "203.0.113.66", "jdoe") }),
			logon(3*mn, "203.0.113.66", "JDOE", "3")),
			[]string{success + " 2/7"}},
		{"guessing long, then the password works", append(
			repeat(15, 10*sec, func(_ int, at time.Duration) *event.Event { return failed(at, "203.0.113.66", "jdoe", "0xc0000064") }),
			logon(4*mn, "203.0.113.66", "jdoe", "10")),
			[]string{guessing + " 15/15", success + " 2/16"}},
		{"spraying accounts", repeat(15, 12*sec, func(i int, at time.Duration) *event.Event { return failed(at, "198.51.100.7", user(i)) }),
			[]string{spraying + " 15/15"}},
		{"spraying over Kerberos", repeat(12, 5*sec, func(i int, at time.Duration) *event.Event { return preauth(at, "::ffff:10.1.2.3", user(i), "0x18") }),
			[]string{spraying + " 12/12"}},
		{"spraying from a compromised host", repeat(12, 5*sec, func(i int, at time.Duration) *event.Event { return explicit(at, "WS07.corp.local", user(i)) }),
			[]string{spraying + " 12/12"}},
		{"slow spraying", repeat(30, 2*mn, func(i int, at time.Duration) *event.Event { return failed(at, "198.51.100.9", user(i)) }),
			[]string{slow + " 30/30"}},
		{"look-alike: a user mistypes twice", []*event.Event{
			failed(0, "10.0.0.21", "amy"), failed(10*sec, "10.0.0.21", "amy"), logon(20*sec, "10.0.0.21", "amy", "2")}, nil},
		{"look-alike: Monday morning, everyone mistypes once", repeat(60, 5*sec, func(i int, at time.Duration) *event.Event {
			return failed(at, fmt.Sprintf("10.0.1.%d", i), user(i))
		}), nil},
		{"look-alike: failures spread over hours", repeat(12, 40*mn, func(_ int, at time.Duration) *event.Event { return failed(at, "10.0.0.30", "bob") }), nil},
		{"look-alike: a computer account", repeat(12, sec, func(_ int, at time.Duration) *event.Event { return failed(at, "10.0.0.40", "WS40$") }), nil},
		{"look-alike: a locked-out account", repeat(12, sec, func(_ int, at time.Duration) *event.Event {
			return failed(at, "10.0.0.41", "carol", "0xc0000234")
		}), nil},
		{"look-alike: Kerberos failures of another kind", repeat(12, sec, func(i int, at time.Duration) *event.Event { return preauth(at, "10.0.0.42", user(i), "0x12") }), nil},
		{"look-alike: a script mapping drives as one account", repeat(12, sec, func(_ int, at time.Duration) *event.Event { return explicit(at, "WS08", "svc_backup") }), nil},
		{"look-alike: success before the failures", append([]*event.Event{logon(0, "10.0.0.50", "dave", "3")},
			repeat(6, 10*sec, func(_ int, at time.Duration) *event.Event { return failed(sec+at, "10.0.0.50", "dave") })...), nil},
		{"look-alike: failures, then another account logs on", append(
			repeat(6, 10*sec, func(_ int, at time.Duration) *event.Event { return failed(at, "10.0.0.51", "erin") }),
			logon(2*mn, "10.0.0.51", "frank", "3")), nil},
		{"look-alike: failures, then a service logon", append(
			repeat(6, 10*sec, func(_ int, at time.Duration) *event.Event { return failed(at, "10.0.0.52", "gina") }),
			logon(2*mn, "10.0.0.52", "gina", "5")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slices.Sort(tt.want)
			if got := scanBuiltin(t, tt.events); !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
