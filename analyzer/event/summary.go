package event

import (
	"strings"
	"unicode/utf8"
)

// summaryFields lists, per event id and channel, the payload items that
// say what a record is about, with the label each gets in a summary. The
// channel is matched case-insensitively as a suffix ("Operational" logs
// are named in full); "" matches any channel.
var summaryFields = map[uint32][]summarySpec{
	// Security
	1102: {spec("Security", `SubjectDomainName\SubjectUserName`, "cleared the log")},
	4624: {spec("Security", `TargetDomainName\TargetUserName`, "type=LogonType", "from=IpAddress", "workstation=WorkstationName", "logon id=TargetLogonId")},
	4625: {spec("Security", `TargetDomainName\TargetUserName`, "type=LogonType", "from=IpAddress", "workstation=WorkstationName", "status=Status", "sub status=SubStatus")},
	4634: {spec("Security", `TargetDomainName\TargetUserName`, "logon id=TargetLogonId")},
	4647: {spec("Security", `TargetDomainName\TargetUserName`, "logon id=TargetLogonId")},
	4648: {spec("Security", `SubjectDomainName\SubjectUserName`, `as=TargetDomainName\TargetUserName`, "on=TargetServerName", "by=ProcessName", "from=IpAddress")},
	4672: {spec("Security", `SubjectDomainName\SubjectUserName`, "privileges=PrivilegeList")},
	4697: {spec("Security", "ServiceName", "image=ServiceFileName", "by=SubjectUserName")},
	4698: {spec("Security", "TaskName", "by=SubjectUserName")},
	4702: {spec("Security", "TaskName", "by=SubjectUserName")},
	4720: {spec("Security", `TargetDomainName\TargetUserName`, "created by=SubjectUserName")},
	4722: {spec("Security", `TargetDomainName\TargetUserName`, "enabled by=SubjectUserName")},
	4724: {spec("Security", `TargetDomainName\TargetUserName`, "password reset by=SubjectUserName")},
	4728: {spec("Security", "MemberName", "member sid=MemberSid", "added to=TargetUserName", "by=SubjectUserName")},
	4732: {spec("Security", "MemberName", "member sid=MemberSid", "added to=TargetUserName", "by=SubjectUserName")},
	4756: {spec("Security", "MemberName", "member sid=MemberSid", "added to=TargetUserName", "by=SubjectUserName")},
	4768: {spec("Security", "TargetUserName", "from=IpAddress", "encryption=TicketEncryptionType", "pre-auth=PreAuthType")},
	4769: {spec("Security", "TargetUserName", "service=ServiceName", "from=IpAddress", "encryption=TicketEncryptionType")},
	4771: {spec("Security", "TargetUserName", "from=IpAddress", "status=Status")},
	4776: {spec("Security", "TargetUserName", "from=Workstation", "status=Status")},
	4662: {spec("Security", "SubjectUserName", "object=ObjectName", "properties=Properties")},
	4719: {spec("Security", "SubjectUserName", "subcategory=SubcategoryGuid", "changes=AuditPolicyChanges")},
	4778: {spec("Security", `AccountDomain\AccountName`, "from=ClientAddress", "client=ClientName", "logon id=LogonID")},
	4779: {spec("Security", `AccountDomain\AccountName`, "from=ClientAddress", "client=ClientName", "logon id=LogonID")},
	5136: {spec("Security", "SubjectUserName", "changed=ObjectDN", "attribute=AttributeLDAPDisplayName", "to=AttributeValue")},
	5140: {spec("Security", "SubjectUserName", "share=ShareName", "from=IpAddress")},
	5145: {spec("Security", "SubjectUserName", "share=ShareName", "path=RelativeTargetName", "from=IpAddress")},
	// System
	104:  {spec("System", `SubjectDomainName\SubjectUserName`, "cleared=Channel")},
	7045: {spec("System", "ServiceName", "image=ImagePath", "start=StartType", "account=AccountName")},
	7040: {spec("System", "param1", "start type from=param2", "to=param3")},
	7036: {spec("System", "param1", "is=param2")},
	// PowerShell
	4104: {spec("PowerShell/Operational", "ScriptBlockText", "path=Path")},
	4103: {spec("PowerShell/Operational", "Payload", "context=ContextInfo")},
	// Sysmon
	3:  {spec("Sysmon/Operational", "Image", "to=DestinationIp:DestinationPort", "host=DestinationHostname")},
	7:  {spec("Sysmon/Operational", "Image", "loaded=ImageLoaded", "signed=Signed")},
	8:  {spec("Sysmon/Operational", "SourceImage", "thread in=TargetImage")},
	10: {spec("Sysmon/Operational", "SourceImage", "opened=TargetImage", "access=GrantedAccess")},
	11: {spec("Sysmon/Operational", "Image", "created=TargetFilename")},
	12: {spec("Sysmon/Operational", "Image", "EventType", "TargetObject")},
	13: {spec("Sysmon/Operational", "Image", "set=TargetObject", "to=Details")},
	14: {spec("Sysmon/Operational", "Image", "renamed=TargetObject", "to=NewName")},
	15: {spec("Sysmon/Operational", "Image", "stream=TargetFilename")},
	17: {spec("Sysmon/Operational", "Image", "created pipe=PipeName")},
	18: {spec("Sysmon/Operational", "Image", "connected to pipe=PipeName")},
	22: {spec("Sysmon/Operational", "Image", "queried=QueryName", "result=QueryResults")},
	23: {spec("Sysmon/Operational", "Image", "deleted=TargetFilename")},
	25: {spec("Sysmon/Operational", "Image", "tampering=Type")},
	// Defender
	1116: {spec("Windows Defender/Operational", "Threat Name", "in=Path", "process=Process Name")},
	1117: {spec("Windows Defender/Operational", "Threat Name", "action=Action Name", "in=Path")},
	5007: {spec("Windows Defender/Operational", "from=Old Value", "to=New Value")},
	// Task Scheduler
	106: {spec("TaskScheduler/Operational", "TaskName", "registered by=UserContext")},
	200: {spec("TaskScheduler/Operational", "TaskName", "ran=ActionName")},
	201: {spec("TaskScheduler/Operational", "TaskName", "finished=ActionName")},
	// WMI
	5861: {spec("WMI-Activity/Operational", "Namespace", "consumer=CONSUMER", "cause=PossibleCause")},
}

// summarySpec is a summary of one event id on the channels ending in
// channel: its parts in order.
type summarySpec struct {
	channel string
	parts   []summaryPart
}

// summaryPart is one part of a summary: a label, then one item's value or
// two items' values joined by sep (DOMAIN\name, address:port). A part
// whose items are empty or "-" is left out with its label; a part with no
// item is a word written when something precedes it.
type summaryPart struct {
	label        string
	item1, item2 string
	sep          string
}

// spec builds a summary from parts written "label=Item", "Item",
// `Domain\Name` or "Address:Port"; a part that starts with a lower case
// word and has no "=" is a plain word.
func spec(channel string, parts ...string) summarySpec {
	out := summarySpec{channel: channel}
	for _, p := range parts {
		var sp summaryPart
		label, expr, hasLabel := strings.Cut(p, "=")
		if !hasLabel {
			label, expr = "", p
		}
		sp.label = label
		for _, sep := range []string{`\`, ":"} {
			if a, b, ok := strings.Cut(expr, sep); ok && isItemName(a) && isItemName(b) {
				sp.item1, sp.item2, sp.sep = a, b, sep
				break
			}
		}
		if sp.item1 == "" {
			if isItemName(expr) {
				sp.item1 = expr
			} else {
				sp.label = expr
			}
		}
		out.parts = append(out.parts, sp)
	}
	return out
}

func isItemName(s string) bool {
	if strings.HasPrefix(s, "param") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return 'A' <= r && r <= 'Z'
}

// maxSummary bounds a summary, in bytes.
const maxSummary = 400

// Summary returns a one-line description of the record for tables and
// timeline tools: the items that matter for its channel and event id
// (7045: service name and image path; 4104: the start of the script
// block; 4624: user, logon type and source; Sysmon 10: source image,
// target image and access mask; ...), or else its first payload items as
// name=value. Newlines and tabs become spaces; it is cut to 400 bytes.
func Summary(e *Event) string {
	var b strings.Builder
	if spec := summaryFor(e); spec != nil {
		writeSpec(&b, e, spec.parts)
	}
	if b.Len() == 0 {
		for i, it := range e.Items {
			if b.Len() >= maxSummary {
				break
			}
			if it.Value == "" || it.Value == "-" {
				continue
			}
			if i > 0 && b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString(it.Name)
			b.WriteString("=")
			b.WriteString(it.Value)
		}
	}
	return oneLine(b.String(), maxSummary)
}

func summaryFor(e *Event) *summarySpec {
	for i, s := range summaryFields[e.EventID] {
		if s.channel == "" || hasSuffixFold(e.Channel, s.channel) {
			return &summaryFields[e.EventID][i]
		}
	}
	return nil
}

// writeSpec writes the parts of a summary separated by spaces.
func writeSpec(b *strings.Builder, e *Event, parts []summaryPart) {
	for _, p := range parts {
		v := itemText(e, p.item1)
		if p.item2 != "" {
			v2 := itemText(e, p.item2)
			switch {
			case v != "" && v2 != "":
				v = v + p.sep + v2
			case v2 != "":
				v = v2
			}
		}
		if p.item1 != "" && v == "" {
			continue
		}
		if p.item1 == "" && b.Len() == 0 {
			continue // a word with nothing before it
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if p.label != "" {
			b.WriteString(p.label)
			if p.item1 != "" {
				b.WriteByte(' ')
			}
		}
		b.WriteString(v)
	}
}

// itemText returns the value of item name, "" when absent or "-".
func itemText(e *Event, name string) string {
	if name == "" {
		return ""
	}
	v, _ := e.Get(name)
	if v == "-" {
		return ""
	}
	return v
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// oneLine replaces line breaks and tabs with spaces and cuts s to at most
// limit bytes at a rune boundary, marking the cut with an ellipsis.
func oneLine(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n', '\t':
			return ' '
		}
		return r
	}, s)
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
