package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Finding is one rule firing on one event record. On a process creation,
// Event is the record and General is nil. On any other record, General is
// the record and Event holds its identity only (Timestamp, Computer,
// Channel, Provider, EventID, Version, EventRecordID, SourceFile, and the
// acting User and LogonId when the record names them), so sorting,
// grouping and ids treat every finding alike.
type Finding struct {
	ID          string // stable across runs: derived from the rule and the record
	RuleID      string
	Title       string
	Level       sigma.Level
	Tags        []string // ATT&CK tags
	Description string
	RuleSource  string // file:line of the rule, or builtin:<path>:line
	Reason      string // for checks that explain themselves; empty for Sigma rules
	Decoded     string // decoded payload (e.g. an encoded PowerShell command)
	Event       event.Process
	General     *event.Event // the record of a finding on any other event; nil for process creations
	Sources     []string     // every file the record was read from, in the order they were read
	// Records are the records the finding stands for: its event's, then,
	// for a process creation logged by both Security and Sysmon, the
	// 4688 record merged into it.
	Records []RecordRef
	// Session is the logon session of the event's logon id, when the scan
	// built sessions (Results.SetSessions) and the event names one.
	Session *sessions.Session
	Context Context

	key recordKey // the record's identity and content, for deduplication
}

// newID derives a finding's id from the rule and the record it fired on,
// so the same finding keeps its id between runs and worker counts.
func newID(ruleID string, p *event.Process) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%d", ruleID, p.Computer, p.Channel, p.EventRecordID, p.Timestamp.UnixNano())
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Message is the one-line description of a finding used by timeline tools.
func (f *Finding) Message() string {
	var b strings.Builder
	if f.General != nil {
		fmt.Fprintf(&b, "[%s] %s: %s %d: %s", f.Level, f.Title, f.General.Channel, f.General.EventID, event.Summary(f.General))
		return b.String()
	}
	fmt.Fprintf(&b, "[%s] %s: %s", f.Level, f.Title, f.Event.Image)
	if f.Event.CommandLine != "" {
		b.WriteString(" | ")
		b.WriteString(f.Event.CommandLine)
	}
	return b.String()
}

// LevelCount is a number of findings of one level.
type LevelCount struct {
	Level sigma.Level
	Count int
}

func (c LevelCount) String() string { return strconv.Itoa(c.Count) + " " + c.Level.String() }
