package event

import (
	"strings"
	"time"
)

// System holds the values of a record's System element. Timestamp,
// Computer, Channel, Provider, EventID and EventRecordID are always
// present (empty or zero when the record lacks them); the others are
// present only when Has says so, since Windows leaves out elements such as
// Execution or Security for some providers.
type System struct {
	Timestamp     time.Time // TimeCreated/@SystemTime, UTC, 100 ns precision
	Computer      string
	Channel       string
	Provider      string // Provider/@Name
	ProviderGUID  string // Provider/@Guid, upper case in braces
	EventID       uint32
	Version       uint8
	Level         uint8
	Opcode        uint8
	Task          uint16
	Keywords      uint64
	EventRecordID uint64 // the XML EventRecordID analysts quote
	UserID        string // Security/@UserID, a SID
	ProcessID     uint32 // Execution/@ProcessID: the process that logged
	ThreadID      uint32 // Execution/@ThreadID
	Has           SystemSet
}

// SystemValue names one optional System value of an event.
type SystemValue uint8

// The optional System values, in the order JSON prints them.
const (
	SysProviderGUID SystemValue = iota
	SysLevel
	SysTask
	SysOpcode
	SysKeywords
	SysUserID
	SysProcessID
	SysThreadID
	numSystemValues
)

// SystemSet is a set of optional System values.
type SystemSet uint16

// With returns s with v added.
func (s SystemSet) With(v SystemValue) SystemSet { return s | 1<<v }

// Contains reports whether v is in s.
func (s SystemSet) Contains(v SystemValue) bool { return s&(1<<v) != 0 }

// DataKind says which payload element a record carries.
type DataKind uint8

// The payload kinds.
const (
	NoData    DataKind = iota // neither EventData nor UserData
	EventData                 // EventData/Data items, by their Name
	UserData                  // the leaf elements under UserData's wrapper, by element name
)

func (k DataKind) String() string {
	switch k {
	case EventData:
		return "EventData"
	case UserData:
		return "UserData"
	}
	return ""
}

// Item is one payload value of a record: an EventData Data item by its
// Name, or a UserData leaf element by its element name. A Data element
// without a Name is named Data_N and a Binary element Binary_N, N its
// 1-based position among the payload's items, so names stay unique.
type Item struct {
	Name  string
	Value string
}

// Event is one event record of any provider and event id: its System
// values and its payload in document order. Process creations have a
// typed view as well (Process), which the readers build from the same
// decoded items.
//
// Storage: the decoders give every Event of one chunk a slice of one
// shared Item array and the values of one event one shared string, and
// they intern names, so decoding a record allocates next to nothing. An
// Event is read-only once built: its Items may share storage with other
// events.
type Event struct {
	System
	Kind       DataKind
	Items      []Item
	SourceFile string // display path of the file the record came from
	ChunkIndex int    // chunk of SourceFile the record came from
	Recovered  bool   // carved from slack or unallocated space
}

// Get returns the value of the payload item named name (exact name first,
// then ignoring case) and whether the event has it.
func (e *Event) Get(name string) (string, bool) {
	for i := range e.Items {
		if e.Items[i].Name == name {
			return e.Items[i].Value, true
		}
	}
	for i := range e.Items {
		if strings.EqualFold(e.Items[i].Name, name) {
			return e.Items[i].Value, true
		}
	}
	return "", false
}

// Value returns the payload item named name or, when there is none, the
// System value of that name (see SystemValueOf).
func (e *Event) Value(name string) (string, bool) {
	if v, ok := e.Get(name); ok {
		return v, true
	}
	return e.SystemValueOf(name)
}

// IsProcessCreation reports whether the record is one of the two process
// creations evtxhunt reads as Process events.
func (e *Event) IsProcessCreation() bool {
	return IsProcessCreation(e.Provider, e.Channel, e.EventID)
}

// IsProcessCreation reports whether a record with this provider (or
// channel) and event id is a Security 4688 or Sysmon 1 process creation.
func IsProcessCreation(provider, channel string, eventID uint32) bool {
	switch eventID {
	case SecurityProcessCreate:
		return provider == SecurityProvider || strings.EqualFold(channel, SecurityChannel)
	case SysmonProcessCreate:
		return provider == SysmonProvider || strings.EqualFold(channel, SysmonChannel)
	}
	return false
}
