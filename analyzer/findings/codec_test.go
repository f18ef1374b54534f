package findings

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"reflect"
	"testing"
	"time"
)

// sampleFinding is a finding with every part filled in, hostile text
// included.
func sampleFinding(t testing.TB) Finding {
	events := []ev{
		{at: 0, pid: 100, ppid: 4, image: "explorer.exe", cmd: "explorer"},
		{at: m, pid: 200, ppid: 100, sysmon: true, guid: "{200}", cmd: "before \x1b[31m\u202e"},
		{at: 2 * m, pid: 300, ppid: 100, cmd: "FLAG TWICE =cmd|' /C calc'!A0", file: "logs/Security copy & more.evtx"},
		{at: 3 * m, pid: 400, ppid: 300, cmd: "child"},
	}
	fs, _ := scan(t, DefaultOptions(), events...)
	f := fs[0]
	f.Reason, f.Decoded = "explains itself", "IEX (New-Object Net.WebClient)"
	f.Event.Recovered = true
	f.Event.ChunkIndex = 7
	f.Raw = &RawJSON{Event: []byte(`{"Timestamp":"2024-03-01T09:02:00.0000000Z","EventData":{"Data":"\u001b"}}`),
		Message: "[high] Logon: bob", Datetime: "2024-03-01T09:02:00.0000000Z", TimestampDesc: "Event Logged"}
	return f
}

func TestCodecRoundTrip(t *testing.T) {
	f := sampleFinding(t)
	if f.Context.Empty() || len(f.Context.Ancestry) != 2 || len(f.Tags) == 0 {
		t.Fatalf("sample is not rich enough: %+v", f.Context)
	}
	b := appendFinding(nil, &f)
	got, err := decodeFinding(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Errorf("round trip changed the finding:\n got %+v\nwant %+v", got, f)
	}
	// Every truncation is an error, never a panic.
	for n := range len(b) {
		if _, err := decodeFinding(b[:n]); err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(b))
		}
	}
	var zero Finding
	zero.Event.Timestamp = time.Time{}
	if got, err := decodeFinding(appendFinding(nil, &zero)); err != nil || !got.Event.Timestamp.Equal(zero.Event.Timestamp) {
		t.Errorf("zero finding: %v, %v", got.Event.Timestamp, err)
	}
}

// FuzzDecodeFinding: spool items are read back from temporary files;
// whatever is there, decoding returns an error or a finding that encodes
// back to the same bytes, and never panics.
func FuzzDecodeFinding(f *testing.F) {
	s := sampleFinding(f)
	f.Add(appendFinding(nil, &s))
	f.Add(appendFinding(nil, &Finding{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeFinding(b)
		if err != nil {
			return
		}
		again, err := decodeFinding(appendFinding(nil, &got))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("re-encoding a decoded item changed it (%v)", err)
		}
	})
}

func TestCodecRoundTripGeneral(t *testing.T) {
	f := sampleFinding(t)
	f.General = &event.Event{
		System: event.System{Timestamp: time.Date(2024, 3, 1, 9, 0, 0, 100, time.UTC), Computer: "WS01", Channel: "Security",
			Provider: "Microsoft-Windows-Security-Auditing", ProviderGUID: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
			EventID: 4624, Version: 2, Level: 0, Task: 12544, Opcode: 0, Keywords: 0x8020000000000000, EventRecordID: 99,
			ProcessID: 636, ThreadID: 4000, Has: event.SystemSet(0).With(event.SysProviderGUID).With(event.SysTask).With(event.SysKeywords).With(event.SysProcessID).With(event.SysThreadID)},
		Kind:       event.EventData,
		Items:      []event.Item{{Name: "TargetUserName", Value: "alice"}, {Name: "LogonType", Value: "10"}, {Name: "Data_3", Value: ""}},
		SourceFile: "logs/Security.evtx", ChunkIndex: 3, Recovered: true,
	}
	f.Session = &sessions.Session{LogonId: "0x1a2b", User: `CORP\alice`, LogonType: 10, LogonTypeName: "RemoteInteractive",
		IpAddress: "198.51.100.23", LogonTime: time.Date(2024, 3, 1, 8, 0, 0, 100, time.UTC), Elevated: true,
		Privileges: []string{"SeDebugPrivilege"}, EventRecordIDs: []uint64{5, 6}, Known: true}
	b := appendFinding(nil, &f)
	got, err := decodeFinding(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Errorf("round trip changed the finding:\n got %+v %+v\nwant %+v %+v", got.General, got.Session, f.General, f.Session)
	}
	for n := range len(b) {
		if _, err := decodeFinding(b[:n]); err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(b))
		}
	}
}
