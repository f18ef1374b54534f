package sigma

import (
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// accountPart selects a part of a DOMAIN\name account field, so the 4688
// names SubjectUserName and SubjectDomainName can be matched against the
// joined User field.
type accountPart uint8

const (
	wholeValue accountPart = iota
	accountDomain
	accountName
)

// fieldRef is a field name of a rule, resolved against event.Process
// (field, known, part) and prepared for lookups in general events (lower,
// sys, data).
type fieldRef struct {
	name  string // as written in the rule
	lower string // name in lower case
	field event.Field
	known bool // false: a process event never carries it
	part  accountPart
	any   bool     // keyword search: every string field of the event
	sys   sysValue // the System value of this name, if any
	data  bool     // "Data": also the unnamed Data_N items of a general event
}

// aliases4688 maps the EventData names of Security 4688 (and the System
// attribute names Sigma's field naming rule produces) onto the normalized
// fields. Sigma names win where both use one name: ProcessId is the new
// process in Sigma and the creator in 4688, and rules use Sigma's meaning.
var aliases4688 = map[string]fieldRef{
	"newprocessname":     {field: event.FieldImage},
	"parentprocessname":  {field: event.FieldParentImage},
	"newprocessid":       {field: event.FieldProcessId},
	"subjectusersid":     {field: event.FieldUserSid},
	"subjectlogonid":     {field: event.FieldLogonId},
	"subjectusername":    {field: event.FieldUser, part: accountName},
	"subjectdomainname":  {field: event.FieldUser, part: accountDomain},
	"targetusername":     {field: event.FieldTargetUser, part: accountName},
	"targetdomainname":   {field: event.FieldTargetUser, part: accountDomain},
	"processcommandline": {field: event.FieldCommandLine},
	"provider_name":      {field: event.FieldProvider},
	"eventrecordid":      {field: event.FieldEventRecordID},
}

// resolveField looks a rule's field name up: Sigma names of event.Process
// first, then the 4688 aliases, case-insensitively. An unknown name
// resolves to a reference the event never carries.
func resolveField(name string) fieldRef {
	lower := strings.ToLower(name)
	ref := fieldRef{name: name}
	if f, ok := event.Lookup(name); ok {
		ref.field, ref.known = f, true
	} else if alias, ok := aliases4688[lower]; ok {
		ref = alias
		ref.name, ref.known = name, true
	}
	ref.lower, ref.sys, ref.data = lower, systemValueOf(lower), lower == "data"
	return ref
}

// knownFieldNames lists every name resolveField knows, for suggestions.
func knownFieldNames() []string {
	names := make([]string, 0, int(event.NumFields)+len(aliases4688))
	for _, f := range event.Fields() {
		names = append(names, f.Name())
	}
	return append(names, "NewProcessName", "ParentProcessName", "NewProcessId",
		"SubjectUserSid", "SubjectLogonId", "SubjectUserName", "SubjectDomainName",
		"TargetUserName", "TargetDomainName", "ProcessCommandLine", "Provider_Name", "EventRecordID")
}

// value is one field of one event as a matcher sees it. It is passed by
// value so that matchers, called through an interface, do not make it
// escape to the heap.
type value struct {
	present bool
	isNum   bool
	num     uint64
	str     string // the text of a string field
}

// text returns the value as a string; numbers render in decimal.
func (v value) text() string {
	if v.isNum {
		return strconv.FormatUint(v.num, 10)
	}
	return v.str
}

// number returns the value as a number: numeric fields directly, string
// fields when they hold a decimal or 0x-hex number.
func (v value) number() (uint64, bool) {
	if v.isNum {
		return v.num, true
	}
	return event.ParseNumber(v.str)
}

// get reads the field from the record.
func (r *fieldRef) get(rec record) value {
	if rec.p == nil {
		return r.getEvent(rec.e, rec.eq)
	}
	return r.getProcess(rec.p)
}

// getProcess reads the field from p.
func (r *fieldRef) getProcess(p *event.Process) value {
	if !r.known || !p.Has.Contains(r.field) {
		return value{}
	}
	if r.field.IsNumber() {
		n, _ := p.Number(r.field)
		return value{present: true, isNum: true, num: n}
	}
	s, _ := p.Get(r.field)
	switch r.part {
	case accountDomain:
		d, _, ok := strings.Cut(s, `\`)
		if !ok {
			d = ""
		}
		s = d
	case accountName:
		if _, n, ok := strings.Cut(s, `\`); ok {
			s = n
		}
	}
	return value{present: true, str: s}
}

// stringFields are the fields a keyword search looks at.
var stringFields = func() []event.Field {
	var out []event.Field
	for _, f := range event.Fields() {
		if !f.IsNumber() {
			out = append(out, f)
		}
	}
	return out
}()

// numberLike reports whether values of the field are numbers, so a plain
// numeric rule value is compared numerically: the numeric fields, and the
// logon ids Windows renders in hex.
func (r *fieldRef) numberLike() bool {
	if !r.known || r.part != wholeValue {
		return false
	}
	switch r.field {
	case event.FieldLogonId, event.FieldTargetLogonId:
		return true
	}
	return r.field.IsNumber()
}
