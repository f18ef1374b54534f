package findings

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// flagRule fires on every command line containing "FLAG", so tests choose
// exactly which events become findings.
const flagRule = `title: Flagged by the test
id: 0b5e6c1e-6f55-4b39-a8a0-5d2b9d3c7a10
status: test
level: high
tags: [attack.execution, attack.t1059]
logsource: {category: process_creation, product: windows}
detection:
  sel:
    CommandLine|contains: 'FLAG'
  condition: sel
`

// secondRule fires on the same events as flagRule when they also hold
// "TWICE": one record, two findings.
const secondRule = `title: Flagged twice
id: 6a3e2d10-1c4b-4f5e-9b8a-7c6d5e4f3a21
status: test
level: medium
logsource: {category: process_creation, product: windows}
detection:
  sel:
    CommandLine|contains: 'TWICE'
  condition: sel
`

func testSet(t testing.TB) *detections.Set {
	t.Helper()
	var rules []*sigma.Rule
	for i, y := range []string{flagRule, secondRule} {
		rs, errs := sigma.ParseRules([]byte(y), fmt.Sprintf("rule%d.yml", i), sigma.Options{})
		if len(errs) > 0 {
			t.Fatal(errs[0])
		}
		rules = append(rules, rs...)
	}
	return detections.NewSet(rules)
}

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// ev describes a test event compactly.
type ev struct {
	at          time.Duration // after t0
	host        string        // default WS01
	user        string        // default CORP\alice
	logon       string        // default 0x1000; "-" for none
	pid, ppid   uint64
	image, cmd  string
	sysmon      bool
	guid, pguid string
	parentImage string
	file        string // default Security.evtx / Sysmon.evtx
	rec         uint64
}

func (e ev) process() event.Process {
	p := event.Process{Timestamp: t0.Add(e.at), Computer: or(e.host, "WS01"), EventRecordID: e.rec}
	if e.sysmon {
		p.EventID, p.Channel, p.Provider, p.SourceFile = 1, event.SysmonChannel, event.SysmonProvider, or(e.file, "Sysmon.evtx")
	} else {
		p.EventID, p.Channel, p.Provider, p.SourceFile = 4688, event.SecurityChannel, event.SecurityProvider, or(e.file, "Security.evtx")
	}
	if p.EventRecordID == 0 {
		p.EventRecordID = uint64(e.at/time.Millisecond) + e.pid
	}
	p.SetNumber(event.FieldProcessId, e.pid)
	p.SetNumber(event.FieldParentProcessId, e.ppid)
	image := e.image
	if image == "" {
		image = `C:\Windows\System32\cmd.exe`
	} else if !strings.Contains(image, `\`) {
		image = `C:\Windows\System32\` + image
	}
	p.Set(event.FieldImage, image)
	p.Set(event.FieldCommandLine, e.cmd)
	p.Set(event.FieldUser, or(e.user, `CORP\alice`))
	if e.logon != "-" {
		p.Set(event.FieldLogonId, or(e.logon, "0x1000"))
	}
	if e.guid != "" {
		p.Set(event.FieldProcessGuid, e.guid)
	}
	if e.pguid != "" {
		p.Set(event.FieldParentProcessGuid, e.pguid)
	}
	if e.parentImage != "" {
		p.Set(event.FieldParentImage, e.parentImage)
	}
	return p
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// scan runs events through a scanner with opts and returns every finding.
func scan(t testing.TB, opts Options, events ...ev) ([]Finding, *Results) {
	t.Helper()
	s, err := NewScanner(testSet(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		p := e.process()
		s.Scan(&p)
	}
	return finishAll(t, s)
}

// finishAll finishes s and returns every finding; the results are closed
// when the test ends.
func finishAll(t testing.TB, s *Scanner) ([]Finding, *Results) {
	t.Helper()
	res, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Close() })
	all, err := res.All()
	if err != nil {
		t.Fatal(err)
	}
	return all, res
}

// cmds lists the command lines of context events ("?pid" for unknown ancestors).
func cmds(list []ContextEvent) []string {
	out := []string{}
	for _, e := range list {
		if e.Unknown {
			out = append(out, fmt.Sprintf("?%d", e.ProcessId))
			continue
		}
		out = append(out, e.CommandLine)
	}
	return out
}
