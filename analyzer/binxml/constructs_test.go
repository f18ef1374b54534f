package binxml

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

var (
	when     = time.Date(2024, 3, 1, 12, 34, 56, 789012300, time.UTC)
	sidUser  = value{typeSID, cat([]byte{1, 5, 0, 0, 0, 0, 0, 5}, le32(21), le32(1004336348), le32(1154899886), le32(839522115), le32(1001))}
	sidHigh  = value{typeSID, cat([]byte{1, 1, 0, 0, 0, 0, 0, 16}, le32(12288))}
	sidEmpty = value{typeSID, cat([]byte{1, 1, 0, 0, 0, 0, 0, 0}, le32(0))}
	guidProc = value{typeGUID, mustHex("72bb5a36addf675c00000010e0811500")}
)

// security4688Names are the EventData names of Security 4688 version 2.
var security4688Names = []string{"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
	"NewProcessId", "NewProcessName", "TokenElevationType", "ProcessId", "CommandLine",
	"TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId", "ParentProcessName", "MandatoryLabel"}

var security4688Types = []byte{typeSID, typeString, typeString, typeHexInt64, typeHexInt64, typeString, typeString,
	typeHexInt64, typeString, typeSID, typeString, typeString, typeHexInt64, typeString, typeSID}

func security4688Values(recordID uint64, cmd string) []value {
	return append(systemValues(event.SecurityProvider, 4688, 2, when, recordID, "Security", "WS01.corp.example"),
		sidUser, vStr("alice"), vStr("CORP"), vHex64(0x3e7), vHex64(0x1328), vStr(`C:\Windows\System32\cmd.exe`),
		vStr("%%1936"), vHex64(0x1a4), vStr(cmd), sidEmpty, vStr("-"), vStr("-"), vHex64(0), vStr(`C:\Windows\explorer.exe`), sidHigh)
}

var sysmon1Names = []string{"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "CommandLine", "CurrentDirectory",
	"User", "LogonGuid", "LogonId", "TerminalSessionId", "IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId", "ParentImage", "ParentCommandLine"}

var sysmon1Types = []byte{typeString, typeString, typeGUID, typeUint32, typeString, typeString, typeString,
	typeString, typeGUID, typeHexInt64, typeUint32, typeString, typeString, typeGUID, typeUint32, typeString, typeString}

func sysmon1Values(recordID uint64) []value {
	return append(systemValues(event.SysmonProvider, 1, 5, when, recordID, event.SysmonChannel, "PC01.example.corp"),
		vNull(), vStr("2024-03-01 12:34:56.789"), guidProc, vU32(2312), vStr(`C:\Tools\plink.exe`), vStr(`plink.exe -P 80 host`),
		vStr(`C:\Tools\`), vStr(`PC01\IEUser`), guidProc, vHex64(0x26656), vU32(1), vStr("High"), vStr("SHA1=7806AD24"),
		guidProc, vU32(3904), vStr(`C:\Windows\System32\cmd.exe`), vStr(`"cmd.exe" `))
}

// want is what a construct test expects of the decoded chunk.
type want struct {
	records, events, problems, fallbacks int
	problem                              string            // in the first problem
	hosts                                []string          // in order of appearance
	fields                               map[string]string // of the first event, by Sigma name
	velocidex                            bool              // Velocidex reads it the same way
}

type construct struct {
	name  string
	build func(b *chunkBuilder)
	want  want
}

var constructs = []construct{
	{"security 4688 v2", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() { b.eventDef(security4688Names, security4688Types) }, security4688Values(7, `cmd.exe /c whoami`))
		})
	}, want{records: 1, events: 1, hosts: []string{"WS01.corp.example"}, velocidex: true, fields: map[string]string{
		"EventRecordID": "7", "User": `CORP\alice`, "UserSid": "S-1-5-21-1004336348-1154899886-839522115-1001", "LogonId": "0x3e7",
		"ProcessId": "4904", "ParentProcessId": "420", "CommandLine": "cmd.exe /c whoami", "IntegrityLevel": "High",
		"TargetUser": "-", "TargetLogonId": "0x0", "MandatoryLabel": "S-1-16-12288", "TargetUserSid": "S-1-0-0"}}},
	{"template reused by offset", func(b *chunkBuilder) {
		var def uint32
		b.record(func() {
			b.fragment()
			def = b.instance(func() { b.eventDef(security4688Names, security4688Types) }, security4688Values(1, "a"))
		})
		b.record(func() { b.fragment(); b.instanceOf(def, security4688Values(2, "b")) })
		b.record(func() { b.fragment(); b.instanceOf(def, security4688Values(3, "c")) })
	}, want{records: 3, events: 3, hosts: []string{"WS01.corp.example"}, velocidex: true, fields: map[string]string{"CommandLine": "a"}}},
	{"sysmon 1 with GUIDs and a null value", func(b *chunkBuilder) {
		b.record(func() { b.fragment(); b.instance(func() { b.eventDef(sysmon1Names, sysmon1Types) }, sysmon1Values(9)) })
	}, want{records: 1, events: 1, hosts: []string{"PC01.example.corp"}, velocidex: true, fields: map[string]string{
		"RuleName": "", "ProcessGuid": "{365ABB72-DFAD-5C67-0000-0010E0811500}", "ProcessId": "2312", "LogonId": "0x26656",
		"TerminalSessionId": "1", "User": `PC01\IEUser`, "UtcTime": "2024-03-01 12:34:56.789", "ParentCommandLine": `"cmd.exe" `}}},
	{"other events are counted, not extracted", func(b *chunkBuilder) {
		names, types := []string{"TargetUserName"}, []byte{typeString}
		b.record(func() {
			b.fragment()
			b.instance(func() { b.eventDef(names, types) }, append(systemValues(event.SecurityProvider, 4624, 2, when, 1, "Security", "DC01"), vStr("bob")))
		})
		b.record(func() {
			b.fragment()
			b.instance(func() { b.eventDef(names, types) }, append(systemValues("Microsoft-Windows-Kernel-General", 1, 0, when.Add(time.Hour), 2, "System", "DC02"), vStr("x")))
		})
	}, want{records: 2, hosts: []string{"DC01", "DC02"}, velocidex: true}},
	{"channel alone identifies the source, in any case", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			vals := security4688Values(5, "x")
			vals[0], vals[5] = vStr("Some-Forwarder"), vStr("SECURITY")
			b.instance(func() { b.eventDef(security4688Names, security4688Types) }, vals)
		})
	}, want{records: 1, events: 1, hosts: []string{"WS01.corp.example"}, velocidex: true, fields: map[string]string{"Provider": "Some-Forwarder", "Channel": "SECURITY"}}},
	{"values written in pieces", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.fragment()
				b.open("Event", false, true)
				b.closeStart()
				b.systemPiecesDef()
				b.open("EventData", false, true)
				b.closeStart()
				b.open("Data", true, true)
				b.attr("Name")
				b.text("Command")
				b.text("Line")
				b.closeStart()
				b.text("cmd.exe /c echo ")
				b.charRef('&')
				b.entity("amp")
				b.text(" ")
				b.subst(0, typeString, false)
				b.cdata("<x>")
				b.end()
				b.end()
				b.end()
				b.eof()
			}, []value{vStr("done"), vU16(4688), vTime(when)})
		})
	}, want{records: 1, events: 1, hosts: []string{"HOST-7"}, fields: map[string]string{
		"CommandLine": "cmd.exe /c echo && done<x>", "Computer": "HOST-7", "Provider": event.SecurityProvider}}},
	{"EventData in a nested binary XML value", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instanceNested(func() {
				b.fragment()
				b.open("Event", false, true)
				b.closeStart()
				b.systemDef(true)
				b.subst(7, typeBinXML, false)
				b.end()
				b.eof()
			}, systemValues(event.SysmonProvider, 1, 5, when, 11, event.SysmonChannel, "PC02"), func() {
				b.fragment()
				b.instance(func() {
					b.fragment()
					b.open("EventData", false, true)
					b.closeStart()
					for i, n := range []string{"Image", "CommandLine"} {
						b.open("Data", true, true)
						b.attr("Name")
						b.text(n)
						b.closeStart()
						b.subst(uint16(i), typeString, false)
						b.end()
					}
					b.end()
					b.eof()
				}, []value{vStr(`C:\x.exe`), vStr("x.exe -y")})
			})
		})
	}, want{records: 1, events: 1, hosts: []string{"PC02"}, fields: map[string]string{"Image": `C:\x.exe`, "CommandLine": "x.exe -y"}}},
	{"plain elements without dependency identifiers", func(b *chunkBuilder) {
		b.record(func() { b.plainRecord(false) })
	}, want{records: 1, events: 1, hosts: []string{"EXPORTED-HOST"}, fields: map[string]string{"CommandLine": "notepad.exe", "EventRecordID": "42", "Version": "1"}}},
	{"plain elements with dependency identifiers", func(b *chunkBuilder) {
		b.record(func() { b.plainRecord(true) })
	}, want{records: 1, events: 1, hosts: []string{"EXPORTED-HOST"}, fields: map[string]string{"CommandLine": "notepad.exe"}}},
	{"a value the instance does not supply is empty", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			vals := security4688Values(3, "cut")[:7+9] // no Target*, ParentProcessName, MandatoryLabel
			b.instance(func() { b.eventDef(security4688Names, security4688Types) }, vals)
		})
	}, want{records: 1, events: 1, hosts: []string{"WS01.corp.example"}, fields: map[string]string{"CommandLine": "cut", "ParentImage": ""}}},
	{"impossible value count", func(b *chunkBuilder) {
		var def uint32
		b.record(func() {
			b.fragment()
			def = b.instance(func() { b.eventDef(security4688Names, security4688Types) }, security4688Values(1, "a"))
		})
		b.record(func() {
			b.fragment()
			b.u8(tokTemplateInstance)
			b.u8(1)
			b.u32(def)
			b.u32(def)
			b.u32(0xffffffff)
		})
		b.record(func() { b.fragment(); b.instanceOf(def, security4688Values(3, "c")) })
	}, want{records: 2, events: 2, problems: 1, problem: "impossible value count", hosts: []string{"WS01.corp.example"}}},
	{"elements nested too deeply", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.fragment()
				for range 200 {
					b.open("E", false, true)
					b.closeStart()
				}
				for range 200 {
					b.end()
				}
				b.eof()
			}, nil)
		})
	}, want{records: 0, problems: 1, problem: "nested too deeply"}},
	{"template definition past the chunk end", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.u8(tokTemplateInstance)
			b.u8(1)
			b.u32(0xfff0)
			b.u32(0xfff0)
			b.values(nil)
		})
	}, want{problems: 1, problem: "template definition"}},
	{"unknown token", func(b *chunkBuilder) {
		b.record(func() { b.fragment(); b.instance(func() { b.fragment(); b.u8(0x1f); b.eof() }, nil) })
	}, want{problems: 1, problem: "unknown binary XML token (0x1f)"}},
	{"name outside the chunk", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.fragment()
				b.u8(tokOpenStart)
				b.u16(0xffff)
				b.u32(0)
				b.u32(0xfffffff0)
				b.eof()
			}, nil)
		})
	}, want{problems: 1, problem: "runs past its fragment"}},
	{"binary XML values nested too deeply", func(b *chunkBuilder) {
		b.record(func() { b.fragment(); b.dataValueChain(maxNesting + 2) })
	}, want{problems: 1, problem: "nested too deeply"}},
	{"binary XML under an ignored element is left unread", func(b *chunkBuilder) {
		b.record(func() { b.fragment(); b.nestedChain("Unknown", maxNesting+2) })
	}, want{records: 1}},
	{"record expanding to too many nodes", func(b *chunkBuilder) {
		b.record(func() { b.fragment(); b.wideInstances(100, 500) })
		b.record(func() {
			b.fragment()
			b.instance(func() { b.eventDef(security4688Names, security4688Types) }, security4688Values(2, "after"))
		})
	}, want{records: 1, events: 1, problems: 1, problem: "too many nodes"}},
	{"template instance inside a definition", func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() { b.fragment(); b.instance(func() { b.eventDef(nil, nil) }, nil); b.eof() }, nil)
		})
	}, want{records: 1, fallbacks: 1}},
}

// recordingFallback stands in for the Velocidex fallback and counts calls.
type recordingFallback struct{ calls int }

func (*recordingFallback) Name() string { return "test-fallback" }
func (f *recordingFallback) Decode(c *decode.Chunk, r *decode.Result) {
	f.calls++
	r.Records = len(c.Records)
}

// TestConstructs decodes hand-written chunks, one per construct of the
// format (and per kind of damage), checks what each must give, compares
// with Velocidex where it reads the construct, decodes it again with every
// record selected (which must change nothing but add general events), and
// keeps every decoded event in testdata/constructs.golden.
func TestConstructs(t *testing.T) {
	var golden bytes.Buffer
	for _, tc := range constructs {
		t.Run(tc.name, func(t *testing.T) {
			b := newChunkBuilder()
			tc.build(b)
			c := b.chunk("constructs.evtx")
			fb := &recordingFallback{}
			d := &Decoder{Fallback: fb}
			var r decode.Result
			d.Decode(&c, &r)
			checkWant(t, &r, tc.want)
			if fb.calls != tc.want.fallbacks {
				t.Errorf("fallback called %d times, want %d", fb.calls, tc.want.fallbacks)
			}
			if tc.want.velocidex {
				var ref decode.Result
				velocidex.Decoder{}.Decode(&c, &ref)
				for _, d := range compareResults(&r, &ref) {
					t.Errorf("velocidex differs: %s", d)
				}
			}
			fmt.Fprintf(&golden, "== %s: records %d, problems %d, fallbacks %d, first %s, hosts %q\n",
				tc.name, r.Records, len(r.Problems), r.Fallbacks, event.FormatTime(r.First), r.Hosts)
			for _, p := range r.Events {
				golden.Write(p.AppendJSON(nil))
				golden.WriteByte('\n')
			}
			for _, e := range selectedToo(t, &c, &r) {
				golden.WriteString("selected ")
				golden.Write(e.AppendJSON(nil))
				golden.WriteByte('\n')
			}
		})
	}
	checkGolden(t, "constructs.golden", golden.Bytes())
}

// selectedToo decodes c again with every record selected and returns its
// general events; records, time span, hosts, process events, problems and
// fallbacks must be those of r, decoded without a selection.
func selectedToo(t *testing.T, c *decode.Chunk, r *decode.Result) []event.Event {
	t.Helper()
	all := *c
	all.Want = event.SelectAll()
	var got decode.Result
	(&Decoder{Fallback: &recordingFallback{}}).Decode(&all, &got)
	sel := got.Selected
	got.Selected = nil
	if a, b := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", *r); a != b {
		t.Errorf("selecting every record changed the result:\n  all: %s\n none: %s", a, b)
	}
	return sel
}

func checkWant(t *testing.T, r *decode.Result, w want) {
	t.Helper()
	if r.Records != w.records || len(r.Events) != w.events || len(r.Problems) != w.problems || r.Fallbacks != w.fallbacks {
		t.Errorf("records %d events %d problems %d fallbacks %d, want %d %d %d %d (problems: %v)",
			r.Records, len(r.Events), len(r.Problems), r.Fallbacks, w.records, w.events, w.problems, w.fallbacks, r.Problems)
	}
	if w.problem != "" && (len(r.Problems) == 0 || !strings.Contains(r.Problems[0].Reason, w.problem)) {
		t.Errorf("problems %v, want one saying %q", r.Problems, w.problem)
	}
	if w.hosts != nil && fmt.Sprint(r.Hosts) != fmt.Sprint(w.hosts) {
		t.Errorf("hosts %q, want %q", r.Hosts, w.hosts)
	}
	for name, v := range w.fields {
		f, ok := event.Lookup(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		if got, has := r.Events[0].Get(f); !has || got != v {
			t.Errorf("%s = %q (present %v), want %q", name, got, has, v)
		}
	}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, got)
	}
}
