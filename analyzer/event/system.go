package event

import (
	"strconv"
	"strings"
)

// systemNames maps the names a rule or a user may give a System value,
// lower-cased, to the value. Sigma names XML attributes Element_Attribute
// (Provider_Name, Security_UserID); the plain element names work too.
var systemNames = map[string]systemName{
	"eventid":             {get: func(s *System) (string, bool) { return strconv.FormatUint(uint64(s.EventID), 10), true }},
	"channel":             {get: func(s *System) (string, bool) { return s.Channel, true }},
	"computer":            {get: func(s *System) (string, bool) { return s.Computer, true }},
	"provider":            {get: func(s *System) (string, bool) { return s.Provider, true }},
	"provider_name":       {get: func(s *System) (string, bool) { return s.Provider, true }},
	"eventrecordid":       {get: func(s *System) (string, bool) { return strconv.FormatUint(s.EventRecordID, 10), true }},
	"version":             {get: func(s *System) (string, bool) { return strconv.FormatUint(uint64(s.Version), 10), true }},
	"timecreated":         {get: func(s *System) (string, bool) { return s.Timestamp.UTC().Format(TimeLayout), true }},
	"providerguid":        {v: SysProviderGUID},
	"provider_guid":       {v: SysProviderGUID},
	"level":               {v: SysLevel},
	"task":                {v: SysTask},
	"opcode":              {v: SysOpcode},
	"keywords":            {v: SysKeywords},
	"userid":              {v: SysUserID},
	"security_userid":     {v: SysUserID},
	"execution_processid": {v: SysProcessID},
	"execution_threadid":  {v: SysThreadID},
}

type systemName struct {
	get func(*System) (string, bool) // always-present values
	v   SystemValue                  // optional values, when get is nil
}

// SystemValueOf returns the System value called name (case-insensitive:
// EventID, Channel, Computer, Provider or Provider_Name, ProviderGuid,
// EventRecordID, Version, Level, Task, Opcode, Keywords, UserID or
// Security_UserID, Execution_ProcessID, Execution_ThreadID, TimeCreated),
// rendered as Windows renders it in event XML, and whether the record
// has it.
func (s *System) SystemValueOf(name string) (string, bool) {
	n, ok := systemNames[strings.ToLower(name)]
	if !ok {
		return "", false
	}
	if n.get != nil {
		return n.get(s)
	}
	return s.optional(n.v)
}

// optional renders one optional System value.
func (s *System) optional(v SystemValue) (string, bool) {
	if !s.Has.Contains(v) {
		return "", false
	}
	switch v {
	case SysProviderGUID:
		return s.ProviderGUID, true
	case SysLevel:
		return strconv.FormatUint(uint64(s.Level), 10), true
	case SysTask:
		return strconv.FormatUint(uint64(s.Task), 10), true
	case SysOpcode:
		return strconv.FormatUint(uint64(s.Opcode), 10), true
	case SysKeywords:
		return FormatKeywords(s.Keywords), true
	case SysUserID:
		return s.UserID, true
	case SysProcessID:
		return strconv.FormatUint(uint64(s.ProcessID), 10), true
	case SysThreadID:
		return strconv.FormatUint(uint64(s.ThreadID), 10), true
	}
	return "", false
}

// SetNumber sets the numeric optional System value v (Level, Task,
// Opcode, Keywords, ProcessID or ThreadID) to n, truncated to the value's
// width, and marks it present; other values are left alone.
func (s *System) SetNumber(v SystemValue, n uint64) {
	switch v {
	case SysLevel:
		s.Level = uint8(n)
	case SysTask:
		s.Task = uint16(n)
	case SysOpcode:
		s.Opcode = uint8(n)
	case SysKeywords:
		s.Keywords = n
	case SysProcessID:
		s.ProcessID = uint32(n)
	case SysThreadID:
		s.ThreadID = uint32(n)
	default:
		return
	}
	s.Has = s.Has.With(v)
}

// FormatKeywords renders a Keywords mask as event XML does:
// 0x8020000000000000.
func FormatKeywords(k uint64) string { return "0x" + strconv.FormatUint(k, 16) }

// systemJSON lists the optional System values with their JSON keys, in
// output order.
var systemJSON = [...]struct {
	v      SystemValue
	key    string
	number bool
}{
	{SysProviderGUID, "ProviderGuid", false},
	{SysLevel, "Level", true},
	{SysTask, "Task", true},
	{SysOpcode, "Opcode", true},
	{SysKeywords, "Keywords", false},
	{SysUserID, "UserID", false},
	{SysProcessID, "ProcessID", true},
	{SysThreadID, "ThreadID", true},
}
