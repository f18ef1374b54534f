package sessions

import (
	"slices"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Under the cap, ended sessions go first, the oldest first: the open
// sessions and the newest ended ones stay, and evicted ones are unknown.
func TestEvictionKeepsNewest(t *testing.T) {
	const max = 8
	b := NewBuilder(Options{MaxSessions: max})
	var open, ended []string
	for i := range 4 {
		id := event.FormatHex(uint64(0x10 + i))
		b.Add(logon4624(ws01, uint64(10+i), at(6, i, 0, 0), `CORP\alice`, id, "2"))
		open = append(open, id)
	}
	for i := range 16 {
		id := event.FormatHex(uint64(0x20 + i))
		b.Add(logon4624(ws01, uint64(100+2*i), at(7, i, 0, 0), `CORP\alice`, id, "3"))
		b.Add(logoff4634(ws01, uint64(101+2*i), at(7, i, 30, 0), id, "3"))
		ended = append(ended, id)
		if b.logons > max {
			t.Fatalf("%d logons held, cap %d", b.logons, max)
		}
	}
	x := b.Finish()
	var kept []string
	for _, e := range x.Sessions()[0].Sessions {
		kept = append(kept, e.Session.LogonId)
	}
	if len(kept) < 5 || len(kept) > max {
		t.Fatalf("kept %v", kept)
	}
	if !slices.Equal(kept[:4], open) {
		t.Errorf("kept %v: the open sessions must stay", kept)
	}
	if newest := ended[len(ended)-(len(kept)-4):]; !slices.Equal(kept[4:], newest) {
		t.Errorf("kept ended sessions %v, want the newest %v", kept[4:], newest)
	}
	if s := x.Lookup(ws01, ended[0], at(7, 0, 10, 0)); s.Known {
		t.Errorf("an evicted session is still known: %+v", s)
	}
	if s := x.Lookup(ws01, ended[15], at(7, 15, 10, 0)); !s.Known || s.LogoffTime != at(7, 15, 30, 0) {
		t.Errorf("the newest session lost its logoff: %+v", s)
	}
	st := x.Stats()
	if st.Evicted != 20-len(kept) || st.Dropped != st.Evicted || st.Logons != len(kept) {
		t.Errorf("stats %+v with %d kept", st, len(kept))
	}
}

// The records no session claims are bounded too, the oldest dropped
// first; the records of sessions held stay.
func TestRecordLimit(t *testing.T) {
	b := NewBuilder(Options{MaxSessions: 2})
	b.Add(logon4624(ws01, 1, at(8, 0, 0, 0), `CORP\alice`, "0x42", "2"))
	b.Add(privileges4672(ws01, 2, at(8, 0, 0, 0), "0x42"))
	for i := range 20 {
		b.Add(privileges4672(ws01, uint64(100+i), at(8, 1, i, 0), event.FormatHex(uint64(0x900+i))))
		if b.records > 2*MaxRecordsPerSession {
			t.Fatalf("%d records held", b.records)
		}
	}
	b.Add(logoff4634(ws01, 3, at(9, 0, 0, 0), "0x42", "2"))
	x := b.Finish()
	s := x.Lookup(ws01, "0x42", at(8, 30, 0, 0))
	if !s.Known || !s.Elevated || s.LogoffTime != at(9, 0, 0, 0) {
		t.Errorf("the session lost its records: %+v", s)
	}
	st := x.Stats()
	if st.Dropped < 12 || st.Unmatched+st.Dropped != 20 || st.Evicted != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Process creations count in the session that covers them, Security and
// Sysmon alike; the rest are listed per logon id.
func TestProcesses(t *testing.T) {
	b := NewBuilder(Options{})
	for _, e := range aliceDay() {
		b.Add(e)
	}
	procs := []*event.Process{
		process(ws01, at(8, 15, 0, 0), "0x5a1f0", `CORP\alice`, false),
		process(ws01, at(8, 16, 0, 0), "0x5a1f0", `CORP\alice`, false),
		process(ws01, at(8, 16, 0, 200), "0x5a1f0", `CORP\alice`, false),
		process(ws01, at(8, 26, 0, 0), "0x5A1F0", `CORP\alice`, true),
		process(ws01, at(8, 29, 51, 0), "0x5a1f0", `CORP\alice`, true),
		process(ws01, at(8, 20, 11, 0), "0x6b000", `CORP\alice`, false),
		process(ws01, at(8, 40, 0, 0), "0x5a1f0", `CORP\alice`, false),
		process(ws01, at(8, 1, 0, 0), "0x3e7", `NT AUTHORITY\SYSTEM`, true),
		process(ws01, at(8, 50, 0, 0), "0x3e7", `NT AUTHORITY\SYSTEM`, false),
		process(ws01, at(8, 5, 0, 0), "0x9999", `CORP\eve`, false),
		process(ws01, at(8, 5, 0, 0), "0x0", `CORP\eve`, false),
	}
	for _, p := range procs {
		b.AddProcess(p)
	}
	x := b.Finish()
	counts := map[string]int{}
	for _, e := range x.Sessions()[0].Sessions {
		counts[e.Session.LogonId] = e.Processes
	}
	if counts["0x5a1f0"] != 5 || counts["0x6b000"] != 1 {
		t.Errorf("process counts %v", counts)
	}
	want := []UnknownLogon{
		{ws01, "0x3e7", `NT AUTHORITY\SYSTEM`, 2, at(8, 1, 0, 0), at(8, 50, 0, 0)},
		{ws01, "0x9999", `CORP\eve`, 1, at(8, 5, 0, 0), at(8, 5, 0, 0)},
		{ws01, "0x5a1f0", `CORP\alice`, 1, at(8, 40, 0, 0), at(8, 40, 0, 0)},
	}
	if got := x.UnknownLogons(); !slices.Equal(got, want) {
		t.Errorf("unknown logons\n got %+v\nwant %+v", got, want)
	}
	// A Sysmon event's LogonId finds its session like a 4688's.
	for _, p := range procs[3:5] {
		if s := x.Lookup(p.Computer, p.LogonId, p.Timestamp); s.LogonId != "0x5a1f0" || !s.Known {
			t.Errorf("sysmon lookup at %s: %+v", p.Timestamp, s)
		}
	}
}

// Past the bucket limit, counts merge into wider buckets: none is lost.
func TestProcessBucketsBounded(t *testing.T) {
	b := NewBuilder(Options{})
	b.procs.max = 16
	b.Add(logon4624(ws01, 1, at(8, 0, 0, 0), `CORP\alice`, "0x42", "2"))
	b.Add(logoff4634(ws01, 2, at(9, 0, 0, 0), "0x42", "2"))
	for i := range 300 {
		b.AddProcess(process(ws01, at(7, 0, 0, 0).Add(time.Duration(i)*37*time.Second), "0x42", `CORP\alice`, false))
		if b.procs.buckets > b.procs.max {
			t.Fatalf("%d buckets held", b.procs.buckets)
		}
	}
	x := b.Finish()
	total := x.Sessions()[0].Sessions[0].Processes
	for _, u := range x.UnknownLogons() {
		total += u.Processes
	}
	if total != 300 || b.procs.width < 2 {
		t.Errorf("%d processes counted in %d s buckets, want 300", total, b.procs.width)
	}
}

// Failed logons are summarized per host, target user and source; copies
// count once; past the group limit, later groups go to "(others)".
func TestFailedLogons(t *testing.T) {
	fail := func(rec uint64, t time.Time, user, ip, status, sub, logonType string) *event.Event {
		return security(ws01, EventLogonFailed, rec, t, "SubjectUserSid", "S-1-0-0", "SubjectUserName", "-",
			"SubjectDomainName", "-", "SubjectLogonId", "0x0", "TargetUserSid", "S-1-0-0", "TargetUserName", user,
			"TargetDomainName", "CORP", "Status", status, "FailureReason", "%%2313", "SubStatus", sub,
			"LogonType", logonType, "WorkstationName", "KALI", "IpAddress", ip, "IpPort", "0")
	}
	events := []*event.Event{
		fail(1, at(3, 0, 0, 0), "alice", "10.0.0.5", "0xc000006d", "0xc000006a", "3"),
		fail(2, at(3, 0, 1, 0), "alice", "10.0.0.5", "0xC000006D", "0x00000000C000006A", "3"),
		fail(3, at(3, 0, 2, 0), "ALICE", "10.0.0.5", "0xc000006d", "0xc0000064", "10"),
		fail(4, at(3, 5, 0, 0), "administrator", "10.0.0.6", "0xc0000234", "0x0", "3"),
		fail(5, at(3, 6, 0, 0), "guest", "10.0.0.7", "0xc0000072", "0x0", "3"),
	}
	x := build(Options{MaxFailedGroups: 2}, append(slices.Clone(events), events...)...)
	got := x.FailedLogons()
	if len(got) != 3 || x.Stats().Failed != 5 {
		t.Fatalf("groups %+v, stats %+v", got, x.Stats())
	}
	alice := got[0]
	if alice.User != `CORP\alice` || alice.SourceAddress != "10.0.0.5" || alice.Count != 3 || alice.SourceWorkstation != "KALI" ||
		alice.First != at(3, 0, 0, 0) || alice.Last != at(3, 0, 2, 0) || !slices.Equal(alice.LogonTypes, []uint32{3, 10}) {
		t.Errorf("alice: %+v", alice)
	}
	wantStatuses := []Status{{"0xc000006d", "0xc000006a", "wrong password", 2}, {"0xc000006d", "0xc0000064", "user name does not exist", 1}}
	if !slices.Equal(alice.Statuses, wantStatuses) {
		t.Errorf("statuses %+v", alice.Statuses)
	}
	if got[1].User != `CORP\administrator` || got[1].Statuses[0].Meaning != "account locked out" {
		t.Errorf("administrator: %+v", got[1])
	}
	if got[2].User != "(others)" || got[2].SourceAddress != "(others)" || got[2].Count != 1 {
		t.Errorf("past the limit: %+v", got[2])
	}
}

// Records of other providers and event ids are ignored, and Selection
// names the records Add reads.
func TestSelectionAndOtherRecords(t *testing.T) {
	if got := Selection().String(); got != "security:4624,4625,4634,4647,4648,4672,4778,4779" {
		t.Errorf("selection %s", got)
	}
	other := logon4624(ws01, 1, at(8, 0, 0, 0), `CORP\alice`, "0x42", "2")
	other.Channel, other.Provider = "Application", "Some-App"
	odd := security(ws01, 4688, 2, at(8, 0, 0, 0), "SubjectLogonId", "0x42")
	x := build(Options{}, other, odd)
	if len(x.Sessions()) != 0 || x.Stats() != (Stats{}) {
		t.Errorf("sessions from other records: %+v %+v", x.Sessions(), x.Stats())
	}
}
