package synth

import (
	"fmt"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// sysmonActivity returns the Sysmon records of one background activity on
// h at t: a program start, a network connection or a process exit.
func (n *noise) sysmonActivity(h *Host, t time.Time) []Line {
	switch r := n.rng.IntN(100); {
	case r < 25:
		return []Line{n.connection(h, t)}
	case r < 38 && len(n.recent) > 0:
		return []Line{n.terminate(t)}
	}
	return n.starts(h, t, true)
}

// sysmonTime renders t as Sysmon's UtcTime.
func sysmonTime(t time.Time) string { return t.UTC().Format(sysmonUtcLayout) }

// connection: Sysmon EventID 3, an outbound TCP connection.
func (n *noise) connection(h *Host, t time.Time) Line {
	p := n.connector(h)
	dest, port, portName := n.pick(destinations), "443", "https"
	if strings.EqualFold(baseName(p.Image), "svchost.exe") {
		dest, port, portName = controller, "389", "ldap"
	}
	return generic(h.Computer, event.SysmonProvider, 3, 5, t, "RuleName", "-", "UtcTime", sysmonTime(t),
		"ProcessGuid", p.GUID(), "ProcessId", fmt.Sprint(p.PID), "Image", p.Image, "User", p.Account.User,
		"Protocol", "tcp", "Initiated", "true", "SourceIsIpv6", "false", "SourceIp", hostIP(h.Computer),
		"SourceHostname", h.Computer, "SourcePort", fmt.Sprint(49152+n.rng.IntN(16000)), "SourcePortName", "-",
		"DestinationIsIpv6", "false", "DestinationIp", dest, "DestinationHostname", "-",
		"DestinationPort", port, "DestinationPortName", portName)
}

// terminate: Sysmon EventID 5, a process the noise started exits.
func (n *noise) terminate(t time.Time) Line {
	i := n.rng.IntN(len(n.recent))
	p := n.recent[i]
	n.recent = append(n.recent[:i], n.recent[i+1:]...)
	if p.Start.After(t) {
		t = p.Start.Add(n.jitter(time.Minute))
	}
	return generic(p.Host.Computer, event.SysmonProvider, 5, 3, t, "RuleName", "-", "UtcTime", sysmonTime(t),
		"ProcessGuid", p.GUID(), "ProcessId", fmt.Sprint(p.PID), "Image", p.Image)
}
