package binxml

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// generalCase is a hand-written chunk for the general path: what it
// selects (nil: every record) and what decoding it must give.
type generalCase struct {
	name      string
	want      func() *event.Selection
	build     func(b *chunkBuilder)
	selected  int
	events    int
	problem   string      // in the only problem, when set
	items     [][2]string // of the first general event, in order
	velocidex bool        // Velocidex reads it the same way, its losses aside (diff_general_test.go)
}

var generalCases = []generalCase{
	{name: "every System value", build: func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.generalDef(func() { b.element("EventData", func() { b.namedData("TargetUserName", b.substFn(15, typeString)) }) })
			}, append(fullSystemValues(event.SecurityProvider, 4624, 7, "Security"), vStr("alice")))
		})
	}, selected: 1, items: [][2]string{{"TargetUserName", "alice"}}, velocidex: true},

	{name: "UserData leaves", build: func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.generalDef(func() {
					b.element("UserData", func() {
						b.open("LogFileCleared", true, true)
						b.attr("xmlns")
						b.text("http://manifests.microsoft.com/win/2004/08/windows/eventlog")
						b.closeStart()
						b.element("SubjectUserSid", b.substFn(15, typeSID))
						b.element("SubjectUserName", b.substFn(16, typeString))
						b.element("Branch", func() {
							b.text("text of a branch is dropped")
							b.element("Leaf", b.substFn(17, typeString))
							b.text("so is its tail")
						})
						b.element("Empty", nil)
						b.end()
					})
				})
			}, append(fullSystemValues("Microsoft-Windows-Eventlog", 1102, 8, "Security"), sidUser, vStr("alice"), vStr("deep")))
		})
	}, selected: 1, items: [][2]string{{"SubjectUserSid", "S-1-5-21-1004336348-1154899886-839522115-1001"},
		{"SubjectUserName", "alice"}, {"Leaf", "deep"}, {"Empty", ""}}},

	{name: "Data without a name and Binary", build: func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.generalDef(func() {
					b.element("EventData", func() {
						b.element("Data", b.substFn(15, typeString))
						b.namedData("", b.substFn(16, typeString))
						b.namedData("Named", b.substFn(17, typeString))
						b.element("Binary", b.substFn(18, typeBinary))
					})
				})
			}, append(fullSystemValues("Service Control Manager", 7036, 9, "System"), vStr("one"), vStr("two"), vNull(), vBinary))
		})
	}, selected: 1, items: [][2]string{{"Data_1", "one"}, {"Data_2", "two"}, {"Named", ""}, {"Binary_4", "4E006C00FF"}}, velocidex: true},

	{name: "arrays repeat their element", build: func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.generalDef(func() {
					b.element("EventData", func() {
						b.namedData("List", b.substFn(15, typeString|typeArray))
						b.element("Data", b.substFn(16, typeUint16|typeArray))
						b.element("Binary", b.substFn(17, typeBinary))
					})
				})
			}, append(fullSystemValues("Microsoft-Windows-Security-SPP", 1004, 10, "Application"), vStrings, vUint16s, vNull()))
		})
	}, selected: 1, items: [][2]string{{"List", "first"}, {"List", "second"}, {"List", ""}, {"List", "third"},
		{"Data_5", "80"}, {"Data_6", "443"}, {"Binary_7", ""}}},

	{name: "value types render as in event XML", build: func(b *chunkBuilder) {
		vals := []value{vTrue, vInt8, vInt32, vFloat32, vFloat64, vHex32, vSizeT, vANSI, vSysTime, vTimeValue, guidProc, sidHigh}
		b.record(func() {
			b.fragment()
			b.instance(func() {
				b.generalDef(func() {
					b.element("EventData", func() {
						for i, v := range vals {
							b.namedData(fmt.Sprintf("T%02x", v.typ), b.substFn(uint16(15+i), v.typ))
						}
					})
				})
			}, append(fullSystemValues("Microsoft-Windows-Bits-Client", 308, 11, "Microsoft-Windows-Bits-Client/Operational"), vals...))
		})
	}, selected: 1, items: [][2]string{{"T0d", "true"}, {"T03", "-2"}, {"T07", "-123"}, {"T0b", "3199.2341"}, {"T0c", "-0.5"},
		{"T14", "0xc000006d"}, {"T10", "0x7ff6a000"}, {"T02", "ansi"}, {"T12", "2024-03-01T12:34:56.7890000Z"},
		{"T11", "2019-04-27T21:06:49.3410000Z"}, {"T0f", "{365ABB72-DFAD-5C67-0000-0010E0811500}"}, {"T13", "S-1-16-12288"}}},

	{name: "payload in a binary XML value", build: func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instanceNested(func() {
				b.generalDef(func() { b.subst(15, typeBinXML, false) })
			}, fullSystemValues("Microsoft-Windows-TaskScheduler", 106, 12, "Microsoft-Windows-TaskScheduler/Operational"), func() {
				b.fragment()
				b.instance(func() {
					b.fragment()
					b.element("EventData", func() { b.namedData("TaskName", b.substFn(0, typeString)) })
					b.eof()
				}, []value{vStr(`\Updater`)})
			})
		})
	}, selected: 1, items: [][2]string{{"TaskName", `\Updater`}}, velocidex: true},

	{name: "value in a binary XML value", build: func(b *chunkBuilder) {
		b.record(func() {
			b.fragment()
			b.instanceNested(func() {
				b.generalDef(func() {
					b.element("UserData", func() {
						b.element("Wrapper", func() { b.element("Frag", b.substFn(15, typeBinXML)) })
					})
				})
			}, fullSystemValues("Microsoft-Windows-Frag", 5, 14, "Application"), func() {
				b.fragment()
				b.instance(func() {
					b.fragment()
					b.text("text of a nested fragment")
					b.eof()
				}, nil)
			})
		})
	}, selected: 1, items: [][2]string{{"Frag", "text of a nested fragment"}}},

	{name: "selection by channel and id", want: func() *event.Selection {
		s := &event.Selection{}
		s.Add("security", 4624, event.SecurityProcessCreate)
		s.Add("", 1102)
		return s
	}, build: func(b *chunkBuilder) {
		one := func(provider string, id uint16, rid uint64, channel string) {
			b.record(func() {
				b.fragment()
				b.instance(func() {
					b.generalDef(func() { b.element("EventData", func() { b.namedData("N", b.substFn(15, typeUint32)) }) })
				}, append(fullSystemValues(provider, id, rid, channel), vU32(uint32(rid))))
			})
		}
		b.record(func() {
			b.fragment()
			b.instance(func() { b.eventDef(security4688Names, security4688Types) }, security4688Values(1, "cmd.exe"))
		})
		one(event.SecurityProvider, 4625, 2, "Security")
		one(event.SecurityProvider, 4624, 3, "Security")
		one("Microsoft-Windows-Foo", 4624, 4, "System")
		one("Microsoft-Windows-Eventlog", 1102, 5, "Application")
	}, selected: 2, events: 1, items: [][2]string{{"N", "3"}}, velocidex: true},

	{name: "too many payload items, selected", build: func(b *chunkBuilder) { b.manyLeaves(maxDataItems + 1) },
		problem: "too many payload items"},
	{name: "too many payload items, not selected", want: func() *event.Selection { return &event.Selection{} },
		build: func(b *chunkBuilder) { b.manyLeaves(maxDataItems + 1) }},
}

// manyLeaves writes a record whose UserData holds n leaf elements.
func (b *chunkBuilder) manyLeaves(n int) {
	b.record(func() {
		b.fragment()
		b.instance(func() {
			b.generalDef(func() {
				b.element("UserData", func() {
					b.element("Wrapper", func() {
						for range n {
							b.element("Leaf", func() { b.text("x") })
						}
					})
				})
			})
		}, fullSystemValues("Microsoft-Windows-Many", 1, 13, "Application"))
	})
}

// TestGeneralEvents decodes the hand-written chunks of generalCases,
// checks the general events each must give (names and values of the
// first one's items, in order), compares with Velocidex where it reads
// the construct, and keeps every general event in testdata/general.golden.
func TestGeneralEvents(t *testing.T) {
	var golden bytes.Buffer
	for _, tc := range generalCases {
		t.Run(tc.name, func(t *testing.T) {
			b := newChunkBuilder()
			tc.build(b)
			c := b.chunk("general.evtx")
			c.Want = event.SelectAll()
			if tc.want != nil {
				c.Want = tc.want()
			}
			var r decode.Result
			(&Decoder{}).Decode(&c, &r)
			checkGeneral(t, &tc, &r, len(c.Records))
			if tc.velocidex {
				var ref decode.Result
				velocidex.Decoder{}.Decode(&c, &ref)
				for _, d := range append(compareResults(&r, &ref), compareSelected(&r, &ref, map[string]int{})...) {
					t.Errorf("velocidex differs: %s", d)
				}
			}
			fmt.Fprintf(&golden, "== %s: selected %d, events %d, problems %d\n", tc.name, len(r.Selected), len(r.Events), len(r.Problems))
			for _, e := range r.Selected {
				golden.Write(e.AppendJSON(nil))
				golden.WriteByte('\n')
			}
		})
	}
	checkGolden(t, "general.golden", golden.Bytes())
}

func checkGeneral(t *testing.T, tc *generalCase, r *decode.Result, records int) {
	t.Helper()
	if len(r.Selected) != tc.selected || len(r.Events) != tc.events || r.Records != records {
		t.Errorf("records %d, selected %d, events %d, problems %d; want selected %d, events %d of %d records",
			r.Records, len(r.Selected), len(r.Events), len(r.Problems), tc.selected, tc.events, records)
	}
	switch {
	case tc.problem == "" && len(r.Problems) > 0:
		t.Errorf("problems: %v", r.Problems)
	case tc.problem != "" && (len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Reason, tc.problem)):
		t.Errorf("problems %v, want one saying %q", r.Problems, tc.problem)
	}
	if r.First.IsZero() || len(r.Hosts) == 0 {
		t.Errorf("first time %v, hosts %q: every record's time and host count", r.First, r.Hosts)
	}
	if len(r.Selected) == 0 {
		return
	}
	var got [][2]string
	for _, it := range r.Selected[0].Items {
		got = append(got, [2]string{it.Name, it.Value})
	}
	if fmt.Sprint(got) != fmt.Sprint(tc.items) {
		t.Errorf("items\n got %q\nwant %q", got, tc.items)
	}
}
