package sessions

import (
	"strconv"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// AppendJSON appends the session as one JSON object with the field names
// of Session, in its order: LogonId, User, LogonType, LogonTypeName,
// IpAddress, IpPort, WorkstationName, AuthenticationPackageName,
// LogonProcessName, LogonTime, LogoffTime, Elevated, Privileges,
// LinkedLogonId, ClientAddress, ClientName, EventRecordIDs, Known,
// ExplicitCredentials, Logoffs. What the logs did not say is left out
// (LogoffTime, LinkedLogonId, the RDP client, empty lists). A session
// without a 4624 is {"LogonId":…,"Known":false}, with "User" for the
// built-in accounts. Times are UTC with 100 ns digits, as in event JSON.
func (s *Session) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"LogonId":`...)
	dst = event.AppendJSONString(dst, s.LogonId)
	if !s.Known {
		if s.User != "" {
			dst = appendField(dst, "User", s.User)
		}
		return append(dst, `,"Known":false}`...)
	}
	dst = appendField(dst, "User", s.User)
	dst = append(dst, `,"LogonType":`...)
	dst = strconv.AppendUint(dst, uint64(s.LogonType), 10)
	dst = appendField(dst, "LogonTypeName", s.LogonTypeName)
	dst = appendField(dst, "IpAddress", s.IpAddress)
	dst = appendField(dst, "IpPort", s.IpPort)
	dst = appendField(dst, "WorkstationName", s.WorkstationName)
	dst = appendField(dst, "AuthenticationPackageName", s.AuthenticationPackageName)
	dst = appendField(dst, "LogonProcessName", s.LogonProcessName)
	dst = appendTime(dst, "LogonTime", s.LogonTime)
	if !s.LogoffTime.IsZero() {
		dst = appendTime(dst, "LogoffTime", s.LogoffTime)
	}
	dst = append(dst, `,"Elevated":`...)
	dst = strconv.AppendBool(dst, s.Elevated)
	if len(s.Privileges) > 0 {
		dst = append(dst, `,"Privileges":[`...)
		for i, p := range s.Privileges {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = event.AppendJSONString(dst, p)
		}
		dst = append(dst, ']')
	}
	for _, f := range [...]struct{ key, value string }{
		{"LinkedLogonId", s.LinkedLogonId}, {"ClientAddress", s.ClientAddress}, {"ClientName", s.ClientName},
	} {
		if f.value != "" {
			dst = appendField(dst, f.key, f.value)
		}
	}
	dst = append(dst, `,"EventRecordIDs":[`...)
	for i, id := range s.EventRecordIDs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, id, 10)
	}
	dst = append(dst, `],"Known":true`...)
	dst = appendRecords(dst, "ExplicitCredentials", s.ExplicitCredentials)
	dst = appendRecords(dst, "Logoffs", s.Logoffs)
	return append(dst, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON's shape.
func (s Session) MarshalJSON() ([]byte, error) {
	return s.AppendJSON(make([]byte, 0, 512)), nil
}

// AppendJSON appends the record as one JSON object: Timestamp, EventID,
// EventRecordID, then the 4648 values it has (TargetUser,
// TargetServerName, TargetInfo, ProcessName, IpAddress, IpPort).
func (r *Record) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"Timestamp":`...)
	dst = event.AppendJSONString(dst, event.FormatTime(r.Timestamp))
	dst = append(dst, `,"EventID":`...)
	dst = strconv.AppendUint(dst, uint64(r.EventID), 10)
	dst = append(dst, `,"EventRecordID":`...)
	dst = strconv.AppendUint(dst, r.EventRecordID, 10)
	for _, f := range [...]struct{ key, value string }{
		{"TargetUser", r.TargetUser}, {"TargetServerName", r.TargetServerName}, {"TargetInfo", r.TargetInfo},
		{"ProcessName", r.ProcessName}, {"IpAddress", r.IpAddress}, {"IpPort", r.IpPort},
	} {
		if f.value != "" {
			dst = appendField(dst, f.key, f.value)
		}
	}
	return append(dst, '}')
}

func appendRecords(dst []byte, key string, list []Record) []byte {
	if len(list) == 0 {
		return dst
	}
	dst = append(dst, ',', '"')
	dst = append(dst, key...)
	dst = append(dst, `":[`...)
	for i := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = list[i].AppendJSON(dst)
	}
	return append(dst, ']')
}

func appendField(dst []byte, key, value string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, key...)
	dst = append(dst, '"', ':')
	return event.AppendJSONString(dst, value)
}

func appendTime(dst []byte, key string, t time.Time) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, key...)
	dst = append(dst, '"', ':')
	return event.AppendJSONString(dst, event.FormatTime(t))
}
