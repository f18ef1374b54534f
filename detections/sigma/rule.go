package sigma

import (
	"fmt"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Level is the criticality a rule assigns to its findings.
type Level int

// The Sigma levels, least to most critical.
const (
	Informational Level = iota
	Low
	Medium
	High
	Critical
)

var levelNames = [...]string{"informational", "low", "medium", "high", "critical"}

// String returns the Sigma name of the level ("high").
func (l Level) String() string {
	if l < Informational || l > Critical {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return levelNames[l]
}

// ParseLevel reads a Sigma level name, case-insensitively.
func ParseLevel(s string) (Level, error) {
	for i, name := range levelNames {
		if strings.EqualFold(s, name) {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want informational, low, medium, high or critical)", s)
}

// Rule is one compiled Sigma rule.
type Rule struct {
	ID, Title, Status, Description, Author, Date string
	Modified                                     string
	Name                                         string // the optional name: attribute, which correlation rules may refer to
	Level                                        Level  // Informational when the rule names none
	Tags                                         []string
	References, FalsePositives                   []string

	// Source is the file the rule came from (or "builtin:<path>"), Line
	// the line its document starts on.
	Source string
	Line   int

	det          *detection
	ls           LogSource
	procCreation bool      // category process_creation (or made in code)
	binds        []binding // where the other rules run
}

// LogSource returns the rule's logsource; a rule made in code is a
// process_creation rule.
func (r *Rule) LogSource() LogSource {
	if r.ls == (LogSource{}) {
		return processCreation
	}
	return r.ls
}

// Match reports whether the rule matches the process-creation event p:
// a process_creation rule always runs on it; a rule of another log source
// only when p's channel and event id are the log source's (a rule for
// service security with EventID 4688 or no EventID, say).
func (r *Rule) Match(p *event.Process) bool {
	if r == nil || r.det == nil {
		return false
	}
	if !r.isProcessCreation() {
		if b := r.appliesTo(processChannel(p), p.EventID); b == nil || b.equiv != nil {
			return false
		}
	}
	return r.det.match(record{p: p})
}

// MatchEvent reports whether the rule matches the general event e: the
// rule's log source must include e's channel and event id (and, for a
// Security-log equivalent of the rule's category, accept the record), and
// its detection must match e's fields, read through the equivalent's
// field mapping. process_creation rules never match here: process
// creations are matched as event.Process (Match).
func (r *Rule) MatchEvent(e *event.Event) bool {
	if r == nil || r.det == nil || r.isProcessCreation() {
		return false
	}
	b := r.appliesTo(e.Channel, e.EventID)
	if b == nil || (b.equiv != nil && !b.equiv.accepts(e)) {
		return false
	}
	return r.det.match(record{e: e, eq: b.equiv})
}

// isProcessCreation reports whether the rule is for process_creation (a
// rule made in code has no log source and is one).
func (r *Rule) isProcessCreation() bool { return r.procCreation || r.ls == (LogSource{}) }

// IsProcessCreation reports whether the rule is for the process_creation
// log source (it matches process events only).
func (r *Rule) IsProcessCreation() bool { return r.isProcessCreation() }

// appliesTo returns the rule's first binding that admits a record of this
// channel and event id, or nil.
func (r *Rule) appliesTo(channel string, id uint32) *binding {
	for i := range r.binds {
		if r.binds[i].admits(channel, id) {
			return &r.binds[i]
		}
	}
	return nil
}

// AttackTags returns the rule's tags in the MITRE ATT&CK namespace
// ("attack.execution", "attack.t1059.001"), in rule order.
func (r *Rule) AttackTags() []string {
	var out []string
	for _, t := range r.Tags {
		if strings.HasPrefix(strings.ToLower(t), "attack.") {
			out = append(out, t)
		}
	}
	return out
}

// Location renders where the rule was defined, "file:line" (just the
// source when the line is unknown, as for rules made in code).
func (r *Rule) Location() string {
	if r.Line <= 0 {
		return r.Source
	}
	return fmt.Sprintf("%s:%d", r.Source, r.Line)
}

// LoadError is a problem found while loading rules: the rule (or the whole
// file, when RuleID is empty) was not loaded. A LoadError with Note set is
// not a defect: the rule was skipped on purpose (Skip says why: another
// product, a correlation, ...), and callers report it as a note.
type LoadError struct {
	File   string
	Line   int // 0 when the line is unknown
	RuleID string
	Reason string
	Note   bool
	Skip   SkipReason // why a note's rule was skipped
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.RuleID != "" {
		fmt.Fprintf(&b, "rule %s: ", e.RuleID)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Errors returns the load errors that are defects, leaving out notes.
func Errors(errs []*LoadError) []*LoadError {
	var out []*LoadError
	for _, e := range errs {
		if !e.Note {
			out = append(out, e)
		}
	}
	return out
}
