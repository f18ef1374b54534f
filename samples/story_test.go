package samples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/synth"
)

// A story's remote sessions are checked: each needs a unique id, a user of
// its host, a client address and workstation, and a logoff after its
// logon; a step names only a known one, and runs as its user.
func TestStoryRemoteSessions(t *testing.T) {
	const good = `date: 2024-03-12
hosts:
  - name: WS02
    computer: WS02.corp.example.com
    users:
      - {user: 'CORP\bob', logon: '08:00:00', logoff: '18:00:00'}
    remote:
      - {id: rdp, user: 'CORP\bob', from: 198.51.100.23, workstation: DESKTOP-X9, logon: '13:00:00', logoff: '13:10:00'}
steps:
  - {id: s1, time: '13:01:00', host: WS02, user: 'CORP\bob', session: rdp, parent: shell, image: 'C:\x.exe', class: context}
`
	tests := []struct {
		name, old, new, want string // want: part of the error; empty: loads
	}{
		{"valid", "", "", ""},
		{"unknown session", "session: rdp,", "session: vpn,", `unknown remote session "vpn"`},
		{"not a user", "{id: rdp, user: 'CORP\\bob'", "{id: rdp, user: 'CORP\\eve'", `"CORP\\eve" is not a user of the host`},
		{"no address", "from: 198.51.100.23, ", "", "needs a client address and workstation"},
		{"no id", "{id: rdp,", "{", "needs a unique id"},
		{"logoff before logon", "logoff: '13:10:00'", "logoff: '12:10:00'", "is not after logon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "story.yaml")
			if err := os.WriteFile(path, []byte(strings.Replace(good, tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadStory(path)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("LoadStory: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("LoadStory: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// A step in a remote session runs with that session's logon id, started
// from the session's own explorer.exe; a step of the same user without it
// runs in the console session.
func TestStepsRunInTheirSession(t *testing.T) {
	story, err := LoadStory(filepath.Join("demo", "story.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	hosts, _ := story.setUp(synth.NewWorld())
	steps, err := story.play(hosts)
	if err != nil {
		t.Fatal(err)
	}
	ws02 := hosts["ws02"]
	rdp, console := ws02.sessions["bob-rdp"], ws02.accounts[`corp\bob`]
	if rdp == nil || console == nil || rdp.LogonID == console.LogonID {
		t.Fatalf("bob's sessions on WS02: remote %+v, console %+v", rdp, console)
	}
	for _, id := range []string{"bob-cmd-admin", "A9-perflogs", "A10-programdata-root", "A11-recycle-bin", "A12-powershell-offscreen"} {
		p := steps[id].proc
		if p.Account != rdp || p.Parent.Account != rdp {
			t.Errorf("%s runs in logon %#x (parent %#x), want the remote session's %#x", id, p.Account.LogonID, p.Parent.Account.LogonID, rdp.LogonID)
		}
	}
	if shell := steps["bob-cmd-admin"].proc.Parent; shell.Image != `C:\Windows\explorer.exe` || shell.Parent.Image != `C:\Windows\System32\userinit.exe` {
		t.Errorf("the remote session's command prompt has parent %s (started by %s)", shell.Image, shell.Parent.Image)
	}
	for _, id := range []string{"L2-admin-powershell", "L5-ftp-interactive", "L8-local-hta"} {
		if a := steps[id].proc.Account; a != console {
			t.Errorf("%s runs in logon %#x, want bob's console session %#x", id, a.LogonID, console.LogonID)
		}
	}
}
