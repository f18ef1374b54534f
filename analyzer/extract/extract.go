package extract

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Builder assembles one Process from a record's System values and its
// EventData name/value pairs. The zero value is not usable: call Begin.
type Builder struct {
	P event.Process

	subjectUser, subjectDomain string
	targetUser, targetDomain   string
}

// Begin starts a new event; the record identity fields must be set on
// b.P by the caller (Timestamp, Computer, Channel, Provider, EventID,
// Version, EventRecordID, SourceFile) after or before this call.
func (b *Builder) Begin() {
	*b = Builder{}
}

// security4688 maps 4688 EventData names onto fields. Names handled
// specially (subject and target account parts) are not in it.
var security4688 = map[string]event.Field{
	"SubjectUserSid":     event.FieldUserSid,
	"SubjectLogonId":     event.FieldLogonId,
	"NewProcessId":       event.FieldProcessId,
	"NewProcessName":     event.FieldImage,
	"TokenElevationType": event.FieldTokenElevationType,
	"ProcessId":          event.FieldParentProcessId,
	"CommandLine":        event.FieldCommandLine,
	"TargetUserSid":      event.FieldTargetUserSid,
	"TargetLogonId":      event.FieldTargetLogonId,
	"ParentProcessName":  event.FieldParentImage,
	"MandatoryLabel":     event.FieldMandatoryLabel,
}

// Data adds one EventData value. Unknown names are ignored: newer versions
// of either source may add fields evtxhunt does not normalize.
func (b *Builder) Data(name, value string) {
	if b.P.EventID == event.SecurityProcessCreate {
		b.security(name, value)
		return
	}
	b.sysmon(name, value)
}

func (b *Builder) security(name, value string) {
	switch name {
	case "SubjectUserName":
		b.subjectUser = value
		return
	case "SubjectDomainName":
		b.subjectDomain = value
		return
	case "TargetUserName":
		b.targetUser = value
		return
	case "TargetDomainName":
		b.targetDomain = value
		return
	}
	if f, ok := security4688[name]; ok {
		b.set(f, value)
	}
}

func (b *Builder) sysmon(name, value string) {
	f, ok := event.Lookup(name)
	if !ok || f.Name() != name || f <= event.FieldEventRecordID {
		return
	}
	b.set(f, value)
}

func (b *Builder) set(f event.Field, value string) {
	switch f {
	case event.FieldLogonId, event.FieldTargetLogonId:
		if n, ok := event.ParseNumber(value); ok {
			value = event.FormatHex(n)
		}
	case event.FieldProcessGuid, event.FieldParentProcessGuid, event.FieldLogonGuid:
		value = NormalizeGUID(value)
	}
	b.P.Set(f, value)
}

// Finish completes the event: joins account names and derives the
// integrity level of 4688 events. It returns the finished event.
func (b *Builder) Finish() *event.Process {
	p := &b.P
	if p.EventID == event.SecurityProcessCreate {
		if b.subjectUser != "" || b.subjectDomain != "" {
			p.Set(event.FieldUser, joinAccount(b.subjectDomain, b.subjectUser))
		}
		if b.targetUser != "" || b.targetDomain != "" {
			p.Set(event.FieldTargetUser, joinAccount(b.targetDomain, b.targetUser))
		}
		if level, ok := IntegrityLevel(p.MandatoryLabel); ok {
			p.Set(event.FieldIntegrityLevel, level)
		}
	}
	return p
}

func joinAccount(domain, user string) string {
	if domain == "" || domain == "-" {
		return user
	}
	return domain + `\` + user
}

// IntegrityLevel names the mandatory label SID of a token (S-1-16-RID), as
// Sysmon names the same levels.
func IntegrityLevel(sid string) (string, bool) {
	rid, ok := strings.CutPrefix(strings.ToUpper(sid), "S-1-16-")
	if !ok {
		return "", false
	}
	switch rid {
	case "0":
		return "Untrusted", true
	case "4096":
		return "Low", true
	case "8192":
		return "Medium", true
	case "8448":
		return "MediumPlus", true
	case "12288":
		return "High", true
	case "16384":
		return "System", true
	case "20480":
		return "Protected", true
	}
	return "", false
}

// NormalizeGUID renders a GUID in Windows' form: upper case, in braces.
func NormalizeGUID(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	return "{" + strings.ToUpper(s) + "}"
}
