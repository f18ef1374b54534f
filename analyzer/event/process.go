package event

import (
	"cmp"
	"math"
	"strings"
	"time"
)

// Event IDs and channels of the two process-creation sources.
const (
	SecurityProcessCreate = 4688
	SysmonProcessCreate   = 1

	SecurityChannel  = "Security"
	SecurityProvider = "Microsoft-Windows-Security-Auditing"
	SysmonChannel    = "Microsoft-Windows-Sysmon/Operational"
	SysmonProvider   = "Microsoft-Windows-Sysmon"
)

// Process is one process-creation event, normalized from either source.
//
// Numeric identifiers (ProcessId, ParentProcessId) are numbers whatever the
// source's rendering; LogonId values are kept in Windows' short hex form
// ("0x3e7"). A field the source record does not carry is absent (see Has),
// which is different from present and empty.
type Process struct {
	// Record identity.
	Timestamp     time.Time // UTC; 100 ns precision where the decoder gives it
	Computer      string
	Channel       string
	Provider      string
	EventID       uint32
	Version       uint8
	EventRecordID uint64 // the XML EventRecordID analysts quote
	SourceFile    string // display path of the file the record came from
	ChunkIndex    int    // chunk of SourceFile the record came from
	Recovered     bool   // carved from slack or unallocated space

	// Process fields, by Sigma name.
	Image              string
	OriginalFileName   string
	CommandLine        string
	CurrentDirectory   string
	ParentImage        string
	ParentCommandLine  string
	ProcessId          uint64
	ParentProcessId    uint64
	ProcessGuid        string
	ParentProcessGuid  string
	User               string // DOMAIN\name
	UserSid            string
	LogonId            string // "0x3e7"
	LogonGuid          string
	TerminalSessionId  string
	IntegrityLevel     string // Low, Medium, High, System, ...
	TokenElevationType string
	TargetUser         string // 4688 v2: DOMAIN\name of the new process' account
	TargetUserSid      string
	TargetLogonId      string
	MandatoryLabel     string // 4688 v2: the label SID, e.g. S-1-16-12288
	Hashes             string
	FileVersion        string
	Description        string
	Product            string
	Company            string
	RuleName           string
	ParentUser         string
	UtcTime            string // Sysmon's own rendering of the creation time

	// Has records which fields the source carried; see Field.
	Has FieldSet
}

// IsSysmon reports whether the event came from Sysmon.
func (p *Process) IsSysmon() bool { return p.EventID == SysmonProcessCreate }

// Set stores a string value for f and marks it present. Numeric fields
// parse the value as decimal or 0x-prefixed hex; an unparsable value leaves
// the field absent and returns false.
func (p *Process) Set(f Field, value string) bool {
	spec := &fields[f]
	if spec.kind == kindNumber {
		n, ok := ParseNumber(value)
		if !ok {
			return false
		}
		spec.setNum(p, n)
	} else {
		*spec.str(p) = value
	}
	p.mark(f)
	return true
}

// SetNumber stores a numeric value for a numeric field and marks it present.
func (p *Process) SetNumber(f Field, n uint64) {
	fields[f].setNum(p, n)
	p.mark(f)
}

// mark records f as present; identity fields are always present and are
// not recorded, so events compare equal however they were built.
func (p *Process) mark(f Field) {
	if !fields[f].always {
		p.Has = p.Has.With(f)
	}
}

// Get returns the value of f as a string (numbers in decimal) and whether
// the event carries it.
func (p *Process) Get(f Field) (string, bool) {
	if !p.Has.Contains(f) {
		return "", false
	}
	spec := &fields[f]
	if spec.kind == kindNumber {
		return formatUint(spec.getNum(p)), true
	}
	return *spec.str(p), true
}

// Number returns the value of a numeric field and whether it is present.
func (p *Process) Number(f Field) (uint64, bool) {
	if !p.Has.Contains(f) || fields[f].kind != kindNumber {
		return 0, false
	}
	return fields[f].getNum(p), true
}

// Compare orders events by time, then host, then record id, then source
// file and chunk: the order of every timeline. It returns -1, 0 or +1.
func Compare(a, b *Process) int {
	if c := a.Timestamp.Compare(b.Timestamp); c != 0 {
		return c
	}
	if c := strings.Compare(a.Computer, b.Computer); c != 0 {
		return c
	}
	if c := cmp.Compare(a.EventRecordID, b.EventRecordID); c != 0 {
		return c
	}
	if c := strings.Compare(a.SourceFile, b.SourceFile); c != 0 {
		return c
	}
	return cmp.Compare(a.ChunkIndex, b.ChunkIndex)
}

// SortKey is a number that orders events as Compare does as far as it
// goes: a smaller key means an earlier event; equal keys say nothing
// (TimeKey of the Timestamp). Sorting compares keys first and reads the
// events only on a tie.
func (p *Process) SortKey() uint64 { return TimeKey(p.Timestamp) }

// FILETIME's epoch (1601-01-01) in Unix seconds, and its unit.
const (
	unix1601       = -11644473600
	ticksPerSecond = 10_000_000
)

// TimeKey maps a time to a number that grows with it: its 100 ns ticks
// since 1601 (FILETIME's unit), 0 for earlier times and the largest
// uint64 for times past the year 58000. A smaller key is an earlier time;
// times within one tick share a key.
func TimeKey(t time.Time) uint64 {
	sec := t.Unix() - unix1601
	switch {
	case sec < 0:
		return 0
	case uint64(sec) > (math.MaxUint64-ticksPerSecond)/ticksPerSecond:
		return math.MaxUint64
	}
	return uint64(sec)*ticksPerSecond + uint64(t.Nanosecond())/100
}

// Less reports whether a sorts before b in Compare's order.
func Less(a, b *Process) bool { return Compare(a, b) < 0 }
