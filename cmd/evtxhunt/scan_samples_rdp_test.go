package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The demo's attacker signs in to WS02 over Remote Desktop with bob's
// stolen password and runs A9-A12 in that session.
var demoRDPAttacks = map[string]bool{"A9-perflogs": true, "A10-programdata-root": true,
	"A11-recycle-bin": true, "A12-powershell-offscreen": true}

const demoRDPAddress = "198.51.100.23"

// demoPlanted maps "host/channel/EventRecordID" of every planted step in
// samples/demo/expected.tsv to its id.
func demoPlanted(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	col := map[string]int{}
	for i, name := range strings.Split(lines[0], "\t") {
		col[name] = i
	}
	planted := map[string]string{}
	for _, line := range lines[1:] {
		f := strings.Split(line, "\t")
		planted[f[col["host"]]+"/Security/"+f[col["security_record"]]] = f[col["id"]]
		planted[f[col["host"]]+"/Microsoft-Windows-Sysmon/Operational/"+f[col["sysmon_record"]]] = f[col["id"]]
	}
	return planted
}

// TestScanSamplesRDPSession: `scan samples/` ties the findings of the
// attacks run over Remote Desktop (A9-A12) to that session, logon type 10
// from 198.51.100.23, open around them; every other finding (alice's
// attacks at her console, and any other) is tied to a session that is not
// remote; the planted ones to their user's console session.
func TestScanSamplesRDPSession(t *testing.T) {
	root := filepath.Join("..", "..", "samples")
	planted := demoPlanted(t, filepath.Join(root, "demo", "expected.tsv"))
	out, _, code := runCLI(t, "scan", "-q", "-f", "jsonl", root)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	found := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			Datetime time.Time
			Event    struct{ Computer string }
			Records  []struct {
				Channel       string
				EventRecordID uint64
			}
			Context struct {
				Session *struct {
					User, LogonId, IpAddress, WorkstationName string
					LogonType                                 int
					LogonTime, LogoffTime                     time.Time
					Known, Elevated                           bool
				}
			}
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		host, _, _ := strings.Cut(f.Event.Computer, ".")
		step := ""
		for _, r := range f.Records {
			if id, ok := planted[host+"/"+r.Channel+"/"+strconv.FormatUint(r.EventRecordID, 10)]; ok {
				step = id
			}
		}
		s := f.Context.Session
		if s == nil || !s.Known {
			t.Errorf("line %d (%s %q): no known session: %+v", i+1, host, step, s)
			continue
		}
		remote := s.LogonType == 10 || s.IpAddress == demoRDPAddress
		if !demoRDPAttacks[step] {
			if remote {
				t.Errorf("line %d (%s %q): tied to the Remote Desktop session %s", i+1, host, step, s.LogonId)
			}
			if step != "" && s.LogonType != 2 {
				t.Errorf("%s: session %s of type %d, want the console (2)", step, s.LogonId, s.LogonType)
			}
			continue
		}
		found[step] = true
		switch {
		case s.LogonType != 10 || s.IpAddress != demoRDPAddress || s.WorkstationName != "DESKTOP-X9":
			t.Errorf("%s: session type %d from %s (%s), want 10 from %s (DESKTOP-X9)", step, s.LogonType, s.IpAddress, s.WorkstationName, demoRDPAddress)
		case s.User != `CORP\bob` || !s.Elevated:
			t.Errorf("%s: session of %s, elevated %v, want CORP\\bob elevated", step, s.User, s.Elevated)
		case !s.LogonTime.Before(f.Datetime) || !s.LogoffTime.After(f.Datetime):
			t.Errorf("%s at %s: session %s-%s does not span it", step, f.Datetime, s.LogonTime, s.LogoffTime)
		}
	}
	for id := range demoRDPAttacks {
		if !found[id] {
			t.Errorf("no finding of %s", id)
		}
	}
}
