package sessions

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

const ws01 = "WS01.corp.example.com"

// aliceDay: alice works over RDP on WS01 (elevated, a 4672 logged a
// millisecond before its 4624, disconnects and reconnects from another
// client, uses explicit credentials) while a network logon of hers comes
// and goes.
func aliceDay() []*event.Event {
	const rdp, net = "0x5a1f0", "0x6b000"
	return []*event.Event{
		privileges4672(ws01, 101, at(8, 14, 3, 0), rdp),
		logon4624(ws01, 102, at(8, 14, 3, 1), `CORP\alice`, rdp, "10", "LogonProcessName", "User32 ",
			"AuthenticationPackageName", "Negotiate", "WorkstationName", "DESKTOP-X9", "IpAddress", "198.51.100.23",
			"IpPort", "0", "ElevatedToken", "%%1842", "TargetLinkedLogonId", "0x0"),
		security(ws01, EventDisconnect, 110, at(8, 20, 0, 0), "AccountName", "alice", "AccountDomain", "CORP",
			"LogonID", rdp, "SessionName", "RDP-Tcp#3", "ClientName", "DESKTOP-X9", "ClientAddress", "198.51.100.23"),
		logon4624(ws01, 111, at(8, 20, 10, 0), `CORP\alice`, net, "3", "LogonProcessName", "Kerberos",
			"AuthenticationPackageName", "Kerberos", "WorkstationName", "-", "IpAddress", "10.20.30.40",
			"IpPort", "50123", "ElevatedToken", "%%1843"),
		logoff4634(ws01, 112, at(8, 20, 12, 0), net, "3"),
		security(ws01, EventExplicitCredentials, 120, at(8, 22, 0, 0), "SubjectLogonId", rdp,
			"TargetUserName", "admin", "TargetDomainName", "CORP", "TargetServerName", "FS01.corp.example.com",
			"TargetInfo", "FS01.corp.example.com", "ProcessName", `C:\Windows\System32\runas.exe`, "IpAddress", "-", "IpPort", "-"),
		security(ws01, EventReconnect, 130, at(8, 25, 0, 0), "AccountName", "alice", "AccountDomain", "CORP",
			"LogonID", rdp, "SessionName", "RDP-Tcp#5", "ClientName", "JUMP01", "ClientAddress", "10.23.23.9"),
		security(ws01, EventUserLogoff, 140, at(8, 29, 40, 0), "TargetUserName", "alice", "TargetDomainName", "CORP", "TargetLogonId", rdp),
		logoff4634(ws01, 141, at(8, 29, 51, 0), rdp, "10"),
	}
}

// The RDP and the network session of the same user on one host are told
// apart by logon id and time; each lookup is tied to its own session.
func TestLookupRDPAndNetwork(t *testing.T) {
	x := build(Options{}, aliceDay()...)
	tests := []struct {
		name, host, id string
		t              time.Time
		want           string // TableLine
		recordIDs      []uint64
	}{
		{"rdp", ws01, "0x5a1f0", at(8, 15, 0, 0),
			"RemoteInteractive (10) from 198.51.100.23 (DESKTOP-X9), Negotiate, elevated, 08:14:03 to 08:29:51",
			[]uint64{102, 101, 110, 120, 130, 140, 141}},
		{"rdp after the reconnect, by short host name and decimal id", "ws01", "369136", at(8, 26, 0, 0),
			"RemoteInteractive (10) from 198.51.100.23 (DESKTOP-X9), Negotiate, elevated, RDP client 10.23.23.9 (JUMP01), 08:14:03 to 08:29:51", nil},
		{"rdp at its logon", ws01, "0x5a1f0", at(8, 14, 3, 1), "RemoteInteractive (10)", nil},
		{"network", ws01, "0x6b000", at(8, 20, 11, 0), "Network (3) from 10.20.30.40, Kerberos, 08:20:10 to 08:20:12", []uint64{111, 112}},
		{"network after its logoff", ws01, "0x6b000", at(8, 20, 13, 0), "no 4624 for logon 0x6b000", nil},
		{"rdp after its logoff", ws01, "0x5a1f0", at(8, 29, 52, 0), "no 4624 for logon 0x5a1f0", nil},
		{"rdp before its logon", ws01, "0x5a1f0", at(8, 14, 3, 0), "no 4624 for logon 0x5a1f0", nil},
		{"other host", "WS02", "0x5a1f0", at(8, 15, 0, 0), "no 4624 for logon 0x5a1f0", nil},
		{"built-in", ws01, "0x3e7", at(8, 15, 0, 0), `built-in NT AUTHORITY\SYSTEM session (0x3e7)`, nil},
		{"built-in, padded", ws01, "0x00000000000003E5", at(8, 15, 0, 0), `built-in NT AUTHORITY\LOCAL SERVICE session (0x3e5)`, nil},
	}
	for _, tc := range tests {
		s := x.Lookup(tc.host, tc.id, tc.t)
		if got := s.TableLine(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if tc.recordIDs != nil && !slices.Equal(s.EventRecordIDs, tc.recordIDs) {
			t.Errorf("%s: record ids %v, want %v", tc.name, s.EventRecordIDs, tc.recordIDs)
		}
	}
	s := x.Lookup(ws01, "0x5a1f0", at(8, 15, 0, 0))
	if s.User != `CORP\alice` || !s.Elevated || len(s.Privileges) != 3 || s.Privileges[2] != "SeDebugPrivilege" ||
		len(s.ExplicitCredentials) != 1 || s.ExplicitCredentials[0].TargetUser != `CORP\admin` ||
		len(s.Logoffs) != 2 || s.Logoffs[0].EventID != EventUserLogoff || s.LogoffTime != at(8, 29, 51, 0) {
		t.Errorf("rdp session: %+v", s)
	}
}

// The JSON of a session has the documented names and shape.
func TestSessionJSON(t *testing.T) {
	x := build(Options{}, aliceDay()...)
	s := x.Lookup(ws01, "0x5a1f0", at(8, 15, 0, 0))
	want := `{"LogonId":"0x5a1f0","User":"CORP\\alice","LogonType":10,"LogonTypeName":"RemoteInteractive",` +
		`"IpAddress":"198.51.100.23","IpPort":"0","WorkstationName":"DESKTOP-X9","AuthenticationPackageName":"Negotiate",` +
		`"LogonProcessName":"User32 ","LogonTime":"2024-03-12T08:14:03.0010000Z","LogoffTime":"2024-03-12T08:29:51.0000000Z",` +
		`"Elevated":true,"Privileges":["SeSecurityPrivilege","SeBackupPrivilege","SeDebugPrivilege"],` +
		`"ClientAddress":"198.51.100.23","ClientName":"DESKTOP-X9","EventRecordIDs":[102,101,110,120,130,140,141],"Known":true,` +
		`"ExplicitCredentials":[{"Timestamp":"2024-03-12T08:22:00.0000000Z","EventID":4648,"EventRecordID":120,` +
		`"TargetUser":"CORP\\admin","TargetServerName":"FS01.corp.example.com","TargetInfo":"FS01.corp.example.com",` +
		`"ProcessName":"C:\\Windows\\System32\\runas.exe","IpAddress":"-","IpPort":"-"}],` +
		`"Logoffs":[{"Timestamp":"2024-03-12T08:29:40.0000000Z","EventID":4647,"EventRecordID":140},` +
		`{"Timestamp":"2024-03-12T08:29:51.0000000Z","EventID":4634,"EventRecordID":141}]}`
	if got := string(s.AppendJSON(nil)); got != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
	var decoded map[string]any
	if err := json.Unmarshal(s.AppendJSON(nil), &decoded); err != nil {
		t.Errorf("not JSON: %v", err)
	}
	for _, tc := range []struct {
		s    Session
		want string
	}{
		{x.Lookup(ws01, "0x4444", at(8, 15, 0, 0)), `{"LogonId":"0x4444","Known":false}`},
		{x.Lookup(ws01, "999", at(8, 15, 0, 0)), `{"LogonId":"0x3e7","User":"NT AUTHORITY\\SYSTEM","Known":false}`},
		{x.Lookup(ws01, "0x3E4", at(8, 15, 0, 0)), `{"LogonId":"0x3e4","User":"NT AUTHORITY\\NETWORK SERVICE","Known":false}`},
		{x.Lookup(ws01, "bogus", at(8, 15, 0, 0)), `{"LogonId":"bogus","Known":false}`},
	} {
		if b, _ := json.Marshal(tc.s); string(b) != tc.want {
			t.Errorf("JSON %s, want %s", b, tc.want)
		}
	}
}

// The two halves of a split token know each other, and only the elevated
// half is elevated; a link named on one side only is joined.
func TestLinkedLogons(t *testing.T) {
	x := build(Options{},
		logon4624(ws01, 10, at(7, 0, 0, 0), `CORP\bob`, "0x100", "2", "ElevatedToken", "%%1843", "TargetLinkedLogonId", "0x101"),
		logon4624(ws01, 11, at(7, 0, 0, 0), `CORP\bob`, "0x101", "2", "ElevatedToken", "%%1842", "TargetLinkedLogonId", "0x100"),
		privileges4672(ws01, 9, at(6, 59, 59, 999), "0x101"),
		logon4624(ws01, 20, at(7, 5, 0, 0), `CORP\carol`, "0x200", "2", "TargetLinkedLogonId", "0x201"),
		logon4624(ws01, 21, at(7, 5, 0, 0), `CORP\carol`, "0x201", "2"),
	)
	limited, elevated := x.Lookup(ws01, "0x100", at(7, 1, 0, 0)), x.Lookup(ws01, "0x101", at(7, 1, 0, 0))
	if limited.LinkedLogonId != "0x101" || limited.Elevated || elevated.LinkedLogonId != "0x100" || !elevated.Elevated || len(elevated.Privileges) != 3 {
		t.Errorf("split token: limited %+v, elevated %+v", limited, elevated)
	}
	if s := x.Lookup(ws01, "0x201", at(7, 6, 0, 0)); s.LinkedLogonId != "0x200" {
		t.Errorf("one-sided link not joined: %+v", s)
	}
	list := x.Sessions()[0].Sessions
	var ids []string
	for _, e := range list {
		ids = append(ids, e.Session.LogonId)
	}
	if want := []string{"0x100", "0x101", "0x200", "0x201"}; !slices.Equal(ids, want) {
		t.Errorf("sessions %v, want %v (halves side by side)", ids, want)
	}
}

// A logon id reused after a reboot: each record and lookup goes to the
// session of its time, with or without a logoff for the first one.
func TestLogonIDReusedAfterReboot(t *testing.T) {
	first := logon4624(ws01, 1, at(9, 0, 0, 0), `CORP\alice`, "0x3e8a0", "2", "IpAddress", "127.0.0.1")
	second := logon4624(ws01, 500, at(10, 0, 0, 0), `CORP\dave`, "0x3e8a0", "10", "IpAddress", "203.0.113.9")
	late := logoff4634(ws01, 501, at(10, 30, 0, 0), "0x3e8a0", "10")
	for _, withLogoff := range []bool{true, false} {
		events := []*event.Event{second, late, first} // the later file first
		if withLogoff {
			events = append(events, logoff4634(ws01, 2, at(9, 10, 0, 0), "0x3e8a0", "2"))
		}
		// Without its logoff, the first session lasts until the second
		// one of its id begins.
		between := ""
		if !withLogoff {
			between = `CORP\alice`
		}
		x := build(Options{}, events...)
		checks := []struct {
			t    time.Time
			want string
		}{
			{at(9, 5, 0, 0), `CORP\alice`},
			{at(9, 30, 0, 0), between},
			{at(10, 5, 0, 0), `CORP\dave`},
			{at(10, 31, 0, 0), ""},
		}
		for _, c := range checks {
			if s := x.Lookup(ws01, "0x3e8a0", c.t); s.User != c.want || s.Known != (c.want != "") {
				t.Errorf("logoff %v, at %s: %q (known %v), want %q", withLogoff, c.t.Format("15:04"), s.User, s.Known, c.want)
			}
		}
		if s := x.Lookup(ws01, "0x3e8a0", at(10, 5, 0, 0)); !slices.Equal(s.EventRecordIDs, []uint64{500, 501}) {
			t.Errorf("the second session's records: %v", s.EventRecordIDs)
		}
	}
}

// A session whose 4624 is missing: only its logon id is known, and its
// logoff is counted as unmatched.
func TestMissingLogon(t *testing.T) {
	x := build(Options{}, logoff4634(ws01, 7, at(9, 0, 0, 0), "0x7777", "3"), privileges4672(ws01, 6, at(8, 0, 0, 0), "0x7777"))
	s := x.Lookup(ws01, "0x7777", at(8, 30, 0, 0))
	if s.Known || s.LogonId != "0x7777" || s.User != "" || s.LogonType != 0 || s.EventRecordIDs != nil {
		t.Errorf("missing 4624: %+v", s)
	}
	if st := x.Stats(); st.Unmatched != 2 || st.Logons != 0 {
		t.Errorf("stats %+v", st)
	}
	if len(x.Sessions()) != 1 || len(x.Sessions()[0].Sessions) != 0 {
		t.Errorf("sessions %+v", x.Sessions())
	}
}

// The result does not depend on the order records arrive in, and copies
// of a log count once.
func TestOrderAndCopies(t *testing.T) {
	events := aliceDay()
	want := sessionsJSON(build(Options{}, events...))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := slices.Clone(events)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := sessionsJSON(build(Options{}, shuffled...)); got != want {
			t.Fatalf("order %d gives\n%s\nwant\n%s", i, got, want)
		}
	}
	twice := build(Options{}, append(slices.Clone(events), events...)...)
	if got := sessionsJSON(twice); got != want {
		t.Errorf("copies change the sessions:\n%s", got)
	}
	if st := twice.Stats(); st.Duplicates != len(events) || st.Logons != 2 {
		t.Errorf("stats %+v, want %d duplicates and 2 logons", st, len(events))
	}
}

func sessionsJSON(x *Index) string {
	var b []byte
	for _, h := range x.Sessions() {
		for _, e := range h.Sessions {
			b = fmt.Appendf(b, "%s %d ", h.Host, e.Processes)
			b = e.Session.AppendJSON(b)
			b = append(b, '\n')
		}
	}
	return string(b)
}
