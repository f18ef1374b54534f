package crossparse

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0x0000000000977caa", "9927850"},
		{"0x3e7", "999"},
		{"0xZZ", "0xZZ"},
		{"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}", "5770385F-C22A-43E0-BF4C-06F5698FFBD9"},
		{"5770385F-C22A-43E0-BF4C-06F5698FFBD9", "5770385F-C22A-43E0-BF4C-06F5698FFBD9"},
		{"{5770385f-c22a-43e0-bf4c-06f5698ffbdZ}", "{5770385f-c22a-43e0-bf4c-06f5698ffbdZ}"},
		{"2021-03-25T21:56:19.530727400Z", "2021-03-25T21:56:19.5307274Z"},
		{"2021-03-25 21:56:19.530727", "2021-03-25T21:56:19.5307270Z"},
		{"2019-02-16 10:02:21.934", "2019-02-16T10:02:21.9340000Z"},
		{"C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\cmd.exe"},
		{"%%1936", "%%1936"},
		{"a\r\n\tb", "a\n\tb"},
		{"True", "true"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSame(t *testing.T) {
	a, b := "2024-03-12T09:00:00.0000010Z", "2024-03-12T09:00:00.0000030Z"
	if Same(a, b, time.Microsecond) || !Same(a, b, 2*time.Microsecond) || !Same("x", "x", 0) || Same("x", "y", time.Hour) {
		t.Error("Same compares wrongly")
	}
}

// On a log written by Windows the three parsers agree with each other
// once normalized: the normalization, not the writer, is under test here.
func TestParsersAgreeOnWindowsLog(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx")
	path := filepath.Join(dir, "EVTX-to-MITRE-Attack", "TA0006-Credential Access", "T1040-Traffic sniffing", "ID-4688 Native Windows sniffer Pktmon usage.evtx")
	ref, err := Evtxexport(path)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("%v (scripts/ci-deps.sh installs it)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) == 0 {
		t.Fatal("evtxexport read no records")
	}
	for _, p := range Parsers() {
		recs, err := p.Parse(path)
		if errors.Is(err, ErrUnavailable) {
			t.Logf("skipping %s: %v", p.Name, err)
			continue
		}
		if err != nil || len(recs) != len(ref) {
			t.Fatalf("%s: %d records (evtxexport %d), %v", p.Name, len(recs), len(ref), err)
		}
		for i := range ref {
			for _, d := range Diff(recs[i], ref[i], p.Precision) {
				t.Errorf("%s record %d: %s", p.Name, i, d)
			}
		}
	}
}

// VelocidexEvents gives a sample log's records as general events with
// their System values and EventData in order.
func TestVelocidexEvents(t *testing.T) {
	path := filepath.Join("..", "..", "samples", "demo", "WS01-Security.evtx")
	events, err := VelocidexEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := Velocidex(path)
	if len(events) != len(recs) || len(events) < 100 {
		t.Fatalf("%d events from %d records", len(events), len(recs))
	}
	logons := 0
	for i := range events {
		e := &events[i]
		if e.Computer == "" || e.Channel != "Security" || e.Provider != "Microsoft-Windows-Security-Auditing" ||
			e.Timestamp.IsZero() || e.EventRecordID == 0 || len(e.Items) != len(recs[i].Data) || e.SourceFile != path {
			t.Fatalf("event %d: %+v", i, e)
		}
		if e.EventID == 4624 {
			logons++
			v, _ := e.Get("LogonType")
			if first := e.Items[0].Name; first != "SubjectUserSid" || e.Version != 2 || v == "" {
				t.Errorf("4624 event %d: version %d, first item %s, LogonType %q", i, e.Version, first, v)
			}
		}
	}
	if logons == 0 {
		t.Error("no 4624 in the sample")
	}
}
