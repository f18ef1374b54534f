package sessions

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/synth"
	"github.com/evtxhunt/evtxhunt/internal/logonstory"
)

func buildFrom(records []event.Event, procs []event.Process, opts Options) *Index {
	b := NewBuilder(opts)
	for i := range records {
		b.Add(&records[i])
	}
	for i := range procs {
		b.AddProcess(&procs[i])
	}
	return b.Finish()
}

// The generated story (internal/logonstory), read two ways: the Security records with the
// Velocidex library, and everything through the pipeline (which needs the
// decoders to fill Result.Selected; skipped until they do).
func TestGeneratedStory(t *testing.T) {
	paths := logonstory.Write(t, "")
	r := logonstory.Read(t, paths, Selection())
	if len(r.Processes) != 11 {
		t.Fatalf("%d process creations, want 11", len(r.Processes))
	}
	t.Run("velocidex", func(t *testing.T) {
		checkStory(t, buildFrom(r.Velocidex, r.Processes, Options{}), r.Processes)
	})
	t.Run("pipeline", func(t *testing.T) {
		if len(r.Selected) == 0 {
			t.Fatalf("the pipeline selected no record of %d Security logon records written", len(r.Velocidex))
		}
		checkStory(t, buildFrom(r.Selected, r.Processes, Options{}), r.Processes)
	})
}

func checkStory(t *testing.T, x *Index, procs []event.Process) {
	const ws01, ws02 = "WS01.corp.example.com", "WS02.corp.example.com"
	// Each process creation, Security 4688 and Sysmon 1 alike, is tied
	// to the session of its logon id at its time, or to none.
	want := map[string]string{ // process image and time -> TableLine prefix or user
		"notepad.exe 08:05":    `CORP\alice Interactive (2), elevated=false, linked 0x1a002`,
		"cmd.exe 08:06":        `CORP\alice Interactive (2), elevated=true, linked 0x1a001`,
		"svchost.exe 08:01":    `NT AUTHORITY\SYSTEM unknown`,
		"powershell.exe 08:15": `CORP\alice RemoteInteractive (10) from 198.51.100.23 (DESKTOP-X9), Negotiate, elevated, 08:14:03 to 08:29:51`,
		"reg.exe 08:26":        `CORP\alice RemoteInteractive (10) from 198.51.100.23 (DESKTOP-X9), Negotiate, elevated, RDP client 10.23.23.9 (JUMP01), 08:14:03 to 08:29:51`,
		"notepad.exe 08:40":    ` unknown`,
		"cmd.exe 08:20":        `CORP\alice Network (3) from 10.20.30.40, Kerberos, 08:20:10 to 08:20:12`,
		"ipconfig.exe 09:05":   `CORP\bob Interactive (2) from 127.0.0.1 (WS01), Negotiate, 09:00:00 to 09:10:00`,
		"net.exe 10:05":        `CORP\carol RemoteInteractive (10) from 203.0.113.9 (LAPTOP-C), Negotiate, 2024-03-12 10:00:00 to (no logoff seen)`,
		"whoami.exe 11:00":     ` unknown`,
		"tasklist.exe 12:03":   `CORP\bob RemoteInteractive (10) from 10.20.40.12 (WS01), Negotiate, 2024-03-12 12:00:00 to (no logoff seen)`,
	}
	for i := range procs {
		p := &procs[i]
		key := baseName(p.Image) + " " + p.Timestamp.Format("15:04")
		s := x.Lookup(p.Computer, p.LogonId, p.Timestamp)
		got := s.User + " unknown"
		switch {
		case s.Known && s.LogonTypeName == "Interactive" && s.LogonType == 2 && s.LinkedLogonId != "":
			got = fmt.Sprintf("%s Interactive (2), elevated=%v, linked %s", s.User, s.Elevated, s.LinkedLogonId)
		case s.Known:
			got = s.User + " " + s.TableLine()
		}
		if got != want[key] {
			t.Errorf("%s (%s, logon %s): %q, want %q", key, p.Channel, p.LogonId, got, want[key])
		}
		if s.Known && s.User != p.User {
			t.Errorf("%s: session of %s, process of %s", key, s.User, p.User)
		}
	}
	counts := map[string]int{}
	for _, h := range x.Sessions() {
		for _, e := range h.Sessions {
			counts[h.Host+" "+e.Session.LogonId+" "+e.Session.User] = e.Processes
		}
	}
	wantCounts := map[string]int{
		ws01 + ` 0x1a001 CORP\alice`: 1, ws01 + ` 0x1a002 CORP\alice`: 1, ws01 + ` 0x5a1f0 CORP\alice`: 2,
		ws01 + ` 0x6b000 CORP\alice`: 1, ws01 + ` 0x3e8a0 CORP\bob`: 1, ws01 + ` 0x3e8a0 CORP\carol`: 1,
		ws02 + ` 0x2b000 CORP\bob`: 1,
	}
	if fmt.Sprint(counts) != fmt.Sprint(wantCounts) {
		t.Errorf("sessions and their processes\n got %v\nwant %v", counts, wantCounts)
	}
	var unknown []string
	for _, u := range x.UnknownLogons() {
		unknown = append(unknown, fmt.Sprintf("%s %s %d", u.LogonId, u.User, u.Processes))
	}
	if want := []string{`0x3e7 NT AUTHORITY\SYSTEM 1`, `0x5a1f0 CORP\alice 1`, `0x77777 CORP\dave 1`}; !slices.Equal(unknown, want) {
		t.Errorf("unknown logons %v, want %v", unknown, want)
	}
	var failed []string
	for _, f := range x.FailedLogons() {
		failed = append(failed, fmt.Sprintf("%s %s %d %s", f.User, f.SourceAddress, f.Count, f.Statuses[0].Meaning))
	}
	if want := []string{`CORP\administrator 203.0.113.50 3 wrong password`, `CORP\alice 10.20.30.40 1 wrong password`,
		`CORP\guest 203.0.113.50 1 account disabled`}; !slices.Equal(failed, want) {
		t.Errorf("failed logons %v, want %v", failed, want)
	}
	if st := x.Stats(); st.Unmatched != 1 || st.Logons != 7 || st.Failed != 5 {
		t.Errorf("stats %+v: want the 4634 of 0x77777 unmatched, 7 logons, 5 failures", st)
	}
}

func baseName(p string) string { return p[strings.LastIndexAny(p, `\/`)+1:] }

// Generated logs of one busy host, read under a small cap: the newest
// sessions are the ones kept.
func TestGeneratedEviction(t *testing.T) {
	var lines []byte
	for i := range 30 {
		id := fmt.Sprintf("0x%x", 0x10000+i)
		lines = fmt.Appendf(lines, `{"Timestamp":"2024-03-12T%02d:%02d:00Z","Computer":"DC01.corp.example.com","EventID":4624,"EventData":{"TargetUserName":"svc_%d","TargetLogonId":%q,"LogonType":3,"IpAddress":"10.0.0.%d"}}`+"\n",
			8+i/60, i%60, i, id, i+1)
		lines = fmt.Appendf(lines, `{"Timestamp":"2024-03-12T%02d:%02d:30Z","EventID":4634,"EventData":{"TargetUserName":"svc_%d","TargetLogonId":%q,"LogonType":3}}`+"\n",
			8+i/60, i%60, i, id)
	}
	in := filepath.Join(t.TempDir(), "dc.jsonl")
	path := filepath.Join(t.TempDir(), "dc.evtx")
	if err := os.WriteFile(in, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(in)
	defer f.Close()
	if _, err := synth.WriteFile(path, f, nil, synth.Options{}); err != nil {
		t.Fatal(err)
	}
	x := buildFrom(logonstory.Read(t, []string{path}, Selection()).Velocidex, nil, Options{MaxSessions: 10})
	var kept []string
	for _, e := range x.Sessions()[0].Sessions {
		kept = append(kept, e.Session.User)
	}
	if len(kept) < 7 || len(kept) > 10 || kept[len(kept)-1] != `CORP\svc_29` {
		t.Fatalf("kept %v", kept)
	}
	for i, u := range kept {
		if want := fmt.Sprintf(`CORP\svc_%d`, 30-len(kept)+i); u != want {
			t.Errorf("kept %v: the newest %d sessions should stay", kept, len(kept))
			break
		}
	}
	if st := x.Stats(); st.Evicted != 30-len(kept) {
		t.Errorf("stats %+v", st)
	}
}
