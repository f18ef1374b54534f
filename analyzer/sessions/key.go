package sessions

import (
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Key identifies one row of a host's logon report: a session (Known: its
// logon id, logon time and 4624 record, which together are unique on a
// host once copies are dropped) or, Known false, the process creations
// of a logon id that no session explains (UnknownLogon). It is
// comparable, for counting things per session in a map.
type Key struct {
	Host      string // lower-case computer name, as the Index keys hosts
	LogonId   uint64
	LogonTime int64  // Unix nanoseconds; 0 when not Known
	RecordID  uint64 // the 4624's EventRecordID; 0 when not Known
	Known     bool
}

// KeyOf returns the Key of a session, or of an unknown logon id (s.Known
// false), on the host named host.
func KeyOf(host string, s *Session) Key {
	id, _ := event.ParseNumber(strings.TrimSpace(s.LogonId))
	k := Key{Host: strings.ToLower(host), LogonId: id, Known: s.Known}
	if s.Known {
		k.LogonTime = s.LogonTime.UnixNano()
		if len(s.EventRecordIDs) > 0 {
			k.RecordID = s.EventRecordIDs[0]
		}
	}
	return k
}

// LookupKey returns the Key of the row Lookup places a record in: the
// session of logonID on host at t, or, when none covers t, the logon id's
// row of process creations no session explains. ok is false when the
// logon id is no number or 0, or the host has neither sessions nor
// process creations.
func (x *Index) LookupKey(host, logonID string, t time.Time) (k Key, ok bool) {
	id, ok := event.ParseNumber(strings.TrimSpace(logonID))
	h := x.host(host)
	if !ok || id == 0 || h == nil {
		return Key{}, false
	}
	s := x.Lookup(host, logonID, t)
	return KeyOf(h.name, &s), true
}
