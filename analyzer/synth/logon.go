package synth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// The EventData layouts of the Security logon records, as Windows writes
// them: names, order and value types (from the Security-Auditing
// manifest, checked against the corpus' logs). A line gives any of these
// names in "EventData"; the others get values derived from the line (see
// logonDefaults), and a name the layout does not have is an error.

// slot is one EventData value of a layout.
type slot struct {
	name string
	typ  evtxwriter.ValueType // TypeSizeT: a process id, stored as HexInt64
}

func strSlot(name string) slot   { return slot{name, evtxwriter.TypeString} }
func sidSlot(name string) slot   { return slot{name, evtxwriter.TypeSID} }
func hex64Slot(name string) slot { return slot{name, evtxwriter.TypeHexInt64} }
func u32Slot(name string) slot   { return slot{name, evtxwriter.TypeUInt32} }
func guidSlot(name string) slot  { return slot{name, evtxwriter.TypeGUID} }

// pidSlot is a process id: declared SizeT, stored HexInt64 (see
// dataList.pid).
var pidSlot = slot{"ProcessId", evtxwriter.TypeSizeT}

// subjectSlots are the four values naming the account that logged the
// record.
var subjectSlots = []slot{sidSlot("SubjectUserSid"), strSlot("SubjectUserName"), strSlot("SubjectDomainName"), hex64Slot("SubjectLogonId")}

// logon4624v0 is 4624 version 0 (Windows Vista to 8); version 1 adds
// ImpersonationLevel, version 2 (Windows 10 and later) the rest.
var logon4624v0 = slices.Concat(subjectSlots, []slot{
	sidSlot("TargetUserSid"), strSlot("TargetUserName"), strSlot("TargetDomainName"), hex64Slot("TargetLogonId"),
	u32Slot("LogonType"), strSlot("LogonProcessName"), strSlot("AuthenticationPackageName"), strSlot("WorkstationName"),
	guidSlot("LogonGuid"), strSlot("TransmittedServices"), strSlot("LmPackageName"), u32Slot("KeyLength"), pidSlot,
	strSlot("ProcessName"), strSlot("IpAddress"), strSlot("IpPort"),
})

var logon4624v2Extra = []slot{strSlot("RestrictedAdminMode"), strSlot("TargetOutboundUserName"), strSlot("TargetOutboundDomainName"),
	strSlot("VirtualAccount"), hex64Slot("TargetLinkedLogonId"), strSlot("ElevatedToken")}

// logonLayouts are the layouts by event id and version.
var logonLayouts = map[uint16]map[uint8][]slot{
	4624: {
		0: logon4624v0,
		1: slices.Concat(logon4624v0, []slot{strSlot("ImpersonationLevel")}),
		2: slices.Concat(logon4624v0, []slot{strSlot("ImpersonationLevel")}, logon4624v2Extra),
	},
	4625: {0: slices.Concat(subjectSlots, []slot{
		sidSlot("TargetUserSid"), strSlot("TargetUserName"), strSlot("TargetDomainName"),
		{"Status", evtxwriter.TypeHexInt32}, strSlot("FailureReason"), {"SubStatus", evtxwriter.TypeHexInt32},
		u32Slot("LogonType"), strSlot("LogonProcessName"), strSlot("AuthenticationPackageName"), strSlot("WorkstationName"),
		strSlot("TransmittedServices"), strSlot("LmPackageName"), u32Slot("KeyLength"), pidSlot, strSlot("ProcessName"),
		strSlot("IpAddress"), strSlot("IpPort"),
	})},
	4634: {0: {sidSlot("TargetUserSid"), strSlot("TargetUserName"), strSlot("TargetDomainName"), hex64Slot("TargetLogonId"), u32Slot("LogonType")}},
	4647: {0: {sidSlot("TargetUserSid"), strSlot("TargetUserName"), strSlot("TargetDomainName"), hex64Slot("TargetLogonId")}},
	4648: {0: slices.Concat(subjectSlots, []slot{
		guidSlot("LogonGuid"), strSlot("TargetUserName"), strSlot("TargetDomainName"), guidSlot("TargetLogonGuid"),
		strSlot("TargetServerName"), strSlot("TargetInfo"), pidSlot, strSlot("ProcessName"), strSlot("IpAddress"), strSlot("IpPort"),
	})},
	4672: {0: slices.Concat(subjectSlots, []slot{strSlot("PrivilegeList")})},
	4778: {0: rdpSlots},
	4779: {0: rdpSlots},
}

var rdpSlots = []slot{strSlot("AccountName"), strSlot("AccountDomain"), hex64Slot("LogonID"), strSlot("SessionName"), strSlot("ClientName"), strSlot("ClientAddress")}

// logonVersions are the versions written when a line states none.
var logonVersions = map[uint16]uint8{4624: 2}

// hasLogonLayout reports whether a Security record of this id has a
// layout here.
func hasLogonLayout(eventID uint16) bool {
	_, ok := logonLayouts[eventID]
	return ok
}

// logonData returns the EventData of a Security logon record: the line's
// values in the layout's order and types, the others derived.
func (c *converter) logonData(l *Line, ev *evtxwriter.Event) ([]evtxwriter.Data, error) {
	for f := event.FieldImage; f < event.NumFields; f++ {
		if l.P.Has&(1<<f) != 0 {
			return nil, fmt.Errorf("field %s applies to process events only (Security 4688, Sysmon 1); give other events' values in EventData", f.Name())
		}
	}
	versions := logonLayouts[ev.EventID]
	if l.given&givenVersion == 0 {
		ev.Version = logonVersions[ev.EventID]
	}
	layout, ok := versions[ev.Version]
	if !ok {
		return nil, fmt.Errorf("security %d version %d is not supported (%s)", ev.EventID, ev.Version, versionList(versions))
	}
	x := newLogonContext(l, ev, layout)
	for _, v := range l.Data {
		if _, ok := x.slots[v.Name]; !ok {
			return nil, fmt.Errorf("EventData %s is not part of a Security %d version %d record (it has %s)",
				v.Name, ev.EventID, ev.Version, slotNames(layout))
		}
	}
	d := newDataList(len(layout))
	for _, sl := range layout {
		v, given := x.given[sl.name]
		if !given {
			v = DataValue{Name: sl.name, Value: x.value(sl.name)}
		}
		d.typed(v, sl.typ)
	}
	if d.err != nil {
		return nil, fmt.Errorf("EventData %w", d.err)
	}
	if x.missing != "" {
		return nil, fmt.Errorf("a Security %d record needs %s in EventData", ev.EventID, x.missing)
	}
	return d.list, nil
}

func versionList(versions map[uint8][]slot) string {
	list := make([]string, 0, len(versions))
	for v := range versions {
		list = append(list, itoa(uint64(v)))
	}
	slices.Sort(list)
	if len(list) == 1 {
		return "version " + list[0] + " is"
	}
	return "versions " + strings.Join(list, ", ") + " are"
}

func slotNames(layout []slot) string {
	names := make([]string, len(layout))
	for i, sl := range layout {
		names[i] = sl.name
	}
	return strings.Join(names, ", ")
}
