package findings

import "github.com/evtxhunt/evtxhunt/analyzer/event"

// LogonID returns the logon id of the finding's event, the one its
// Session is looked up by: a process creation's LogonId (4688
// SubjectLogonId, Sysmon LogonId), the acting logon id another record
// names (event.ActorOf); "" when there is none.
func (f *Finding) LogonID() string {
	if f.General != nil {
		return event.ActorOf(f.General).LogonID
	}
	return f.Event.LogonId
}
