package synth

import (
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// noise makes background records: benign activity of the world's hosts.
type noise struct {
	rng      *rand.Rand
	world    *World
	hosts    []*Host
	security int // weights of the two logs, from the input's channels
	sysmon   int
	twin     bool    // program starts go to both logs
	recent   []*Proc // processes started by the noise, for terminations
	conv     converter
	source   string
}

// newNoise builds the generator from the hosts and users the lines name
// (or opts.World), writing to the logs the lines write to.
func newNoise(opts Options, lines []Line, events []*evtxwriter.Event) *noise {
	w := opts.World
	if w == nil {
		w = NewWorld()
	}
	n := &noise{rng: newRNG(opts.Seed), world: w, source: opts.Source}
	for i := range lines {
		ev := events[i]
		h := w.Host(ev.Computer)
		if isSysmonChannel(ev.Channel) {
			n.sysmon++
		} else {
			n.security++
		}
		harvest(h, &lines[i].P)
	}
	if len(w.Hosts()) == 0 {
		h := w.Host(DefaultComputer)
		h.AddUser(netbiosName(DefaultComputer)+`\user`, "", 0, false)
	}
	if n.security == 0 && n.sysmon == 0 {
		n.security = 1
	}
	n.hosts = w.Hosts()
	return n
}

// newRNG returns the noise's random source: seeded, so that a seed gives
// the same file every time.
func newRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // reproducible on purpose, not secret
}

// harvest adds the interactive user of a process line to its host, and
// the explorer.exe it names as that user's shell.
func harvest(h *Host, p *event.Process) {
	if p.User == "" || isServiceAccount(p.User) || strings.HasPrefix(strings.ToUpper(p.User), "NT AUTHORITY") {
		return
	}
	logon, _ := event.ParseNumber(p.LogonId)
	a := h.AddUser(p.User, p.UserSid, logon, strings.EqualFold(p.IntegrityLevel, "High"))
	if strings.EqualFold(baseName(p.ParentImage), "explorer.exe") && p.Has.Contains(event.FieldParentProcessId) {
		if _, ok := h.shells[a]; !ok {
			h.SetShell(a, &Proc{Host: h, Image: p.ParentImage, CommandLine: `C:\Windows\Explorer.EXE`,
				PID: p.ParentProcessId, Account: a, Integrity: "Medium", Parent: h.Proc("winlogon.exe"),
				CurrentDirectory: `C:\Windows\system32\`})
		}
	}
}

// lines returns n background lines with times in [from, to], in time
// order.
func (n *noise) lines(count int, from, to time.Time) []Line {
	if count <= 0 {
		return nil
	}
	out := make([]Line, 0, count+4)
	width := to.Sub(from)
	if width <= 0 {
		width = time.Hour
	}
	for len(out) < count {
		t := from.Add(time.Duration(n.rng.Int64N(int64(width))))
		h := n.hosts[n.rng.IntN(len(n.hosts))]
		if n.rng.IntN(n.security+n.sysmon) < n.security {
			out = append(out, n.securityActivity(h, t)...)
		} else {
			out = append(out, n.sysmonActivity(h, t)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].P.Timestamp.Before(out[j].P.Timestamp) })
	return out[:count]
}

// starts launches a benign program and returns the lines of its
// processes for the log the activity was drawn for, or for both logs.
func (n *noise) starts(h *Host, t time.Time, sysmon bool) []Line {
	var out []Line
	for _, p := range n.launch(h, t) {
		n.remember(p)
		if n.twin || !sysmon {
			out = append(out, p.SecurityLine())
		}
		if n.twin || sysmon {
			out = append(out, p.SysmonLine())
		}
	}
	return out
}

// Background returns count background lines on the world's hosts, with
// times in [from, to], in time order. The weights share the activities
// between the Security and the Sysmon log; when both are positive, a
// program start is written to both (a 4688 and a Sysmon 1 of the same
// process), as on a host that audits process creation and runs Sysmon.
// The world needs at least one host.
func (w *World) Background(seed uint64, count int, from, to time.Time, securityWeight, sysmonWeight int) []Line {
	n := &noise{rng: newRNG(seed), world: w, hosts: w.Hosts(),
		security: max(securityWeight, 0), sysmon: max(sysmonWeight, 0)}
	n.twin = n.security > 0 && n.sysmon > 0
	if len(n.hosts) == 0 || n.security+n.sysmon == 0 {
		return nil
	}
	return n.lines(count, from, to)
}

// convert turns noise lines into records.
func (n *noise) convert(lines []Line) ([]*evtxwriter.Event, error) {
	out := make([]*evtxwriter.Event, 0, len(lines))
	for i := range lines {
		ev, err := n.conv.convert(&lines[i])
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// jitter returns a small positive delay: records of one activity follow
// each other by milliseconds.
func (n *noise) jitter(max time.Duration) time.Duration {
	return time.Duration(n.rng.Int64N(int64(max))) + 100*time.Microsecond
}

// user picks an interactive user of the host signed in at t, or nil.
func (n *noise) user(h *Host, t time.Time) *Account {
	var in []*Account
	for _, a := range h.Users {
		if a.SignedIn(t) {
			in = append(in, a)
		}
	}
	if len(in) == 0 {
		return nil
	}
	return in[n.rng.IntN(len(in))]
}

func (n *noise) pick(list []string) string { return list[n.rng.IntN(len(list))] }

// remember keeps the last processes the noise started.
func (n *noise) remember(p *Proc) {
	n.recent = append(n.recent, p)
	if len(n.recent) > 64 {
		n.recent = n.recent[1:]
	}
}

// generic returns a line of a generic event with string EventData.
func generic(computer, provider string, eventID uint32, version uint8, t time.Time, kv ...string) Line {
	var l Line
	_, info := knownProvider(provider, "")
	l.P.Computer, l.P.Provider, l.P.EventID, l.P.Version, l.P.Timestamp = computer, provider, eventID, version, t
	if info != nil {
		l.P.Channel = info.channel
	}
	l.given = givenTimestamp | givenEventID | givenVersion | givenEventData
	for i := 0; i+1 < len(kv); i += 2 {
		l.Data = append(l.Data, DataValue{Name: kv[i], Value: kv[i+1]})
	}
	return l
}
