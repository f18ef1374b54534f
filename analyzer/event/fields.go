package event

import (
	"strconv"
	"strings"
)

// Field names one normalized field of a Process.
type Field uint8

// The fields, in the order JSON and CSV outputs print them.
const (
	FieldComputer Field = iota
	FieldChannel
	FieldProvider
	FieldEventID
	FieldVersion
	FieldEventRecordID
	FieldImage
	FieldOriginalFileName
	FieldCommandLine
	FieldCurrentDirectory
	FieldParentImage
	FieldParentCommandLine
	FieldProcessId
	FieldParentProcessId
	FieldProcessGuid
	FieldParentProcessGuid
	FieldUser
	FieldUserSid
	FieldLogonId
	FieldLogonGuid
	FieldTerminalSessionId
	FieldIntegrityLevel
	FieldTokenElevationType
	FieldTargetUser
	FieldTargetUserSid
	FieldTargetLogonId
	FieldMandatoryLabel
	FieldHashes
	FieldFileVersion
	FieldDescription
	FieldProduct
	FieldCompany
	FieldRuleName
	FieldParentUser
	FieldUtcTime
	NumFields
)

type kind uint8

const (
	kindString kind = iota
	kindNumber
)

type fieldSpec struct {
	name   string
	kind   kind
	always bool // identity fields every event carries
	str    func(*Process) *string
	getNum func(*Process) uint64
	setNum func(*Process, uint64)
}

var fields = [NumFields]fieldSpec{
	FieldComputer: {name: "Computer", always: true, str: func(p *Process) *string { return &p.Computer }},
	FieldChannel:  {name: "Channel", always: true, str: func(p *Process) *string { return &p.Channel }},
	FieldProvider: {name: "Provider", always: true, str: func(p *Process) *string { return &p.Provider }},
	FieldEventID: {name: "EventID", always: true, kind: kindNumber,
		getNum: func(p *Process) uint64 { return uint64(p.EventID) },
		setNum: func(p *Process, n uint64) { p.EventID = uint32(n) }},
	FieldVersion: {name: "Version", always: true, kind: kindNumber,
		getNum: func(p *Process) uint64 { return uint64(p.Version) },
		setNum: func(p *Process, n uint64) { p.Version = uint8(n) }},
	FieldEventRecordID: {name: "EventRecordID", always: true, kind: kindNumber,
		getNum: func(p *Process) uint64 { return p.EventRecordID },
		setNum: func(p *Process, n uint64) { p.EventRecordID = n }},
	FieldImage:             {name: "Image", str: func(p *Process) *string { return &p.Image }},
	FieldOriginalFileName:  {name: "OriginalFileName", str: func(p *Process) *string { return &p.OriginalFileName }},
	FieldCommandLine:       {name: "CommandLine", str: func(p *Process) *string { return &p.CommandLine }},
	FieldCurrentDirectory:  {name: "CurrentDirectory", str: func(p *Process) *string { return &p.CurrentDirectory }},
	FieldParentImage:       {name: "ParentImage", str: func(p *Process) *string { return &p.ParentImage }},
	FieldParentCommandLine: {name: "ParentCommandLine", str: func(p *Process) *string { return &p.ParentCommandLine }},
	FieldProcessId: {name: "ProcessId", kind: kindNumber,
		getNum: func(p *Process) uint64 { return p.ProcessId },
		setNum: func(p *Process, n uint64) { p.ProcessId = n }},
	FieldParentProcessId: {name: "ParentProcessId", kind: kindNumber,
		getNum: func(p *Process) uint64 { return p.ParentProcessId },
		setNum: func(p *Process, n uint64) { p.ParentProcessId = n }},
	FieldProcessGuid:        {name: "ProcessGuid", str: func(p *Process) *string { return &p.ProcessGuid }},
	FieldParentProcessGuid:  {name: "ParentProcessGuid", str: func(p *Process) *string { return &p.ParentProcessGuid }},
	FieldUser:               {name: "User", str: func(p *Process) *string { return &p.User }},
	FieldUserSid:            {name: "UserSid", str: func(p *Process) *string { return &p.UserSid }},
	FieldLogonId:            {name: "LogonId", str: func(p *Process) *string { return &p.LogonId }},
	FieldLogonGuid:          {name: "LogonGuid", str: func(p *Process) *string { return &p.LogonGuid }},
	FieldTerminalSessionId:  {name: "TerminalSessionId", str: func(p *Process) *string { return &p.TerminalSessionId }},
	FieldIntegrityLevel:     {name: "IntegrityLevel", str: func(p *Process) *string { return &p.IntegrityLevel }},
	FieldTokenElevationType: {name: "TokenElevationType", str: func(p *Process) *string { return &p.TokenElevationType }},
	FieldTargetUser:         {name: "TargetUser", str: func(p *Process) *string { return &p.TargetUser }},
	FieldTargetUserSid:      {name: "TargetUserSid", str: func(p *Process) *string { return &p.TargetUserSid }},
	FieldTargetLogonId:      {name: "TargetLogonId", str: func(p *Process) *string { return &p.TargetLogonId }},
	FieldMandatoryLabel:     {name: "MandatoryLabel", str: func(p *Process) *string { return &p.MandatoryLabel }},
	FieldHashes:             {name: "Hashes", str: func(p *Process) *string { return &p.Hashes }},
	FieldFileVersion:        {name: "FileVersion", str: func(p *Process) *string { return &p.FileVersion }},
	FieldDescription:        {name: "Description", str: func(p *Process) *string { return &p.Description }},
	FieldProduct:            {name: "Product", str: func(p *Process) *string { return &p.Product }},
	FieldCompany:            {name: "Company", str: func(p *Process) *string { return &p.Company }},
	FieldRuleName:           {name: "RuleName", str: func(p *Process) *string { return &p.RuleName }},
	FieldParentUser:         {name: "ParentUser", str: func(p *Process) *string { return &p.ParentUser }},
	FieldUtcTime:            {name: "UtcTime", str: func(p *Process) *string { return &p.UtcTime }},
}

// Name returns the Sigma field name of f.
func (f Field) Name() string { return fields[f].name }

// IsNumber reports whether f holds a number.
func (f Field) IsNumber() bool { return fields[f].kind == kindNumber }

// Fields returns every field in output order.
func Fields() []Field {
	out := make([]Field, NumFields)
	for i := range out {
		out[i] = Field(i)
	}
	return out
}

var byName = func() map[string]Field {
	m := make(map[string]Field, NumFields)
	for i := range fields {
		m[strings.ToLower(fields[i].name)] = Field(i)
	}
	return m
}()

// byExactName finds fields by their exact names, the common case, without
// lowering (and allocating) first.
var byExactName = func() map[string]Field {
	m := make(map[string]Field, NumFields)
	for i := range fields {
		m[fields[i].name] = Field(i)
	}
	return m
}()

// Lookup finds a field by its name, case-insensitively.
func Lookup(name string) (Field, bool) {
	if f, ok := byExactName[name]; ok {
		return f, true
	}
	f, ok := byName[strings.ToLower(name)]
	return f, ok
}

// FieldSet is a set of fields.
type FieldSet uint64

// With returns s with f added.
func (s FieldSet) With(f Field) FieldSet { return s | 1<<f }

// Contains reports whether f is in s; identity fields are always in.
func (s FieldSet) Contains(f Field) bool { return fields[f].always || s&(1<<f) != 0 }

// ParseNumber reads a decimal or 0x-prefixed hexadecimal unsigned number,
// as Windows renders process ids and logon ids. Text longer than any
// number is refused before strconv sees it: its error would copy the
// text, and the text comes from the evidence.
func ParseNumber(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	base := 10
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s, base = s[2:], 16
	}
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	if len(s) > 20 { // the digits of the largest uint64
		return 0, false
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// FormatHex renders n in Windows' short hex form, "0x3e7".
func FormatHex(n uint64) string { return "0x" + strconv.FormatUint(n, 16) }

func formatUint(n uint64) string { return strconv.FormatUint(n, 10) }
