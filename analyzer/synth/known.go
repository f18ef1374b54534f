package synth

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// providerInfo is what synth knows of an event provider: its GUID, the
// channel it writes to and the System values its events carry.
type providerInfo struct {
	guid     evtxwriter.GUID
	channel  string
	level    uint8
	keywords uint64
	userID   string // the Security UserID the provider's events carry, if any
}

var (
	securityAuditing = providerInfo{
		guid:     mustGUID("{54849625-5478-4994-A5BA-3E3B0328C30D}"),
		channel:  event.SecurityChannel,
		level:    0,
		keywords: keywordsAuditSuccess,
	}
	sysmonProvider = providerInfo{
		guid:     mustGUID("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"),
		channel:  event.SysmonChannel,
		level:    4,
		keywords: 0x8000000000000000,
		userID:   "S-1-5-18",
	}
)

// Security-Auditing keywords: audit success and audit failure.
const (
	keywordsAuditSuccess = 0x8020000000000000
	keywordsAuditFailure = 0x8010000000000000
)

// knownProvider returns the provider info of a provider name, or of the
// provider of a channel when the name is empty.
func knownProvider(name, channel string) (string, *providerInfo) {
	switch {
	case name == event.SecurityProvider, name == "" && strings.EqualFold(channel, event.SecurityChannel):
		return event.SecurityProvider, &securityAuditing
	case name == event.SysmonProvider, name == "" && strings.EqualFold(channel, event.SysmonChannel):
		return event.SysmonProvider, &sysmonProvider
	}
	return name, nil
}

// securityTasks maps Security-Auditing event ids to their task (the audit
// subcategory), as Windows writes them.
var securityTasks = map[uint16]uint16{
	4608: 12288, 4616: 12288, 4624: 12544, 4625: 12544, 4634: 12545, 4647: 12545,
	4648: 12544, 4672: 12548, 4778: 12551, 4779: 12551, 4688: 13312, 4689: 13313, 4697: 12289, 4698: 12804,
	4720: 13824, 4732: 13826, 4798: 13824, 4799: 13826, 5140: 12808, 5145: 12811,
	5156: 12810, 5157: 12810, 5158: 12810, 1102: 104,
}

// securityFailures are the Security-Auditing events logged as audit
// failures.
var securityFailures = map[uint16]bool{4625: true, 5157: true, 5152: true}

// sysmonVersions are the event versions Sysmon 13 and later write.
var sysmonVersions = map[uint16]uint8{1: 5, 2: 5, 3: 5, 5: 3, 7: 3, 8: 2, 10: 3, 11: 2, 12: 2, 13: 2, 22: 5}

// dataTypes gives, for the EventData of known events, the value type of
// each name Windows writes with a type other than a string. Values of
// other names (and of other events) are strings. Declared types differ
// from value types only for process ids: SizeT declared, HexInt64 stored.
// The logon records have whole layouts instead (logon.go).
var dataTypes = map[string]map[string]evtxwriter.ValueType{
	"Security/4689": {"SubjectUserSid": evtxwriter.TypeSID, "SubjectLogonId": evtxwriter.TypeHexInt64,
		"Status": evtxwriter.TypeHexInt32, "ProcessId": evtxwriter.TypeSizeT},
	"Security/5156": {"ProcessID": evtxwriter.TypeUInt64, "Protocol": evtxwriter.TypeUInt32, "FilterRTID": evtxwriter.TypeUInt64,
		"LayerRTID": evtxwriter.TypeUInt64, "RemoteUserID": evtxwriter.TypeSID, "RemoteMachineID": evtxwriter.TypeSID},
	"Sysmon/3": {"ProcessGuid": evtxwriter.TypeGUID, "ProcessId": evtxwriter.TypeUInt32, "Initiated": evtxwriter.TypeBool,
		"SourceIsIpv6": evtxwriter.TypeBool, "SourcePort": evtxwriter.TypeUInt16, "DestinationIsIpv6": evtxwriter.TypeBool,
		"DestinationPort": evtxwriter.TypeUInt16},
	"Sysmon/5": {"ProcessGuid": evtxwriter.TypeGUID, "ProcessId": evtxwriter.TypeUInt32},
}

// dataTypesOf returns the type table of a provider's event, or nil.
func dataTypesOf(provider string, eventID uint16) map[string]evtxwriter.ValueType {
	var key string
	switch provider {
	case event.SecurityProvider:
		key = "Security/"
	case event.SysmonProvider:
		key = "Sysmon/"
	default:
		return nil
	}
	return dataTypes[key+itoa(uint64(eventID))]
}

func mustGUID(s string) evtxwriter.GUID {
	g, err := evtxwriter.ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}
