package findings

import (
	"crypto/sha256"
	"encoding/binary"
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
	// Correlation is set on the finding of a correlation rule: Event then
	// holds its identity only (see CorrelationFinding), General is nil.
	Correlation *CorrelationInfo
	Sources     []string // every file the record was read from, in the order they were read
	// Records are the records the finding stands for: its event's, then,
	// for a process creation logged by both Security and Sysmon, the
	// 4688 record merged into it.
	Records []RecordRef
	// Session is the logon session of the event's logon id, when the scan
	// built sessions (Results.SetSessions) and the event names one.
	Session *sessions.Session
	Context Context
	// Raw is set when the finding was read back from a report and its
	// event held values Process has no place for (report.UnmarshalFinding):
	// Event then holds the values it could type, and JSON writers print
	// Raw's parts in place of those made from Event, unchanged.
	Raw *RawJSON

	key recordKey // the record's identity and content, for deduplication
}

// RawJSON keeps, verbatim, the parts of a finding's JSON made from an
// event a reader could not fully type: the event object, and the
// message, datetime and timestamp_desc derived from it.
type RawJSON struct {
	Event                            []byte
	Message, Datetime, TimestampDesc string
}

// RecordKey returns the key of the record the finding fired on (its
// identity and content, not its file) as 32 hex digits: copies of a
// record in several files have the same key.
func (f *Finding) RecordKey() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], f.key[0])
	binary.BigEndian.PutUint64(b[8:], f.key[1])
	return hex.EncodeToString(b[:])
}

// SetRecordKey sets the record key from RecordKey's form, for findings
// read back from a report.
func (f *Finding) SetRecordKey(s string) error {
	if len(s) != 32 || strings.ToLower(s) != s {
		return fmt.Errorf("record key %q is not 32 lower-case hex digits", s)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("record key %q is not 32 lower-case hex digits", s)
	}
	f.key = recordKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
	return nil
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
	if c := f.Correlation; c != nil {
		fmt.Fprintf(&b, "[%s] %s: %s %d (%s) within %s", f.Level, f.Title, c.Type, c.Count, c.Condition, c.Timespan)
		for _, g := range c.Group {
			fmt.Fprintf(&b, ", %s=%q", g.Field, g.Value)
		}
		return b.String()
	}
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
