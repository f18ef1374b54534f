package findings

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestAncestry(t *testing.T) {
	tests := []struct {
		name   string
		events []ev
		want   map[string][]string // finding command line -> ancestry
	}{
		{"a chain up to the first unknown parent", []ev{
			{at: 0, pid: 100, ppid: 4, image: "explorer.exe", cmd: "explorer"},
			{at: m, pid: 200, ppid: 100, cmd: "cmd"},
			{at: 2 * m, pid: 300, ppid: 200, image: "powershell.exe", cmd: "powershell"},
			{at: 3 * m, pid: 400, ppid: 300, cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"powershell", "cmd", "explorer", "?4"}}},
		{"process ids are reused: the latest process with the id then", []ev{
			{at: 0, pid: 100, ppid: 4, image: "wscript.exe", cmd: "wscript"},
			{at: 3 * m, pid: 200, ppid: 100, cmd: "FLAG early"},
			{at: 5 * m, pid: 100, ppid: 8, image: "notepad.exe", cmd: "notepad"},
			{at: 6 * m, pid: 300, ppid: 100, cmd: "FLAG late"},
		}, map[string][]string{"FLAG early": {"wscript", "?4"}, "FLAG late": {"notepad", "?8"}}},
		{"a parent that started after the child is not its parent", []ev{
			{at: m, pid: 200, ppid: 100, cmd: "FLAG"},
			{at: 2 * m, pid: 100, ppid: 4, cmd: "too late"},
		}, map[string][]string{"FLAG": {"?100"}}},
		{"a Sysmon GUID names the parent even when the id was reused", []ev{
			{at: 0, pid: 100, ppid: 4, sysmon: true, guid: "{A}", image: "powershell.exe", cmd: "powershell"},
			{at: 2 * m, pid: 100, ppid: 4, sysmon: true, guid: "{B}", image: "notepad.exe", cmd: "notepad"},
			{at: 3 * m, pid: 200, ppid: 100, sysmon: true, guid: "{C}", pguid: "{A}", cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"powershell", "?4"}}},
		{"a GUID that names no known process: unknown, not the id's holder", []ev{
			{at: 0, pid: 100, ppid: 4, sysmon: true, guid: "{B}", image: "notepad.exe", cmd: "notepad"},
			{at: 3 * m, pid: 200, ppid: 100, sysmon: true, guid: "{C}", pguid: "{A}", cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"?100"}}},
		{"the child's recorded parent image rules out the id's holder", []ev{
			{at: 0, pid: 100, ppid: 4, image: "notepad.exe", cmd: "notepad"},
			{at: m, pid: 200, ppid: 100, parentImage: `C:\Windows\System32\cmd.exe`, cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"?100"}}},
		{"another host's process is never a parent", []ev{
			{at: 0, pid: 100, ppid: 4, host: "WS02", cmd: "elsewhere"},
			{at: m, pid: 200, ppid: 100, cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"?100"}}},
		{"ids alone cannot loop: a parent starts first", []ev{
			{at: 0, pid: 100, ppid: 200, cmd: "p100"},
			{at: time.Second, pid: 200, ppid: 100, cmd: "p200"},
			{at: 2 * time.Second, pid: 300, ppid: 100, cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"p100", "?200"}}},
		{"a GUID loop in crafted data stops", []ev{
			{at: 0, pid: 100, ppid: 200, sysmon: true, guid: "{A}", pguid: "{B}", cmd: "p100"},
			{at: time.Second, pid: 200, ppid: 100, sysmon: true, guid: "{B}", pguid: "{A}", cmd: "p200"},
			{at: 2 * time.Second, pid: 300, ppid: 100, sysmon: true, guid: "{C}", pguid: "{A}", cmd: "FLAG"},
		}, map[string][]string{"FLAG": {"p100", "p200"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := scan(t, DefaultOptions(), tt.events...)
			if len(fs) != len(tt.want) {
				t.Fatalf("%d findings, want %d", len(fs), len(tt.want))
			}
			for _, f := range fs {
				if got, want := cmds(f.Context.Ancestry), tt.want[f.Event.CommandLine]; !slices.Equal(got, want) {
					t.Errorf("%s: ancestry %q, want %q", f.Event.CommandLine, got, want)
				}
			}
		})
	}
}

func TestUnknownAncestorShowsWhatTheChildRecorded(t *testing.T) {
	fs, _ := scan(t, DefaultOptions(), ev{at: 0, pid: 200, ppid: 100, sysmon: true, guid: "{C}", pguid: "{P}",
		parentImage: `C:\Tools\loader.exe`, cmd: "FLAG"})
	a := fs[0].Context.Ancestry
	if len(a) != 1 || !a[0].Unknown || a[0].ProcessId != 100 || a[0].Image != `C:\Tools\loader.exe` || a[0].ProcessGuid != "{P}" {
		t.Errorf("ancestry %+v", a)
	}
}

func TestChildren(t *testing.T) {
	events := []ev{
		{at: 0, pid: 300, ppid: 4, image: "wscript.exe", cmd: "FLAG"},
		{at: m, pid: 310, ppid: 300, cmd: "child 1"},
		{at: m + 200*time.Millisecond, pid: 310, ppid: 300, sysmon: true, guid: "{310}", cmd: "child 1 (Sysmon)"},
		{at: 2 * m, pid: 320, ppid: 310, cmd: "grandchild"},
		{at: 3 * m, pid: 330, ppid: 300, cmd: "child 2"},
		{at: 5 * m, pid: 300, ppid: 8, image: "notepad.exe", cmd: "pid 300 reused"},
		{at: 6 * m, pid: 340, ppid: 300, cmd: "child of the reused id"},
	}
	fs, _ := scan(t, DefaultOptions(), events...)
	if got, want := cmds(fs[0].Context.Children), []string{"child 1", "child 2"}; !slices.Equal(got, want) {
		t.Errorf("children %q, want %q", got, want)
	}

	// Children past MaxChildren are counted, not listed.
	events = []ev{{at: 0, pid: 300, ppid: 4, cmd: "FLAG"}}
	for i := range MaxChildren + 8 {
		events = append(events, ev{at: time.Duration(i+1) * time.Second, pid: uint64(1000 + 4*i), ppid: 300, cmd: fmt.Sprint("c", i)})
	}
	fs, _ = scan(t, DefaultOptions(), events...)
	if c := fs[0].Context; len(c.Children) != MaxChildren || c.MoreChildren != 8 {
		t.Errorf("%d children listed and %d more, want %d and 8", len(c.Children), c.MoreChildren, MaxChildren)
	}
}
