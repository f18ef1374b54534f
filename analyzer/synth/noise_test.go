package synth

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

// story is a small input: two hosts, two users, both logs.
const story = `{"Timestamp":"2024-03-12T08:05:00Z","Computer":"WS01.corp.example.com","EventID":4688,"User":"CORP\\alice","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\explorer.exe","ParentProcessId":5120}
{"Timestamp":"2024-03-12T12:00:00Z","Computer":"WS02.corp.example.com","EventID":1,"User":"CORP\\bob","Image":"C:\\Windows\\System32\\mshta.exe","CommandLine":"mshta.exe javascript:a=1","IntegrityLevel":"High"}
{"Timestamp":"2024-03-12T17:30:00Z","Computer":"WS01.corp.example.com","EventID":1,"User":"CORP\\alice","Image":"C:\\Windows\\System32\\notepad.exe"}
`

func TestNoiseDeterministic(t *testing.T) {
	a, _ := writeLines(t, story, Options{Noise: 800, Seed: 42})
	b, _ := writeLines(t, story, Options{Noise: 800, Seed: 42})
	c, _ := writeLines(t, story, Options{Noise: 800, Seed: 43})
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Error("the same seed wrote different files")
	}
	if bytes.Equal(readFile(t, a), readFile(t, c)) {
		t.Error("different seeds wrote the same file")
	}
}

// The background looks like a real log: the event mix, times within the
// story's day, the input's hosts and users, and nothing from the folders
// detection rules watch.
func TestNoiseContent(t *testing.T) {
	path, st := writeLines(t, story, Options{Noise: 3000, Seed: 7})
	if st.Noise != 3000 || st.Lines != 3 || st.Records != 3003 {
		t.Fatalf("stats %+v", st)
	}
	recs, err := crossparse.Velocidex(path)
	if err != nil || len(recs) != 3003 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	ids := map[string]int{}
	hosts := map[string]bool{}
	var prev uint64
	for i, r := range recs {
		ids[r.System["Channel"]+"/"+r.System["EventID"]]++
		hosts[r.System["Computer"]] = true
		if ts := r.System["TimeCreated/SystemTime"]; ts < "2024-03-12T08:05:00" || ts > "2024-03-12T17:30:01" {
			t.Errorf("record %d at %s, outside the story's day", i, ts)
		}
		id := parseUint(r.System["EventRecordID"])
		if id != prev+1 {
			t.Errorf("record %d has id %d after %d", i, id, prev)
		}
		prev = id
		for _, f := range r.Data {
			if f.Name == "Image" || f.Name == "NewProcessName" || f.Name == "Application" {
				if watched(f.Value) {
					t.Errorf("record %d: %s %s is in a watched folder", i, f.Name, f.Value)
				}
			}
		}
	}
	for _, want := range []string{"Security/4624", "Security/4634", "Security/4672", "Security/5156", "Security/4688",
		"Microsoft-Windows-Sysmon/Operational/1", "Microsoft-Windows-Sysmon/Operational/3", "Microsoft-Windows-Sysmon/Operational/5"} {
		if ids[want] < 20 {
			t.Errorf("only %d %s records: %v", ids[want], want, ids)
		}
	}
	if len(hosts) != 2 || !hosts["WS01.corp.example.com"] || !hosts["WS02.corp.example.com"] {
		t.Errorf("hosts %v", hosts)
	}
}

func watched(path string) bool {
	p := strings.ToLower(path)
	for _, dir := range []string{`\temp\`, `\programdata\`, `\users\public\`, `\appdata\`, `\perflogs\`, `$recycle.bin`} {
		if strings.Contains(p, dir) {
			return true
		}
	}
	return false
}

func parseUint(s string) uint64 {
	n, _ := event.ParseNumber(s)
	return n
}

// Every Sysmon process of the background has a parent that either started
// earlier in the log or runs since boot, with the same GUID; 4688 parents
// agree with their Sysmon twins' images.
func TestNoiseProcessTree(t *testing.T) {
	path, _ := writeLines(t, story, Options{Noise: 2000, Seed: 9})
	events, _ := decodeFile(t, path, decoders[0].make)
	started := map[string]*event.Process{}
	boot := map[string]bool{"services.exe": true, "svchost.exe": true, "searchindexer.exe": true, "winlogon.exe": true, "explorer.exe": true}
	n := 0
	for i := range events {
		p := &events[i]
		if !p.IsSysmon() {
			continue
		}
		n++
		if parent, ok := started[p.ParentProcessGuid]; ok {
			if parent.Image != p.ParentImage || parent.ProcessId != p.ParentProcessId {
				t.Errorf("%s: parent GUID %s is %s (%d), the event says %s (%d)", p.Image, p.ParentProcessGuid,
					parent.Image, parent.ProcessId, p.ParentImage, p.ParentProcessId)
			}
		} else if !boot[strings.ToLower(baseName(p.ParentImage))] {
			t.Errorf("%s: parent %s %s never started", p.Image, p.ParentImage, p.ParentProcessGuid)
		}
		if p.ParentProcessGuid != processGUID(p.Computer, p.ParentProcessId, p.ParentImage) {
			t.Errorf("%s: ParentProcessGuid %s not derived from the parent", p.Image, p.ParentProcessGuid)
		}
		started[p.ProcessGuid] = p
	}
	if n < 500 {
		t.Errorf("only %d Sysmon process events", n)
	}
}

// --size keeps adding noise until the file is that big.
func TestNoiseSize(t *testing.T) {
	const size = 3 << 20
	path, st := writeLines(t, story, Options{Seed: 1, Size: size})
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < size || fi.Size() > size+65536 || st.Bytes != fi.Size() {
		t.Fatalf("file %v, stats %+v, %v", fi, st, err)
	}
	if _, records := decodeFile(t, path, decoders[0].make); uint64(records) != st.Records || st.Noise < 1000 {
		t.Errorf("%d records read, stats %+v", records, st)
	}
}

// Noise without input still has a host and a user to simulate.
func TestNoiseWithoutInput(t *testing.T) {
	path, st := writeLines(t, "", Options{Noise: 200, Seed: 3})
	recs, err := crossparse.Velocidex(path)
	if err != nil || len(recs) != 200 || st.Records != 200 {
		t.Fatalf("%d records, %+v, %v", len(recs), st, err)
	}
	if recs[0].System["Computer"] != DefaultComputer || recs[0].System["Channel"] != "Security" {
		t.Errorf("first record %v", recs[0].System)
	}
	_, err = Write(discard{}, nil, Options{Noise: -5})
	if err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("negative noise: %v", err)
	}
}
