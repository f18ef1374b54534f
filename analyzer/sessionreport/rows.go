package sessionreport

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/filter"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// The kinds of rows.
const (
	KindSession = "session"
	KindFailed  = "failed_logons"
)

// Row is one row of the report: a session or a group of failed logons.
type Row struct {
	Kind string
	Host string
	// Session rows. User is the session's account; for a session
	// without a 4624 (Session.Known false), the account its process
	// records name, or the built-in account of a built-in logon id. Start and End are the logon and the logoff (zero
	// when not seen); for a session without a 4624, the first and the
	// last process creation seen under its logon id.
	Session    sessions.Session
	User       string
	Start, End time.Time
	Processes  int
	// Findings counts the findings in the session (CountFindings) and
	// FindingsLevel is the highest level among them; they are written
	// only with Options.Findings.
	Findings      int
	FindingsLevel sigma.Level
	// Failed-logon rows.
	Failed *sessions.FailedLogons
}

// Duration returns the time between Start and End of a session with a
// 4624 and a logoff, and false for other rows.
func (r *Row) Duration() (time.Duration, bool) {
	if r.Kind != KindSession || !r.Session.Known || r.End.IsZero() {
		return 0, false
	}
	return r.End.Sub(r.Start), true
}

// Rows returns the report's rows for the sessions f keeps: by host and
// user (f.Hosts, f.Users) and by whether their span meets f's time range
// (a session without a logoff may reach any later time). Session rows
// come first, by host, start, then logon id; then the failed-logon groups
// by host, attempts (most first), user and source, kept by host, user
// and span too (the command also leaves out the 4625 records outside the
// range as it reads them, so that counts cover the range only).
func Rows(x *sessions.Index, f *filter.Filter) []Row {
	var rows []Row
	for _, hs := range x.Sessions() {
		for _, e := range hs.Sessions {
			s := e.Session
			if f.MatchAccount(hs.Host, s.User) && f.Overlaps(s.LogonTime, s.LogoffTime) {
				rows = append(rows, Row{Kind: KindSession, Host: hs.Host, Session: s, User: s.User,
					Start: s.LogonTime, End: s.LogoffTime, Processes: e.Processes})
			}
		}
	}
	for _, u := range x.UnknownLogons() {
		if f.MatchAccount(u.Host, u.User) && f.Overlaps(u.First, u.Last) {
			s := sessions.Unknown(u.LogonId)
			user := u.User
			if s.User != "" { // a built-in account, whatever name 4688 gives it (the computer's account)
				user = s.User
			}
			rows = append(rows, Row{Kind: KindSession, Host: u.Host, Session: s, User: user,
				Start: u.First, End: u.Last, Processes: u.Processes})
		}
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		if c := strings.Compare(strings.ToLower(a.Host), strings.ToLower(b.Host)); c != 0 {
			return c
		}
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.Session.LogonId, b.Session.LogonId)
	})
	for _, g := range x.FailedLogons() {
		if f.MatchAccount(g.Host, g.User) && f.Overlaps(g.First, g.Last) {
			rows = append(rows, Row{Kind: KindFailed, Host: g.Host, User: g.User, Start: g.First, End: g.Last, Failed: &g})
		}
	}
	return rows
}
