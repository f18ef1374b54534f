package event

import (
	"encoding/json"
	"testing"
	"time"
)

func TestBuilderKeepsEventsApart(t *testing.T) {
	var b Builder
	var events []Event
	// Enough events to cross several blocks, each with a different count.
	for i := range 200 {
		b.Begin(System{EventID: uint32(i)}, EventData, "f.evtx", 0)
		for k := range i % 9 {
			b.Add("Name", string(rune('a'+k)))
		}
		events = append(events, b.Finish())
	}
	for i, e := range events {
		if len(e.Items) != i%9 {
			t.Fatalf("event %d: %d items, want %d", i, len(e.Items), i%9)
		}
		for k, it := range e.Items {
			if it.Value != string(rune('a'+k)) {
				t.Fatalf("event %d item %d = %q", i, k, it.Value)
			}
		}
		if cap(e.Items) != len(e.Items) {
			t.Fatalf("event %d: items not capped (len %d cap %d)", i, len(e.Items), cap(e.Items))
		}
	}
}

func TestBuilderAllocatesPerBlock(t *testing.T) {
	var b Builder
	allocs := testing.AllocsPerRun(10, func() {
		for range itemBlock / 8 {
			b.Begin(System{}, EventData, "", 0)
			for range 8 {
				b.Add("n", "v")
			}
			_ = b.Finish()
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations per %d items, want at most one block", allocs, itemBlock)
	}
}

func TestEventJSON(t *testing.T) {
	e := Event{
		System: System{
			Timestamp: time.Date(2024, 3, 1, 9, 30, 15, 123456700, time.UTC),
			Computer:  "WS01", Channel: "System", Provider: "Service Control Manager",
			EventID: 7045, EventRecordID: 42, Level: 4, Keywords: 0x8080000000000000,
			ProcessID: 636,
			Has:       SystemSet(0).With(SysLevel).With(SysKeywords).With(SysProcessID),
		},
		Kind:       EventData,
		Items:      []Item{{"ServiceName", "evil"}, {"ImagePath", `C:\a "b".exe`}},
		SourceFile: "sys.evtx",
	}
	got := string(e.AppendJSON(nil))
	want := `{"Timestamp":"2024-03-01T09:30:15.1234567Z","Computer":"WS01","Channel":"System","Provider":"Service Control Manager","EventID":7045,"Version":0,"EventRecordID":42,"SourceFile":"sys.evtx","Level":4,"Keywords":"0x8080000000000000","ProcessID":636,"EventData":{"ServiceName":"evil","ImagePath":"C:\\a \"b\".exe"}}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatal("invalid JSON")
	}
}

func TestEventValue(t *testing.T) {
	e := Event{System: System{EventID: 4624, Channel: "Security", UserID: "S-1-5-18",
		Has: SystemSet(0).With(SysUserID)}, Items: []Item{{"LogonType", "10"}, {"Data_2", "x"}}}
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"LogonType", "10", true},
		{"logontype", "10", true},
		{"EventID", "4624", true},
		{"channel", "Security", true},
		{"Security_UserID", "S-1-5-18", true},
		{"Level", "", false},
		{"Missing", "", false},
	}
	for _, tc := range tests {
		got, ok := e.Value(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Value(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSelection(t *testing.T) {
	var s Selection
	if !s.IsEmpty() || s.MayWant(1) {
		t.Fatal("zero selection selects something")
	}
	s.Add("Security", 4624, 4625)
	s.AddChannel("System")
	s.Add("", 1102)
	tests := []struct {
		channel string
		id      uint32
		want    bool
	}{
		{"Security", 4624, true},
		{"security", 4625, true},
		{"SECURITY", 4688, false},
		{"System", 7045, true},
		{"Application", 1102, true},
		{"Application", 1, false},
	}
	for _, tc := range tests {
		if got := s.Wants(tc.channel, tc.id); got != tc.want {
			t.Errorf("Wants(%q, %d) = %v", tc.channel, tc.id, got)
		}
		if got := s.WantsBytes([]byte(tc.channel), tc.id); got != tc.want {
			t.Errorf("WantsBytes(%q, %d) = %v", tc.channel, tc.id, got)
		}
	}
	if got, want := s.String(), "*:1102 security:4624,4625 system:*"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	var m Selection
	m.Merge(&s)
	if m.String() != s.String() {
		t.Errorf("merged %q, want %q", m.String(), s.String())
	}
}

func TestEventJSONRoundTrip(t *testing.T) {
	e := Event{
		System: System{Timestamp: time.Date(2024, 3, 1, 9, 30, 15, 123456700, time.UTC), Computer: "WS01", Channel: "System",
			Provider: "Service Control Manager", ProviderGUID: "{555908D1-A6D7-4695-8E1E-26931D2012F4}", EventID: 7045,
			Version: 1, EventRecordID: 42, Level: 4, Task: 0, Opcode: 0, Keywords: 0x8080000000000000, UserID: "S-1-5-18",
			ProcessID: 636, ThreadID: 700,
			Has: SystemSet(0).With(SysProviderGUID).With(SysLevel).With(SysTask).With(SysOpcode).With(SysKeywords).With(SysUserID).With(SysProcessID).With(SysThreadID)},
		Kind: UserData, Items: []Item{{"Z", "1"}, {"A", "x\"y"}, {"Data_3", ""}}, SourceFile: "s.evtx", Recovered: true,
	}
	b := e.AppendJSON(nil)
	var got Event
	if err := got.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if again := got.AppendJSON(nil); string(again) != string(b) {
		t.Errorf("round trip:\n got %s\nwant %s", again, b)
	}
	for _, bad := range []string{`[]`, `{"Nope":1}`, `{"EventID":"x"}`, `{"Level":300}`, `{"EventData":{},"UserData":{}}`, `{"EventData":{"a":1}}`} {
		var x Event
		if x.UnmarshalJSON([]byte(bad)) == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
