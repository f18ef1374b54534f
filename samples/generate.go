package samples

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/synth"
)

// host is one host of a story being generated: its simulated machine and
// the lines of its two logs, each tagged with the step it shows.
type host struct {
	spec     HostSpec
	h        *synth.Host
	accounts map[string]*synth.Account
	sessions map[string]*synth.Account // remote sessions by RemoteSpec id
	logs     [2][]tagged               // security, sysmon
}

const (
	securityLog = iota
	sysmonLog
)

var logNames = [2]string{"Security", "Sysmon"}

// tagged is a line and the story step it shows ("" for background).
type tagged struct {
	line synth.Line
	step string
}

// planted is where a step's process ended up.
type planted struct {
	step    *Step
	proc    *synth.Proc
	host    *host
	records [2]uint64 // EventRecordID in the Security and the Sysmon log
}

// Generate writes the logs of the story in scenarioDir/story.yaml, and
// expected.tsv, into outDir.
func Generate(scenarioDir, outDir string) error {
	story, err := LoadStory(filepath.Join(scenarioDir, "story.yaml"))
	if err != nil {
		return err
	}
	world := synth.NewWorld()
	hosts, order := story.setUp(world)
	steps, err := story.play(hosts)
	if err != nil {
		return err
	}
	from, to := story.window()
	perHost := story.Background.Security + story.Background.Sysmon
	for _, l := range world.Background(story.Seed, perHost*len(order), from, to, story.Background.Security, story.Background.Sysmon) {
		h := hosts[strings.ToLower(l.P.Computer)]
		log := securityLog
		if l.P.Channel == event.SysmonChannel {
			log = sysmonLog
		}
		h.logs[log] = append(h.logs[log], tagged{line: l})
	}
	for i, h := range order {
		for log := range h.logs {
			first := []uint64{story.FirstRecordID.Security, story.FirstRecordID.Sysmon}[log] + uint64(i)*7919
			path := filepath.Join(outDir, h.spec.Name+"-"+logNames[log]+".evtx")
			if err := writeLog(path, h.logs[log], first, log, steps); err != nil {
				return err
			}
		}
	}
	return writeExpected(filepath.Join(outDir, "expected.tsv"), story, steps)
}

// setUp creates the hosts, their users' sessions: logon records, and
// userinit starting explorer.exe.
func (s *Story) setUp(world *synth.World) (map[string]*host, []*host) {
	hosts := map[string]*host{}
	order := make([]*host, 0, len(s.Hosts))
	for _, spec := range s.Hosts {
		h := &host{spec: spec, h: world.Host(spec.Computer), accounts: map[string]*synth.Account{},
			sessions: map[string]*synth.Account{}}
		hosts[strings.ToLower(spec.Name)] = h
		hosts[strings.ToLower(spec.Computer)] = h
		order = append(order, h)
		for _, u := range spec.Users {
			a := h.h.AddUser(u.User, u.SID, 0, u.Admin)
			a.Logon, _ = s.at(u.Logon)
			a.Logoff, _ = s.at(u.Logoff)
			h.accounts[strings.ToLower(u.User)] = a
			h.addSecurity(synth.InteractiveLogon(h.h, a, a.Logon)...)
			init := h.h.Spawn(h.h.Proc("winlogon.exe"), `C:\Windows\System32\userinit.exe`, `C:\Windows\system32\userinit.exe`, a.Logon.Add(700*time.Millisecond))
			init.Account, init.Integrity = a, "Medium"
			shell := h.h.Shell(a, a.Logon.Add(2100*time.Millisecond))
			shell.Parent, shell.CurrentDirectory = init, `C:\Windows\system32\`
			h.addProcess("", init)
			h.addProcess("", shell)
			h.addSecurity(synth.Logoff(h.h, a, a.Logoff)...)
		}
		for _, r := range spec.Remote {
			h.setUpRemote(s, r)
		}
	}
	return hosts, order
}

// setUpRemote creates a Remote Desktop session: its logon records (4624
// type 10, 4672 for an administrator), userinit starting its own
// explorer.exe, and its logoff (4647, 4634).
func (h *host) setUpRemote(s *Story, r RemoteSpec) {
	a := h.h.RemoteSession(h.accounts[strings.ToLower(r.User)], r.ID)
	a.Logon, _ = s.at(r.Logon)
	a.Logoff, _ = s.at(r.Logoff)
	h.sessions[r.ID] = a
	h.addSecurity(synth.RemoteInteractiveLogon(h.h, a, a.Logon, r.From, r.Workstation)...)
	init := h.h.Spawn(h.h.Proc("winlogon.exe"), `C:\Windows\System32\userinit.exe`, `C:\Windows\system32\userinit.exe`, a.Logon.Add(900*time.Millisecond))
	init.Account, init.Integrity = a, "Medium"
	shell := h.h.Spawn(init, `C:\Windows\explorer.exe`, `C:\Windows\Explorer.EXE`, a.Logon.Add(2600*time.Millisecond))
	shell.CurrentDirectory = `C:\Windows\system32\`
	h.h.SetShell(a, shell)
	h.addProcess("", init)
	h.addProcess("", shell)
	h.addSecurity(synth.SessionLogoff(h.h, a, a.Logoff, 10)...)
}

// addSecurity adds Security records that belong to no step of the story
// (logons and logoffs).
func (h *host) addSecurity(lines ...synth.Line) {
	for _, l := range lines {
		h.logs[securityLog] = append(h.logs[securityLog], tagged{l, ""})
	}
}

// addProcess adds a process start to both logs.
func (h *host) addProcess(step string, p *synth.Proc) {
	h.logs[securityLog] = append(h.logs[securityLog], tagged{p.SecurityLine(), step})
	h.logs[sysmonLog] = append(h.logs[sysmonLog], tagged{p.SysmonLine(), step})
}

// play starts the story's processes.
func (s *Story) play(hosts map[string]*host) (map[string]*planted, error) {
	steps := map[string]*planted{}
	for i := range s.Steps {
		st := &s.Steps[i]
		h := hosts[strings.ToLower(st.Host)]
		t, _ := s.at(st.Time)
		parent, err := h.parent(st, steps, t)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", st.ID, err)
		}
		p := h.h.Spawn(parent, st.Image, st.Command, t)
		if st.User != "" || st.Session != "" {
			if p.Account, err = h.stepAccount(st); err != nil {
				return nil, fmt.Errorf("step %s: %w", st.ID, err)
			}
		}
		if st.Integrity != "" {
			p.Integrity = st.Integrity
		}
		if st.Directory != "" {
			p.CurrentDirectory = st.Directory
		}
		h.addProcess(st.ID, p)
		steps[st.ID] = &planted{step: st, proc: p, host: h}
		if st.Console {
			con := h.h.Spawn(p, `C:\Windows\System32\conhost.exe`, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`, t.Add(3100*time.Microsecond))
			h.addProcess("", con)
		}
	}
	return steps, nil
}

// parent resolves a step's parent: an earlier step's id, "shell" (the
// user's explorer.exe), or a system process by file name.
func (h *host) parent(st *Step, steps map[string]*planted, t time.Time) (*synth.Proc, error) {
	if p, ok := steps[st.Parent]; ok {
		if p.host != h {
			return nil, fmt.Errorf("parent %s runs on another host", st.Parent)
		}
		return p.proc, nil
	}
	if st.Parent == "shell" {
		a, err := h.stepAccount(st)
		if err != nil {
			return nil, err
		}
		return h.h.Shell(a, t), nil
	}
	if p := h.h.Proc(st.Parent); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("unknown parent %q (an earlier step, shell, or a system process such as svchost.exe)", st.Parent)
}

// stepAccount returns the session a step's process runs in: its remote
// session, or its user's console session.
func (h *host) stepAccount(st *Step) (*synth.Account, error) {
	if st.Session == "" {
		return h.account(st.User)
	}
	a, ok := h.sessions[st.Session]
	if !ok {
		return nil, fmt.Errorf("remote session %q is not on %s", st.Session, h.spec.Name)
	}
	if st.User != "" && !strings.EqualFold(st.User, a.User) {
		return nil, fmt.Errorf("remote session %q is %s's, not %s's", st.Session, a.User, st.User)
	}
	return a, nil
}

func (h *host) account(user string) (*synth.Account, error) {
	if strings.EqualFold(user, `NT AUTHORITY\SYSTEM`) {
		return h.h.System, nil
	}
	if a, ok := h.accounts[strings.ToLower(user)]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("%q does not sign in to %s", user, h.spec.Name)
}

// window is the span of the background: the day's sessions, with a
// margin.
func (s *Story) window() (time.Time, time.Time) {
	var from, to time.Time
	for _, h := range s.Hosts {
		for _, u := range h.Users {
			on, _ := s.at(u.Logon)
			off, _ := s.at(u.Logoff)
			if from.IsZero() || on.Before(from) {
				from = on
			}
			if off.After(to) {
				to = off
			}
		}
	}
	return from.Add(-25 * time.Minute), to.Add(20 * time.Minute)
}

// writeLog writes one log: the story's and the background lines in time
// order (the story first at equal times), numbered from first.
func writeLog(path string, lines []tagged, first uint64, log int, steps map[string]*planted) error {
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].line.P.Timestamp.Before(lines[j].line.P.Timestamp) })
	plain := make([]synth.Line, len(lines))
	for i := range lines {
		lines[i].line.SetRecordID(first + uint64(i))
		plain[i] = lines[i].line
		if p, ok := steps[lines[i].step]; ok {
			p.records[log] = first + uint64(i)
		}
	}
	out, err := synth.Create(path, nil)
	if err != nil {
		return err
	}
	if _, err := synth.Write(out, plain, synth.Options{Source: path}); err != nil {
		out.Abort()
		return fmt.Errorf("%s: %w", path, err)
	}
	return out.Commit()
}
