package sessions

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

var fuzzIDs = [...]uint32{EventLogon, EventLogonFailed, EventLogoff, EventUserLogoff, EventExplicitCredentials,
	EventSpecialPrivileges, EventReconnect, EventDisconnect}

// FuzzBuilder feeds records of any order, ids, times and text to a
// Builder with a small cap, then checks what lookups promise: a known
// session began no later than the lookup and had not ended before it;
// every process creation is counted once; all JSON is valid.
func FuzzBuilder(f *testing.F) {
	f.Add([]byte("\x03\x00\x01\x02\x0a\x00\x02\x01\x01\x05\x03\x00\x05\x01\x02\x03\x03\x00\x08\x01\x01\x02\x00\x00"))
	f.Add([]byte("\x10\x00\x0f\x00\x00\x02\x01\x08\x0f\x01\x00\x00\x05\x02\x02\x02\x02\x02\xff\xfe\xfd<\x1b[31m"))
	f.Fuzz(fuzzBuilder)
}

func fuzzBuilder(t *testing.T, data []byte) {
	if len(data) == 0 {
		return
	}
	b := NewBuilder(Options{MaxSessions: 1 + int(data[0]%16), MaxFailedGroups: 1 + int(data[0]%4)})
	text := string(data[len(data)/2:][:min(len(data)-len(data)/2, 64)])
	base := time.Date(2024, 3, 12, 8, 0, 0, 0, time.UTC)
	processes := 0
	var times []time.Time
	for i := 1; i+6 <= len(data); i += 6 {
		r := data[i : i+6]
		id := event.FormatHex(0x100 + uint64(r[1]%8))
		if r[1]%16 == 15 {
			id = "0x3e7"
		}
		when := base.Add(time.Duration(r[2]%60)*time.Minute + time.Duration(r[3])*time.Second)
		if len(times) < 64 {
			times = append(times, when)
		}
		host := []string{"H1", "h1", "H2.example"}[r[5]%3]
		if r[0]&0x80 != 0 {
			b.AddProcess(process(host, when, id, text, r[0]&0x40 != 0))
			processes++
			continue
		}
		e := security(host, fuzzIDs[r[0]%8], uint64(i/6), when, "TargetLogonId", id, "SubjectLogonId", id,
			"LogonID", id, "LogonType", []string{"2", "3", "10", "x", "99999999999"}[r[4]%5], "IpAddress", text,
			"WorkstationName", text, "TargetUserName", text, "ElevatedToken", "%%1842", "ClientName", text,
			"PrivilegeList", text, "TargetLinkedLogonId", event.FormatHex(0x100+uint64(r[4]%8)), "Status", text)
		b.Add(e)
		if r[5]&0x08 != 0 {
			b.Add(e) // a copy
		}
	}
	checkFuzzIndex(t, b.Finish(), processes, times)
}

// checkFuzzIndex checks what an Index promises whatever its input.
func checkFuzzIndex(t *testing.T, x *Index, processes int, times []time.Time) {
	counted := 0
	for _, h := range x.Sessions() {
		for _, e := range h.Sessions {
			counted += e.Processes
			s := e.Session
			if !s.LogoffTime.IsZero() && s.LogoffTime.Before(s.LogonTime) {
				t.Fatalf("logoff before logon: %+v", s)
			}
			checkJSON(t, s.AppendJSON(nil))
		}
	}
	for _, u := range x.UnknownLogons() {
		counted += u.Processes
	}
	if counted != processes {
		t.Fatalf("%d process creations counted, %d added", counted, processes)
	}
	for _, host := range []string{"H1", "h2"} {
		for n := range 9 {
			id := event.FormatHex(0x100 + uint64(n))
			for _, when := range times {
				s := x.Lookup(host, id, when)
				if s.Known && (s.LogonTime.After(when) || (!s.LogoffTime.IsZero() && s.LogoffTime.Before(when)) || s.LogonId != id) {
					t.Fatalf("lookup %s %s at %s: %+v", host, id, when, s)
				}
				checkJSON(t, s.AppendJSON(nil))
				_ = s.TableLine()
			}
		}
	}
}

func checkJSON(t *testing.T, b []byte) {
	t.Helper()
	if !json.Valid(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
}

// BenchmarkBuilder: a day of a busy host, 10,000 network logons with
// their 4672 and 4634 and three process creations each, built and looked
// up.
func BenchmarkBuilder(b *testing.B) {
	const n = 10_000
	base := time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)
	var events []*event.Event
	var procs []*event.Process
	for i := range n {
		id := event.FormatHex(uint64(0x100000 + i))
		t := base.Add(time.Duration(i) * 8 * time.Second)
		events = append(events,
			privileges4672(ws01, uint64(3*i), t, id),
			logon4624(ws01, uint64(3*i+1), t, `CORP\svc_backup`, id, "3", "IpAddress", "10.20.30.40", "IpPort", "50000",
				"AuthenticationPackageName", "Kerberos", "LogonProcessName", "Kerberos", "ElevatedToken", "%%1842"),
			logoff4634(ws01, uint64(3*i+2), t.Add(5*time.Second), id, "3"))
		for j := range 3 {
			procs = append(procs, process(ws01, t.Add(time.Duration(j)*time.Second), id, `CORP\svc_backup`, false))
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bl := NewBuilder(Options{})
		for _, e := range events {
			bl.Add(e)
		}
		for _, p := range procs {
			bl.AddProcess(p)
		}
		x := bl.Finish()
		for _, p := range procs {
			if !x.Lookup(p.Computer, p.LogonId, p.Timestamp).Known {
				b.Fatal("lookup failed")
			}
		}
	}
}
