package synth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Velocidex/ordereddict"
	"www.velocidex.com/golang/evtx"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/internal/crossparse"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// logonStory is one RDP session of alice on WS01 with every kind of
// logon record, a failed logon, and a version 1 network logon; each line
// gives a few values and leaves the rest to synth.
const logonStory = `{"Timestamp":"2024-03-12T08:14:03.0010000Z","Computer":"WS01.corp.example.com","EventID":4624,"EventData":{"TargetUserName":"alice","TargetDomainName":"CORP","LogonType":10,"IpAddress":"198.51.100.23","IpPort":"0","WorkstationName":"DESKTOP-X9","ElevatedToken":"%%1842"}}
{"Timestamp":"2024-03-12T08:14:03.0020000Z","EventID":4672,"EventData":{"SubjectUserName":"alice","SubjectDomainName":"CORP"}}
{"Timestamp":"2024-03-12T08:16:00Z","EventID":4625,"EventData":{"TargetUserName":"administrator","IpAddress":"203.0.113.50","IpPort":"51234","WorkstationName":"KALI","SubStatus":"0xc0000064"}}
{"Timestamp":"2024-03-12T08:20:00Z","EventID":4779,"EventData":{"AccountName":"alice","AccountDomain":"CORP","ClientName":"DESKTOP-X9","ClientAddress":"198.51.100.23"}}
{"Timestamp":"2024-03-12T08:22:00Z","EventID":4648,"EventData":{"SubjectUserName":"alice","SubjectDomainName":"CORP","TargetUserName":"admin","TargetDomainName":"CORP","TargetServerName":"FS01.corp.example.com"}}
{"Timestamp":"2024-03-12T08:25:00Z","EventID":4778,"EventData":{"AccountName":"alice","AccountDomain":"CORP","ClientName":"JUMP01","ClientAddress":"10.23.23.9"}}
{"Timestamp":"2024-03-12T08:26:00Z","EventID":4624,"Version":1,"EventData":{"TargetUserName":"bob","LogonType":3,"IpAddress":"10.20.30.40","IpPort":"50123"}}
{"Timestamp":"2024-03-12T08:29:40Z","EventID":4647,"EventData":{"TargetUserName":"alice","TargetDomainName":"CORP"}}
{"Timestamp":"2024-03-12T08:29:51Z","EventID":4634,"EventData":{"TargetUserName":"alice","TargetDomainName":"CORP","LogonType":10}}
`

// windowsNames are the EventData names of each record, in Windows' order
// (the Security-Auditing manifest; the corpus test below checks them
// against real logs too).
var windowsNames = map[string]string{
	"4624/2": "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId TargetUserSid TargetUserName TargetDomainName TargetLogonId LogonType LogonProcessName AuthenticationPackageName WorkstationName LogonGuid TransmittedServices LmPackageName KeyLength ProcessId ProcessName IpAddress IpPort ImpersonationLevel RestrictedAdminMode TargetOutboundUserName TargetOutboundDomainName VirtualAccount TargetLinkedLogonId ElevatedToken",
	"4624/1": "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId TargetUserSid TargetUserName TargetDomainName TargetLogonId LogonType LogonProcessName AuthenticationPackageName WorkstationName LogonGuid TransmittedServices LmPackageName KeyLength ProcessId ProcessName IpAddress IpPort ImpersonationLevel",
	"4625/0": "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId TargetUserSid TargetUserName TargetDomainName Status FailureReason SubStatus LogonType LogonProcessName AuthenticationPackageName WorkstationName TransmittedServices LmPackageName KeyLength ProcessId ProcessName IpAddress IpPort",
	"4634/0": "TargetUserSid TargetUserName TargetDomainName TargetLogonId LogonType",
	"4647/0": "TargetUserSid TargetUserName TargetDomainName TargetLogonId",
	"4648/0": "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId LogonGuid TargetUserName TargetDomainName TargetLogonGuid TargetServerName TargetInfo ProcessId ProcessName IpAddress IpPort",
	"4672/0": "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId PrivilegeList",
	"4778/0": "AccountName AccountDomain LogonID SessionName ClientName ClientAddress",
	"4779/0": "AccountName AccountDomain LogonID SessionName ClientName ClientAddress",
}

// windowsTypes are the value types Windows writes other than strings.
var windowsTypes = map[string]evtxwriter.ValueType{
	"SubjectUserSid": evtxwriter.TypeSID, "TargetUserSid": evtxwriter.TypeSID,
	"SubjectLogonId": evtxwriter.TypeHexInt64, "TargetLogonId": evtxwriter.TypeHexInt64,
	"TargetLinkedLogonId": evtxwriter.TypeHexInt64, "LogonID": evtxwriter.TypeHexInt64, "ProcessId": evtxwriter.TypeHexInt64,
	"LogonType": evtxwriter.TypeUInt32, "KeyLength": evtxwriter.TypeUInt32,
	"Status": evtxwriter.TypeHexInt32, "SubStatus": evtxwriter.TypeHexInt32,
	"LogonGuid": evtxwriter.TypeGUID, "TargetLogonGuid": evtxwriter.TypeGUID,
}

// Every logon record has Windows' provider, task, keywords, version, and
// EventData names, order and value types; the values a line gives come
// back and the others are derived consistently. Read with the Velocidex
// library directly, which keeps each value's type.
func TestLogonLayouts(t *testing.T) {
	path, st := writeLines(t, logonStory, Options{})
	if st.Records != 9 {
		t.Fatalf("stats %+v", st)
	}
	recs := velocidexTyped(t, path)
	wantTasks := map[uint32]string{4624: "12544", 4625: "12544", 4634: "12545", 4647: "12545", 4648: "12544", 4672: "12548", 4778: "12551", 4779: "12551"}
	for i, r := range recs {
		key := fmt.Sprintf("%d/%d", r.eventID, r.version)
		if got := strings.Join(r.names, " "); got != windowsNames[key] {
			t.Errorf("record %d (%s): names\n got %s\nwant %s", i, key, got, windowsNames[key])
		}
		keywords := "9232379236109516800" // audit success
		if r.eventID == 4625 {
			keywords = "9227875636482146304" // audit failure
		}
		if r.system["Provider/Name"] != event.SecurityProvider || r.system["Channel"] != "Security" ||
			r.system["Task"] != wantTasks[r.eventID] || r.system["Keywords"] != keywords || r.system["Level"] != "0" {
			t.Errorf("record %d (%s): System %v", i, key, r.system)
		}
		for j, name := range r.names {
			if want := goKind(windowsTypes[name]); r.kinds[j] != want {
				t.Errorf("record %d (%s): %s is %s, want %s", i, key, name, r.kinds[j], want)
			}
		}
	}
	v := func(i int, name string) string { return recs[i].values[name] }
	alice := logonID("WS01.corp.example.com", `CORP\alice`)
	checks := []struct{ what, got, want string }{
		{"4624 given", v(0, "IpAddress") + " " + v(0, "WorkstationName") + " " + v(0, "ElevatedToken"), "198.51.100.23 DESKTOP-X9 %%1842"},
		{"4624 rdp defaults", v(0, "LogonProcessName") + "|" + v(0, "AuthenticationPackageName") + "|" + v(0, "ProcessName") + "|" + v(0, "RestrictedAdminMode"),
			`User32 |Negotiate|C:\Windows\System32\winlogon.exe|%%1843`},
		{"4624 subject", v(0, "SubjectUserSid") + " " + v(0, "SubjectUserName") + " " + v(0, "SubjectDomainName") + " " + v(0, "SubjectLogonId"), "S-1-5-18 WS01$ CORP 999"},
		{"4624 target id", v(0, "TargetLogonId"), itoa(alice)},
		{"4624 target sid", v(0, "TargetUserSid"), accountSID(`CORP\alice`)},
		{"4624 logon guid", "{" + v(0, "LogonGuid") + "}", logonGUID("WS01.corp.example.com", alice)},
		{"4672 of the rdp logon", v(1, "SubjectLogonId") + " " + v(1, "SubjectUserSid"), itoa(alice) + " " + accountSID(`CORP\alice`)},
		{"4672 privileges", strings.Fields(v(1, "PrivilegeList"))[0], "SeSecurityPrivilege"},
		{"4625", v(2, "TargetUserSid") + " " + v(2, "TargetDomainName") + " " + v(2, "Status") + " " + v(2, "SubStatus") + " " + v(2, "LogonType") + " " + v(2, "AuthenticationPackageName"),
			"S-1-0-0 CORP 3221225581 3221225572 3 NTLM"},
		{"4625 subject", v(2, "SubjectUserSid") + " " + v(2, "SubjectUserName") + " " + v(2, "SubjectLogonId"), "S-1-0-0 - 0"},
		{"4779 logon id", v(3, "LogonID") + " " + v(3, "ClientName"), itoa(alice) + " DESKTOP-X9"},
		{"4648", v(4, "SubjectLogonId") + " " + v(4, "TargetInfo") + " " + v(4, "LogonGuid"), itoa(alice) + " FS01.corp.example.com 00000000-0000-0000-0000-000000000000"},
		{"4778 session", v(5, "SessionName")[:8], "RDP-Tcp#"},
		{"4624 v1 network", v(6, "LogonProcessName") + "|" + v(6, "AuthenticationPackageName") + "|" + v(6, "SubjectUserSid") + "|" + v(6, "ProcessId") + "|" + v(6, "ImpersonationLevel"),
			"Kerberos|Kerberos|S-1-0-0|0|%%1833"},
		{"4647", v(7, "TargetLogonId"), itoa(alice)},
		{"4634", v(8, "TargetLogonId") + " " + v(8, "LogonType"), itoa(alice) + " 10"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	if v(6, "TargetLogonId") == itoa(logonID("WS01.corp.example.com", `CORP\bob`)) {
		t.Errorf("a network logon took the id of the user's desktop session")
	}
}

// The records synth writes have the names, order and count of the same
// records in the real logs of the corpus.
func TestLogonLayoutsMatchCorpus(t *testing.T) {
	path := testshared.Dir(t, "corpus", "truth", "all-records.jsonl.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct {
			File     string
			Channel  string
			EventID  uint16
			Version  string
			DataKind string
			Data     json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		versions, ok := logonLayouts[r.EventID]
		if r.Channel != "Security" || !ok {
			continue
		}
		var version uint8
		fmt.Sscan(r.Version, &version)
		layout, ok := versions[version]
		if !ok {
			t.Errorf("%s: Security %d version %d has no layout", r.File, r.EventID, version)
			continue
		}
		if got, want := slotNames(layout), strings.Join(orderedKeys(t, r.Data), ", "); got != want {
			t.Errorf("%s: Security %d version %d:\n synth %s\n  real %s", r.File, r.EventID, version, got, want)
		}
		seen[fmt.Sprintf("%d/%d", r.EventID, version)] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("layouts checked against the corpus: %v", slices.Sorted(maps.Keys(seen)))
	if len(seen) < 5 {
		t.Errorf("only %d layouts in the corpus", len(seen))
	}
}

// Lines that cannot make a logon record are refused with their reason.
func TestLogonErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"EventID":4624,"EventData":{"LogonType":3}}`, "a Security 4624 record needs TargetUserName in EventData"},
		{`{"EventID":4778,"EventData":{"ClientName":"x"}}`, "a Security 4778 record needs AccountName in EventData"},
		{`{"EventID":4624,"EventData":{"TargetUserName":"a","CommandLine":"x"}}`, "EventData CommandLine is not part of a Security 4624 version 2 record"},
		{`{"EventID":4624,"Version":3,"EventData":{"TargetUserName":"a"}}`, "security 4624 version 3 is not supported (versions 0, 1, 2 are)"},
		{`{"EventID":4634,"Version":1,"EventData":{"TargetUserName":"a"}}`, "security 4634 version 1 is not supported (version 0 is)"},
		{`{"EventID":4624,"EventData":{"TargetUserName":"a","TargetLogonId":"x"}}`, `EventData TargetLogonId: not a HexInt64: "x"`},
		{`{"EventID":4624,"EventData":{"TargetUserName":"a","LogonGuid":"{1}"}}`, "EventData LogonGuid"},
		{`{"EventID":4624,"Image":"C:\\a.exe","EventData":{"TargetUserName":"a"}}`, "field Image applies to process events only"},
	}
	for _, tc := range tests {
		_, err := WriteFile(filepath.Join(t.TempDir(), "out.evtx"), strings.NewReader(tc.line), nil, Options{Source: "in.jsonl"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.line, err, tc.want)
		}
	}
}

// typedRecord is a record as the Velocidex library gives it, with the Go
// kind of each EventData value.
type typedRecord struct {
	eventID uint32
	version int
	system  map[string]string
	names   []string
	kinds   []string
	values  map[string]string
}

// velocidexTyped reads a file with the Velocidex parser library.
func velocidexTyped(t *testing.T, path string) []typedRecord {
	t.Helper()
	norm, err := crossparse.Velocidex(path)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := evtx.GetChunks(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	var out []typedRecord
	for _, c := range chunks {
		recs, err := c.Parse(0)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			r := norm[len(out)]
			tr := typedRecord{system: r.System, values: r.DataMap()}
			fmt.Sscan(r.System["EventID"], &tr.eventID)
			fmt.Sscan(r.System["Version"], &tr.version)
			root, _ := rec.Event.(*ordereddict.Dict)
			ev, _ := root.Get("Event")
			data, _ := ev.(*ordereddict.Dict).Get("EventData")
			d, _ := data.(*ordereddict.Dict)
			for _, k := range d.Keys() {
				val, _ := d.Get(k)
				tr.names = append(tr.names, k)
				tr.kinds = append(tr.kinds, kindOf(val))
			}
			out = append(out, tr)
		}
	}
	return out
}

var guidText = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

// kindOf names what Velocidex made of a value: its Go type, and for
// strings whether they read as a SID or a GUID.
func kindOf(v any) string {
	s, ok := v.(string)
	switch {
	case !ok:
		return fmt.Sprintf("%T", v)
	case strings.HasPrefix(s, "S-1-"):
		return "SID"
	case guidText.MatchString(s):
		return "GUID"
	}
	return "string"
}

// goKind is the kindOf a value of a written type.
func goKind(t evtxwriter.ValueType) string {
	switch t {
	case evtxwriter.TypeSID:
		return "SID"
	case evtxwriter.TypeGUID:
		return "GUID"
	case evtxwriter.TypeHexInt64:
		return "uint64"
	case evtxwriter.TypeUInt32, evtxwriter.TypeHexInt32:
		return "uint32"
	}
	return "string"
}

// orderedKeys returns the keys of a JSON object in order.
func orderedKeys(t *testing.T, raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// The values are written with Windows' types: SIDs as SID, logon ids as
// HexInt64, process ids declared SizeT and stored HexInt64, GUIDs as GUID.
func TestLogonValueTypes(t *testing.T) {
	lines, err := ReadLines(strings.NewReader(logonStory), "story.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	c := converter{start: time.Date(2024, 3, 12, 8, 0, 0, 0, time.UTC)}
	for _, l := range lines {
		ev, err := c.convert(&l)
		if err != nil {
			t.Fatalf("line %d: %v", l.Number, err)
		}
		for _, d := range ev.Data {
			want, decl := windowsTypes[d.Name], evtxwriter.ValueType(0)
			if want == 0 {
				want = evtxwriter.TypeString
			}
			if d.Name == "ProcessId" {
				decl = evtxwriter.TypeSizeT
			}
			if d.Value.Type() != want || d.Decl != decl {
				t.Errorf("line %d (%d): %s is %s declared %s, want %s declared %s", l.Number, ev.EventID, d.Name, d.Value.Type(), d.Decl, want, decl)
			}
		}
	}
}

// Written, then read back through the pipeline with each decoder: the
// logon records come back as general events with the same names and
// values as the Velocidex library reads.
func TestLogonRoundTripPipeline(t *testing.T) {
	path, _ := writeLines(t, logonStory, Options{})
	ref := velocidexTyped(t, path)
	want := &event.Selection{}
	want.Add(event.SecurityChannel, 4624, 4625, 4634, 4647, 4648, 4672, 4778, 4779)
	for _, d := range decoders {
		var got []event.Event
		_, err := pipeline.Run(context.Background(), walk.Paths([]string{path}).Inputs, pipeline.Options{
			Workers: 2, NewDecoder: d.make, Want: want,
			OnChunk:   func(_ *pipeline.FileStats, _ int, r *decode.Result) { got = append(got, r.Selected...) },
			OnProblem: func(p decode.Problem) { t.Errorf("%s: problem: %s", d.name, p) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			t.Fatalf("the %s decoder filled no Result.Selected for a file of %d selected logon records", d.name, len(ref))
		}
		if len(got) != len(ref) {
			t.Fatalf("%s: %d records selected, want %d", d.name, len(got), len(ref))
		}
		for i := range got {
			e, r := &got[i], &ref[i]
			var names []string
			for _, it := range e.Items {
				names = append(names, it.Name)
				if g, w := crossparse.Normalize(it.Value), r.values[it.Name]; g != w {
					t.Errorf("%s: record %d (%d): %s = %q, want %q", d.name, i, e.EventID, it.Name, g, w)
				}
			}
			if e.EventID != r.eventID || int(e.Version) != r.version || !slices.Equal(names, r.names) {
				t.Errorf("%s: record %d: %d v%d %v, want %d v%d %v", d.name, i, e.EventID, e.Version, names, r.eventID, r.version, r.names)
			}
		}
	}
}
