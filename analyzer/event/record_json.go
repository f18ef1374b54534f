package event

import "strconv"

// AppendJSON appends the event as one JSON object: Timestamp, Computer,
// Channel, Provider, EventID, Version, EventRecordID, SourceFile, the
// optional System values the record has (ProviderGuid, Level, Task,
// Opcode, Keywords, UserID, ProcessID, ThreadID), Recovered when set, and
// the payload as an object of name to value under "EventData" or
// "UserData". Items keep their order; values are strings, as in event XML.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"Timestamp":"`...)
	dst = e.Timestamp.UTC().AppendFormat(dst, TimeLayout)
	dst = append(dst, `","Computer":`...)
	dst = AppendJSONString(dst, e.Computer)
	dst = append(dst, `,"Channel":`...)
	dst = AppendJSONString(dst, e.Channel)
	dst = append(dst, `,"Provider":`...)
	dst = AppendJSONString(dst, e.Provider)
	dst = append(dst, `,"EventID":`...)
	dst = strconv.AppendUint(dst, uint64(e.EventID), 10)
	dst = append(dst, `,"Version":`...)
	dst = strconv.AppendUint(dst, uint64(e.Version), 10)
	dst = append(dst, `,"EventRecordID":`...)
	dst = strconv.AppendUint(dst, e.EventRecordID, 10)
	dst = append(dst, `,"SourceFile":`...)
	dst = AppendJSONString(dst, e.SourceFile)
	for _, s := range systemJSON {
		v, ok := e.optional(s.v)
		if !ok {
			continue
		}
		dst = append(dst, ',', '"')
		dst = append(dst, s.key...)
		dst = append(dst, '"', ':')
		if s.number {
			dst = append(dst, v...)
		} else {
			dst = AppendJSONString(dst, v)
		}
	}
	if e.Recovered {
		dst = append(dst, `,"Recovered":true`...)
	}
	if e.Kind != NoData {
		dst = append(dst, ',', '"')
		dst = append(dst, e.Kind.String()...)
		dst = append(dst, `":`...)
		dst = e.AppendPayloadJSON(dst)
	}
	return append(dst, '}')
}

// AppendPayloadJSON appends the payload items as one JSON object of name
// to value, in order ({} when there are none).
func (e *Event) AppendPayloadJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, it := range e.Items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, it.Name)
		dst = append(dst, ':')
		dst = AppendJSONString(dst, it.Value)
	}
	return append(dst, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON's shape.
func (e Event) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(make([]byte, 0, 512)), nil
}
