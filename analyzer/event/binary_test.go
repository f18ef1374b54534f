package event

import (
	"strings"
	"testing"
	"time"
)

// fullProcess has every field set to a distinct value, hostile text and
// extreme numbers included.
func fullProcess() Process {
	p := Process{Timestamp: time.Date(2024, 3, 1, 9, 30, 15, 123456700, time.UTC), Computer: "WS01.corp.local",
		Channel: SysmonChannel, Provider: SysmonProvider, EventID: 1, Version: 255, EventRecordID: ^uint64(0),
		SourceFile: "triage.zip!/C/Windows/System32/winevt/Logs/Sysmon.evtx", ChunkIndex: 65535, Recovered: true}
	for f := range NumFields {
		if fields[f].always {
			continue
		}
		if f.IsNumber() {
			p.SetNumber(f, uint64(f)<<40|7)
		} else {
			p.Set(f, f.Name()+" \x1b[31m\u202e\xff\x00 "+strings.Repeat("é", int(f)))
		}
	}
	return p
}

func TestBinaryRoundTrip(t *testing.T) {
	absent := fullProcess()
	absent.Has = 0 // values without presence: kept as they are
	before := Process{Timestamp: time.Date(1601, 1, 1, 0, 0, 0, 100, time.UTC), ChunkIndex: -1}
	before.Set(FieldRuleName, "")
	for name, p := range map[string]Process{
		"full": fullProcess(), "zero": {}, "absent fields with values": absent, "before 1970, empty but present": before,
	} {
		b, err := p.AppendBinary([]byte("prefix"))
		if err != nil || string(b[:6]) != "prefix" {
			t.Fatalf("%s: AppendBinary: %v, or the prefix was overwritten", name, err)
		}
		b = b[6:]
		var q Process
		if err := q.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if q != p {
			t.Errorf("%s: round trip changed the event:\n got %+v\nwant %+v", name, q, p)
		}
		// Every truncation is an error, never a panic, and leaves q zero.
		for n := range len(b) {
			q = fullProcess()
			if err := q.UnmarshalBinary(b[:n]); err == nil || q != (Process{}) {
				t.Fatalf("%s: truncated to %d of %d bytes: error %v, event %+v", name, n, len(b), err, q)
			}
		}
		if err := q.UnmarshalBinary(append(b, 0)); err == nil || !strings.Contains(err.Error(), "trailing") {
			t.Errorf("%s: a trailing byte gave %v", name, err)
		}
	}
}

func TestBinaryRejectsBadValues(t *testing.T) {
	good := fullProcess()
	b, _ := good.AppendBinary(nil)
	var q Process
	for name, mutate := range map[string]func(p *Process){
		"presence of an identity field": func(p *Process) { p.Has |= 1 << FieldComputer },
		"presence of an unknown field":  func(p *Process) { p.Has |= 1 << 63 },
	} {
		p := fullProcess()
		mutate(&p)
		bad, _ := p.AppendBinary(nil)
		if err := q.UnmarshalBinary(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The Recovered flag sits just before Has: find it by encoding a
	// copy that differs only there.
	off := recoveredOffset(t)
	for _, v := range []byte{2, 0xff} {
		bad := append([]byte(nil), b...)
		bad[off] = v
		if err := q.UnmarshalBinary(bad); err == nil {
			t.Errorf("Recovered byte %#x accepted", v)
		}
	}
}

// recoveredOffset finds the byte holding the Recovered flag.
func recoveredOffset(t *testing.T) int {
	p := fullProcess()
	a, _ := p.AppendBinary(nil)
	p.Recovered = false
	b, _ := p.AppendBinary(nil)
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	t.Fatal("Recovered does not change the encoding")
	return 0
}

func TestMemSize(t *testing.T) {
	var zero Process
	full := fullProcess()
	if zero.MemSize() != processSize || processSize < 400 {
		t.Errorf("zero event: %d, want the struct size %d", zero.MemSize(), processSize)
	}
	text := 0
	for f := range NumFields {
		if !fields[f].always && !f.IsNumber() {
			v, _ := full.Get(f)
			text += len(v)
		}
	}
	if full.MemSize() != processSize+text {
		t.Errorf("full event: %d, want %d", full.MemSize(), processSize+text)
	}
}

// FuzzUnmarshalBinary: run files are read back from disk; whatever is
// there, decoding returns an error or an event that encodes and decodes
// back to itself, and never panics.
func FuzzUnmarshalBinary(f *testing.F) {
	full := fullProcess()
	b, _ := full.AppendBinary(nil)
	f.Add(b)
	var zero Process
	b, _ = zero.AppendBinary(nil)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Process
		if p.UnmarshalBinary(data) != nil {
			return
		}
		again, _ := p.AppendBinary(nil)
		var q Process
		if err := q.UnmarshalBinary(again); err != nil || q != p {
			t.Errorf("re-encoding a decoded event changed it (%v):\n%+v\n%+v", err, q, p)
		}
	})
}

// TestTimeKey: the key never contradicts the order of times, and tells
// apart times one tick (100 ns) apart within FILETIME's range.
func TestTimeKey(t *testing.T) {
	base := time.Date(2024, 3, 1, 9, 30, 15, 123456700, time.UTC)
	times := []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1600, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1601, 1, 1, 0, 0, 0, 100, time.UTC), time.Unix(0, 0),
		base, base.Add(50), base.Add(100), base.Add(time.Second), time.Date(30828, 9, 14, 2, 48, 5, 477580700, time.UTC),
		time.Date(60000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(1<<62, 999999999), time.Date(-500, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, a := range times {
		for _, b := range times {
			ka, kb := TimeKey(a), TimeKey(b)
			if ka < kb && !a.Before(b) || a.Before(b) && ka > kb {
				t.Errorf("keys %d, %d contradict times %v, %v", ka, kb, a, b)
			}
		}
	}
	if TimeKey(base) == TimeKey(base.Add(100)) || TimeKey(base) != TimeKey(base.Add(50)) {
		t.Errorf("the key's unit is not 100 ns")
	}
	if TimeKey(time.Date(1601, 1, 1, 0, 0, 0, 100, time.UTC)) != 1 {
		t.Errorf("the key does not count from 1601")
	}
}
