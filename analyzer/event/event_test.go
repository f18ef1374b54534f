package event

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1234", 1234, true},
		{"0x4d2", 1234, true},
		{"0X00000000000004D2", 1234, true},
		{" 42 ", 42, true},
		{"", 0, false},
		{"0x", 0, false},
		{"-1", 0, false},
		{"12ab", 0, false},
		{"0xffffffffffffffff", ^uint64(0), true},
		{"0x1ffffffffffffffff", 0, false},
		{"18446744073709551615", ^uint64(0), true},
		{"18446744073709551616", 0, false},
		{"000000000000000000000000000042", 42, true},
		{"0x0000000000000000000000000000002a", 42, true},
		{strings.Repeat("9", 21), 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseNumber(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// Evidence text that is no number costs nothing, however long.
	long := strings.Repeat("x", 1<<20)
	if allocs := testing.AllocsPerRun(10, func() { ParseNumber(long) }); allocs != 0 {
		t.Errorf("ParseNumber of 1 MiB of text allocated %.0f times", allocs)
	}
}

func TestPresence(t *testing.T) {
	var p Process
	if _, ok := p.Get(FieldCommandLine); ok {
		t.Error("CommandLine present on a zero event")
	}
	p.Set(FieldCommandLine, "")
	if v, ok := p.Get(FieldCommandLine); !ok || v != "" {
		t.Errorf("empty CommandLine: %q, %v; want present and empty", v, ok)
	}
	if _, ok := p.Get(FieldComputer); !ok {
		t.Error("identity fields must always be present")
	}
	if p.Set(FieldProcessId, "not a number") {
		t.Error("Set accepted a bad number")
	}
	if _, ok := p.Number(FieldProcessId); ok {
		t.Error("a rejected number left the field present")
	}
	p.Set(FieldProcessId, "0x10")
	if v, _ := p.Get(FieldProcessId); v != "16" {
		t.Errorf("ProcessId renders as %q, want 16", v)
	}
	if f, ok := Lookup("commandline"); !ok || f != FieldCommandLine {
		t.Errorf("Lookup is not case-insensitive: %v %v", f, ok)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	p := Process{Timestamp: time.Date(2024, 3, 1, 9, 30, 15, 123456700, time.UTC), Computer: "WS01", Channel: SysmonChannel,
		Provider: SysmonProvider, EventID: 1, Version: 5, EventRecordID: 9, SourceFile: "a.evtx", Recovered: true}
	p.Set(FieldImage, "C:\\x\"y\x01\xff.exe")
	p.Set(FieldProcessId, "77")
	p.Set(FieldRuleName, "")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
	var q Process
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	p.Image = "C:\\x\"y\x01\uFFFD.exe" // invalid UTF-8 is replaced on output
	if q != p {
		t.Errorf("round trip:\n got %+v\nwant %+v", q, p)
	}
	if !strings.Contains(string(b), `"RuleName":""`) || strings.Contains(string(b), "CommandLine") {
		t.Errorf("presence not kept in JSON: %s", b)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, in := range []string{
		`{"Imagee":"x"}`,
		`{"ProcessId":"twelve"}`,
		`{"Timestamp":"yesterday"}`,
		`{"image":"lower case name"}`,
		`[1,2]`,
	} {
		var p Process
		if err := json.Unmarshal([]byte(in), &p); err == nil {
			t.Errorf("Unmarshal(%s) accepted it", in)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"Timestamp":"2024-03-01T09:30:15.1234567Z","EventID":4688,"Image":"a","ProcessId":"0x10"}`))
	f.Add([]byte(`{"CommandLine":"\u0000\ud800"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Process
		if json.Unmarshal(data, &p) != nil {
			return
		}
		b := p.AppendJSON(nil)
		if !json.Valid(b) {
			t.Fatalf("AppendJSON gave invalid JSON %q", b)
		}
		var q Process
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatalf("re-reading our own output: %v\n%s", err, b)
		}
		if again := q.AppendJSON(nil); !bytes.Equal(again, b) {
			t.Fatalf("output read back is written differently:\n%s\n%s", b, again)
		}
	})
}

// TestJSONStringStable: a string read back from AppendJSONString's output
// is written again byte for byte, whatever it held (invalid UTF-8 and
// U+FFFD both become \ufffd).
func TestJSONStringStable(t *testing.T) {
	for _, s := range []string{"plain", "\xff\xfe", "\uFFFD", "a\uFFFDb\xffc", "\x00\x1f\x7f\u2028\u202e", `"\'`, "\xed\xa0\x80", "日本"} {
		first := AppendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(first, &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if again := AppendJSONString(nil, back); !bytes.Equal(again, first) {
			t.Errorf("%q: written %s, read back and written %s", s, first, again)
		}
	}
	if got := string(AppendJSONString(nil, "\uFFFD\xff")); got != `"\ufffd\ufffd"` {
		t.Errorf("U+FFFD and invalid UTF-8 written as %s", got)
	}
}
