package event

import (
	"reflect"
	"testing"
	"time"
)

func TestRecordBinaryRoundTrip(t *testing.T) {
	p := &Process{Timestamp: time.Date(2024, 3, 1, 9, 0, 0, 123456700, time.UTC), Computer: "WS01", Channel: SecurityChannel,
		Provider: SecurityProvider, EventID: 4688, Version: 2, EventRecordID: 7, SourceFile: "a.evtx"}
	p.Set(FieldImage, `C:\x.exe`)
	e := &Event{System: System{Timestamp: time.Date(2024, 3, 1, 9, 0, 1, 100, time.UTC), Computer: "WS01", Channel: "System",
		Provider: "Service Control Manager", ProviderGUID: "{G}", EventID: 7045, Version: 0, Level: 4, Opcode: 1, Task: 2,
		Keywords: 0x8080000000000000, EventRecordID: 99, UserID: "S-1-5-18", ProcessID: 636, ThreadID: 700,
		Has: SystemSet(0).With(SysLevel).With(SysKeywords).With(SysUserID)},
		Kind: UserData, Items: []Item{{"A", "1"}, {"Data_2", ""}}, SourceFile: "s.evtx", ChunkIndex: 3, Recovered: true}
	for _, r := range []Record{{Process: p}, {Event: e}} {
		b, err := r.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		var got Record
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip: got %+v, want %+v", got, r)
		}
		for n := range len(b) {
			var bad Record
			if bad.UnmarshalBinary(b[:n]) == nil {
				t.Errorf("truncated to %d of %d bytes: no error", n, len(b))
			}
		}
		if r.MemSize() <= 0 || r.SortKey() != TimeKey(r.Time()) {
			t.Errorf("MemSize %d, SortKey %d", r.MemSize(), r.SortKey())
		}
	}
}
