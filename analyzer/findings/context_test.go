package findings

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

const m = time.Minute

func TestTimelineContext(t *testing.T) {
	session := []ev{
		{at: 0, pid: 10, cmd: "a1"}, {at: 1 * m, pid: 11, cmd: "a2"}, {at: 2 * m, pid: 12, cmd: "a3"},
		{at: 3 * m, pid: 13, cmd: "FLAG"},
		{at: 4 * m, pid: 14, cmd: "b1"}, {at: 5 * m, pid: 15, cmd: "b2"}, {at: 6 * m, pid: 16, cmd: "b3"},
	}
	tests := []struct {
		name          string
		n             int
		window        time.Duration
		events        []ev
		before, after []string
	}{
		{"two each side", 2, 15 * m, session, []string{"a2", "a3"}, []string{"b1", "b2"}},
		{"more than there are", 9, 15 * m, session, []string{"a1", "a2", "a3"}, []string{"b1", "b2", "b3"}},
		{"context 0", 0, 15 * m, session, nil, nil},
		{"window cuts, both ends included", 5, 2 * m, session, []string{"a2", "a3"}, []string{"b1", "b2"}},
		{"window shorter than the gaps", 5, 59 * time.Second, session, nil, nil},
		{"other users, sessions and hosts left out", 5, 15 * m, append([]ev{
			{at: 150 * time.Second, pid: 20, user: `CORP\bob`, cmd: "bob"},
			{at: 160 * time.Second, pid: 21, logon: "0x2000", cmd: "other logon"},
			{at: 170 * time.Second, pid: 22, host: "WS02", cmd: "other host"},
			{at: 175 * time.Second, pid: 23, user: `corp\ALICE`, cmd: "same user, other case"},
		}, session...), []string{"a1", "a2", "a3", "same user, other case"}, []string{"b1", "b2", "b3"}},
		{"no logon id: the same user in any session", 5, 15 * m, []ev{
			{at: 0, pid: 10, logon: "0x1", cmd: "a1"}, {at: m, pid: 11, logon: "-", cmd: "a2"},
			{at: 2 * m, pid: 12, logon: "-", cmd: "FLAG"}, {at: 3 * m, pid: 13, logon: "0x2", cmd: "b1"},
			{at: 4 * m, pid: 14, user: `CORP\bob`, logon: "-", cmd: "bob"},
		}, []string{"a1", "a2"}, []string{"b1"}},
		{"the flagged process' Sysmon twin is not context", 5, 15 * m, []ev{
			{at: 0, pid: 10, cmd: "a1"},
			{at: 3 * m, pid: 13, cmd: "FLAG"},
			{at: 3*m + 300*time.Millisecond, pid: 13, sysmon: true, guid: "{G13}", cmd: "FLAG twin"},
			{at: 4 * m, pid: 14, cmd: "b1"},
			{at: 4*m + 100*time.Millisecond, pid: 14, sysmon: true, guid: "{G14}", cmd: "b1 twin"},
		}, []string{"a1"}, []string{"b1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Context, opts.Window = tt.n, tt.window
			fs, _ := scan(t, opts, tt.events...)
			if len(fs) == 0 {
				t.Fatal("no finding")
			}
			f := fs[0]
			if !strings.HasPrefix(f.Event.CommandLine, "FLAG") {
				t.Fatalf("first finding is %q", f.Event.CommandLine)
			}
			if got := cmds(f.Context.Before); !slices.Equal(got, nonNil(tt.before)) {
				t.Errorf("before = %q, want %q", got, tt.before)
			}
			if got := cmds(f.Context.After); !slices.Equal(got, nonNil(tt.after)) {
				t.Errorf("after = %q, want %q", got, tt.after)
			}
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestCrossFileContext: a host's Security log is read whole before its
// Sysmon log, so the events around a finding arrive long after it; the
// context is the same as when the events come in time order, and the
// same whichever file is read first.
func TestCrossFileContext(t *testing.T) {
	security := []ev{
		{at: 0, pid: 100, image: "explorer.exe", cmd: "explorer", ppid: 4},
		{at: 2 * m, pid: 200, ppid: 100, cmd: "sec-a"},
		{at: 4 * m, pid: 300, ppid: 100, image: "wscript.exe", cmd: "wscript FLAG"},
		{at: 6 * m, pid: 400, ppid: 300, cmd: "sec-b"},
		{at: 8 * m, pid: 500, ppid: 100, cmd: "sec-c"},
	}
	sysmon := []ev{
		{at: 1 * m, pid: 150, ppid: 100, sysmon: true, guid: "{150}", cmd: "sys-a"},
		{at: 3 * m, pid: 250, ppid: 100, sysmon: true, guid: "{250}", cmd: "sys-b"},
		{at: 5 * m, pid: 350, ppid: 300, sysmon: true, guid: "{350}", cmd: "sys-c"},
		{at: 7 * m, pid: 450, ppid: 100, sysmon: true, guid: "{450}", cmd: "sys-d"},
	}
	opts := DefaultOptions()
	opts.Context = 3
	securityFirst, _ := scan(t, opts, append(append([]ev{}, security...), sysmon...)...)
	sysmonFirst, _ := scan(t, opts, append(append([]ev{}, sysmon...), security...)...)
	var all []ev
	for i := range max(len(security), len(sysmon)) {
		if i < len(security) {
			all = append(all, security[i])
		}
		if i < len(sysmon) {
			all = append(all, sysmon[i])
		}
	}
	inOrder, _ := scan(t, opts, all...)
	f := securityFirst[0]
	if got, want := cmds(f.Context.Before), []string{"sys-a", "sec-a", "sys-b"}; !slices.Equal(got, want) {
		t.Errorf("before = %q, want %q", got, want)
	}
	if got, want := cmds(f.Context.After), []string{"sys-c", "sec-b", "sys-d"}; !slices.Equal(got, want) {
		t.Errorf("after = %q, want %q", got, want)
	}
	if got, want := cmds(f.Context.Children), []string{"sys-c", "sec-b"}; !slices.Equal(got, want) {
		t.Errorf("children = %q, want %q", got, want)
	}
	if got, want := cmds(f.Context.Ancestry), []string{"explorer", "?4"}; !slices.Equal(got, want) {
		t.Errorf("ancestry = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(securityFirst, sysmonFirst) || !reflect.DeepEqual(securityFirst, inOrder) {
		t.Errorf("the reading order changed the findings:\nsecurity first %+v\nsysmon first %+v\nin order %+v",
			securityFirst[0].Context, sysmonFirst[0].Context, inOrder[0].Context)
	}
}

// TestObservedEventsAreContext: events kept out of the scan (by the
// report's filters) still serve as context, and never become findings.
func TestObservedEventsAreContext(t *testing.T) {
	s, err := NewScanner(testSet(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []ev{{at: 0, pid: 8, cmd: "observed FLAG"}, {at: m, pid: 12, ppid: 8, cmd: "FLAG scanned"}} {
		p := e.process()
		if e.at == 0 {
			s.Observe(&p)
		} else {
			s.Scan(&p)
		}
	}
	res, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	fs, _ := res.All()
	if len(fs) != 1 || res.Observed != 1 || res.Events != 1 {
		t.Fatalf("%d findings, stats %+v", len(fs), res.Stats)
	}
	if got := cmds(fs[0].Context.Before); !slices.Equal(got, []string{"observed FLAG"}) {
		t.Errorf("before %q", got)
	}
	if got := cmds(fs[0].Context.Ancestry); !slices.Equal(got, []string{"observed FLAG", "?0"}) {
		t.Errorf("ancestry %q", got)
	}
}
