package findings

import (
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/cmdline"
)

// ScanEvent runs the detections on a record that is not a process
// creation and records its findings. Its context comes from the process
// creations of the same host: the same user's (or logon session's)
// processes around it, and the ancestry of the process it names.
func (s *Scanner) ScanEvent(e *event.Event) {
	s.hits, s.scratch = s.set.DetectEvent(e, s.hits[:0], s.scratch)
	s.ScanEventDetected(e, s.hits)
}

// ScanEventDetected is ScanEvent for an event a Detector matched: hits
// are its hits (the scanner reads them, never keeps or changes them).
func (s *Scanner) ScanEventDetected(e *event.Event, hits []detections.Hit) {
	s.OtherEvents++
	s.hits = append(s.hits[:0], hits...)
	if len(s.hits) == 0 {
		return
	}
	key := keyOfEvent(e)
	if s.copyOf(key, e.SourceFile) {
		return
	}
	e = cloneEvent(e) // kept from here on, values and all
	actor := event.ActorOf(e)
	pr := &pendingRecord{event: identity(e, &actor), general: e, actor: actor,
		key: key, host: s.hist.host(e.Computer), sources: []string{e.SourceFile}}
	decoded := decodedPayload(e)
	for _, hit := range s.hits {
		if s.opts.Allowlist.SuppressedEvent(hit.Rule, pr.general) != nil {
			s.Suppressed++
			continue
		}
		if hit.Decoded == "" {
			hit.Decoded = decoded
		}
		pr.hits = append(pr.hits, hit)
	}
	pr.hits = s.corr.observeEvent(pr.hits, pr.general)
	s.count(pr.hits)
	s.addPending(pr)
}

// IdentityOf returns the identity of a finding on the general event e, as
// Finding.Event holds it: what findings are sorted, grouped and
// identified by.
func IdentityOf(e *event.Event) event.Process {
	a := event.ActorOf(e)
	return identity(e, &a)
}

func identity(e *event.Event, a *event.Actor) event.Process {
	p := event.Process{
		Timestamp: e.Timestamp, Computer: e.Computer, Channel: e.Channel, Provider: e.Provider,
		EventID: e.EventID, Version: e.Version, EventRecordID: e.EventRecordID,
		SourceFile: e.SourceFile, ChunkIndex: e.ChunkIndex, Recovered: e.Recovered,
	}
	if a.User != "" {
		p.Set(event.FieldUser, a.User)
	}
	if a.LogonID != "" {
		p.Set(event.FieldLogonId, a.LogonID)
	}
	return p
}

// contextAt computes the context of a general event at time t on host h:
// the process events of its user (its logon session when the logon id is
// known) around t, and, when it names a process, that process followed
// by its ancestry.
func (h *hostHistory) contextAt(hs *history, a *event.Actor, t time.Time, n int, window time.Duration) Context {
	var c Context
	at := procRecord{time: t.UnixNano()}
	if n > 0 && a.User != "" {
		user := hs.lowerCase(a.User)
		var l *refList
		if a.LogonID != "" {
			l = h.bySession[sessionKey{user, hs.lowerCase(a.LogonID)}]
		}
		if l == nil {
			l = h.byUser[user]
		}
		c.Before, c.After = h.around(h.sorted(l), &at, nil, n, int64(window))
	}
	if ref := h.actingProcess(a, at.time); ref >= 0 {
		c.Ancestry = append([]ContextEvent{h.arena.contextEvent(&h.recs[ref])}, h.ancestry(ref)...)
	}
	return c
}

// around returns up to n records of refs (in record order) each side of
// the position of at, within window nanoseconds of it, one per process,
// leaving out the records of the process self (the flagged one; nil for
// none).
func (h *hostHistory) around(refs []int32, at, self *procRecord, n int, window int64) (before, after []ContextEvent) {
	a := h.arena
	pos := h.search(refs, at)
	var picked []*procRecord
	take := func(r *procRecord) bool {
		if (self != nil && sameProcess(a, r, self)) || dup(a, picked, r) {
			return false
		}
		picked = append(picked, r)
		return true
	}
	for i := pos - 1; i >= 0 && len(before) < n; i-- {
		r := &h.recs[refs[i]]
		if r.time < at.time-window {
			break
		}
		if take(r) {
			before = append(before, a.contextEvent(r))
		}
	}
	for i, j := 0, len(before)-1; i < j; i, j = i+1, j-1 {
		before[i], before[j] = before[j], before[i]
	}
	for i := pos; i < len(refs) && len(after) < n; i++ {
		r := &h.recs[refs[i]]
		if r.time > at.time+window {
			break
		}
		if take(r) {
			after = append(after, a.contextEvent(r))
		}
	}
	return before, after
}

// actingProcess finds the creation of the process a general event names:
// by its GUID, else the latest process with its id that started no later
// than the event (rejected when its image contradicts the event's). It
// returns -1 when none is known.
func (h *hostHistory) actingProcess(a *event.Actor, at int64) int32 {
	if a.ProcessGuid != "" {
		if ref := h.byGUID([]byte(a.ProcessGuid)); ref >= 0 {
			return ref
		}
	}
	if !a.HasPid {
		return -1
	}
	refs := h.sorted(h.byPid[a.ProcessId])
	for i := len(refs) - 1; i >= 0; i-- {
		r := &h.recs[refs[i]]
		if r.time > at {
			continue
		}
		if a.Image != "" && r.image != 0 && !strings.EqualFold(h.arena.str(r.image), a.Image) {
			return -1
		}
		return refs[i]
	}
	return -1
}

// commandItems are the payload items that hold a command line a record
// runs: a service's image path (7045, 4697), a scheduled task's XML (4698,
// 4702) or action, a WMI consumer's command, a PowerShell host's command.
var commandItems = []string{"ImagePath", "ServiceFileName", "TaskContent", "TaskContentNew", "ActionName",
	"CommandLineTemplate", "CONSUMER", "Consumer", "HostApplication", "CommandLine"}

// decodedPayload decodes the encoded PowerShell a record's command items
// carry, as the command-line check does for process events ("" when none).
func decodedPayload(e *event.Event) string {
	for _, name := range commandItems {
		if v, ok := e.Get(name); ok && v != "" {
			if d, ok := cmdline.DecodeEncodedPowerShell(v); ok {
				return d
			}
		}
	}
	return ""
}
