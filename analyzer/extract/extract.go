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

// Data adds one EventData value. Unknown names are ignored: newer versions
// of either source may add fields evtxhunt does not normalize.
func (b *Builder) Data(name, value string) {
	if b.P.EventID == event.SecurityProcessCreate {
		b.security(name, value)
		return
	}
	b.sysmon(name, value)
}

// security maps a 4688 EventData value onto its field; the account name
// parts are joined in Finish. A switch: the compiler's comparisons by
// length and bytes cost less than hashing each name into a map.
func (b *Builder) security(name, value string) {
	var f event.Field
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
	case "SubjectUserSid":
		f = event.FieldUserSid
	case "SubjectLogonId":
		f = event.FieldLogonId
	case "NewProcessId":
		f = event.FieldProcessId
	case "NewProcessName":
		f = event.FieldImage
	case "TokenElevationType":
		f = event.FieldTokenElevationType
	case "ProcessId":
		f = event.FieldParentProcessId
	case "CommandLine":
		f = event.FieldCommandLine
	case "TargetUserSid":
		f = event.FieldTargetUserSid
	case "TargetLogonId":
		f = event.FieldTargetLogonId
	case "ParentProcessName":
		f = event.FieldParentImage
	case "MandatoryLabel":
		f = event.FieldMandatoryLabel
	default:
		return
	}
	b.set(f, value)
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
		if n, ok := event.ParseNumber(value); ok && !isHexOf(value, n) {
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

// isHexOf reports whether s is already event.FormatHex(n): "0x" and n's
// lower-case hex digits without leading zeros, as Windows writes logon
// ids. Such a value is kept, not formatted again.
func isHexOf(s string, n uint64) bool {
	digits := 1
	for m := n >> 4; m != 0; m >>= 4 {
		digits++
	}
	if len(s) != 2+digits || s[0] != '0' || s[1] != 'x' {
		return false
	}
	for i := len(s) - 1; i >= 2; i-- {
		if s[i] != "0123456789abcdef"[n&15] {
			return false
		}
		n >>= 4
	}
	return true
}
