package sigma

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// equivalent describes how the Security log records one Sysmon category:
// which of its records belong to the category (where) and where the
// category's Sigma fields are in the record (fields, by lower-cased Sigma
// name). A Sigma field the table does not name is looked up in the record
// as it is written; one the record does not have is absent.
type equivalent struct {
	name   string // for messages and documentation: "Security 4657"
	where  func(e *event.Event) bool
	fields map[string]fieldSource
}

// fieldSource is where one Sigma field is in a Security record: a payload
// item, or a value derived from several.
type fieldSource struct {
	item   string
	derive func(e *event.Event) (string, bool)
}

// get reads the field from e.
func (fs fieldSource) get(e *event.Event) value {
	var s string
	var ok bool
	if fs.derive != nil {
		s, ok = fs.derive(e)
	} else {
		s, ok = lookupItem(e.Items, fs.item)
	}
	if !ok {
		return value{}
	}
	return value{present: true, str: s}
}

// accepts reports whether e is a record of the equivalent's category.
func (q *equivalent) accepts(e *event.Event) bool { return q.where == nil || q.where(e) }

// Security 4657 ("A registry value was modified") OperationType values,
// as message references: a new value, a changed value, a deleted value.
const (
	regValueCreated  = "%%1904"
	regValueModified = "%%1905"
	regValueDeleted  = "%%1906"
)

// registryFields maps the Sysmon registry fields onto 4657: TargetObject
// is the key (\REGISTRY\MACHINE and \REGISTRY\USER written HKLM and HKU,
// as Sysmon does) and the value name joined by a backslash; Details the
// new value; EventType SetValue or DeleteValue from OperationType.
var registryFields = map[string]fieldSource{
	"targetobject": {derive: registryTarget},
	"details":      {item: "NewValue"},
	"eventtype":    {derive: registryEventType},
	"image":        {item: "ProcessName"},
	"user":         {derive: subjectUser},
}

func operationIs(types ...string) func(e *event.Event) bool {
	return func(e *event.Event) bool {
		op, ok := lookupItem(e.Items, "OperationType")
		if !ok {
			return false
		}
		for _, t := range types {
			if op == t {
				return true
			}
		}
		return false
	}
}

var (
	registrySet4657    = equivalent{name: "Security 4657", where: operationIs(regValueCreated, regValueModified), fields: registryFields}
	registryAdd4657    = equivalent{name: "Security 4657", where: operationIs(regValueCreated), fields: registryFields}
	registryDelete4657 = equivalent{name: "Security 4657", where: operationIs(regValueDeleted), fields: registryFields}
	registryEvent4657  = equivalent{name: "Security 4657", fields: registryFields}
)

// network5156 reads Security 5156 ("The Windows Filtering Platform has
// permitted a connection") as a Sysmon network connection. Application is
// a device path (\device\harddiskvolume2\windows\...), so Image|endswith
// works and Image|startswith 'C:\' does not.
var network5156 = equivalent{name: "Security 5156", fields: map[string]fieldSource{
	"image":           {item: "Application"},
	"sourceip":        {item: "SourceAddress"},
	"destinationip":   {item: "DestAddress"},
	"destinationport": {item: "DestPort"},
	"initiated":       {derive: networkInitiated},
	"protocol":        {derive: networkProtocol},
}}

// termination4689 reads Security 4689 ("A process has exited") as a
// Sysmon process termination.
var termination4689 = equivalent{name: "Security 4689", fields: map[string]fieldSource{
	"image": {item: "ProcessName"},
	"user":  {derive: subjectUser},
}}

// registryTarget renders 4657's ObjectName and ObjectValueName the way
// Sysmon writes TargetObject.
func registryTarget(e *event.Event) (string, bool) {
	key, ok := lookupItem(e.Items, "ObjectName")
	if !ok {
		return "", false
	}
	for _, h := range [...]struct{ long, short string }{{`\REGISTRY\MACHINE`, "HKLM"}, {`\REGISTRY\USER`, "HKU"}} {
		if len(key) >= len(h.long) && strings.EqualFold(key[:len(h.long)], h.long) &&
			(len(key) == len(h.long) || key[len(h.long)] == '\\') {
			key = h.short + key[len(h.long):]
			break
		}
	}
	if name, ok := lookupItem(e.Items, "ObjectValueName"); ok && name != "" && name != "-" {
		return key + `\` + name, true
	}
	return key, true
}

func registryEventType(e *event.Event) (string, bool) {
	switch op, _ := lookupItem(e.Items, "OperationType"); op {
	case regValueCreated, regValueModified:
		return "SetValue", true
	case regValueDeleted:
		return "DeleteValue", true
	}
	return "", false
}

// subjectUser joins SubjectDomainName and SubjectUserName as Sysmon's
// User (DOMAIN\name).
func subjectUser(e *event.Event) (string, bool) {
	name, ok := lookupItem(e.Items, "SubjectUserName")
	if !ok {
		return "", false
	}
	if dom, ok := lookupItem(e.Items, "SubjectDomainName"); ok && dom != "" {
		return dom + `\` + name, true
	}
	return name, true
}

// networkInitiated renders 5156's Direction (%%14593 outbound, %%14592
// inbound) as Sysmon's Initiated.
func networkInitiated(e *event.Event) (string, bool) {
	switch d, _ := lookupItem(e.Items, "Direction"); d {
	case "%%14593":
		return "true", true
	case "%%14592":
		return "false", true
	}
	return "", false
}

// networkProtocol renders 5156's IANA protocol number as Sysmon names it.
func networkProtocol(e *event.Event) (string, bool) {
	p, ok := lookupItem(e.Items, "Protocol")
	switch {
	case !ok:
		return "", false
	case p == "6":
		return "tcp", true
	case p == "17":
		return "udp", true
	}
	return p, true
}
