package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

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

// UnmarshalJSON reads the shape AppendJSON writes, keeping the payload's
// order. Unknown keys, a second payload and values of the wrong type are
// errors naming the key.
func (e *Event) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("event: not a JSON object")
	}
	*e = Event{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := e.setJSON(dec, key); err != nil {
			return fmt.Errorf("event %s: %w", key, err)
		}
	}
	_, err := dec.Token()
	return err
}

// setJSON reads the value of key from dec.
func (e *Event) setJSON(dec *json.Decoder, key string) error {
	switch key {
	case "EventData", "UserData":
		if e.Kind != NoData {
			return errors.New("a second payload")
		}
		e.Kind = EventData
		if key == "UserData" {
			e.Kind = UserData
		}
		return e.payloadJSON(dec)
	case "Recovered":
		return dec.Decode(&e.Recovered)
	}
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if s, ok := v.(string); ok {
		return e.setString(key, s)
	}
	n, ok := v.(json.Number)
	if !ok {
		return errors.New("want a string or a number")
	}
	u, err := strconv.ParseUint(string(n), 10, 64)
	if err != nil {
		return err
	}
	return e.setNumber(key, u)
}

func (e *Event) setString(key, s string) error {
	switch key {
	case "Timestamp":
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return err
		}
		e.Timestamp = t.UTC()
	case "Computer":
		e.Computer = s
	case "Channel":
		e.Channel = s
	case "Provider":
		e.Provider = s
	case "SourceFile":
		e.SourceFile = s
	case "ProviderGuid":
		e.ProviderGUID, e.Has = s, e.Has.With(SysProviderGUID)
	case "UserID":
		e.UserID, e.Has = s, e.Has.With(SysUserID)
	case "Keywords":
		k, ok := ParseNumber(s)
		if !ok {
			return errors.New("not a hex number")
		}
		e.Keywords, e.Has = k, e.Has.With(SysKeywords)
	default:
		return errors.New("unknown key")
	}
	return nil
}

func (e *Event) setNumber(key string, n uint64) error {
	limit := map[string]uint64{"EventID": 1<<32 - 1, "Version": 255, "EventRecordID": 1<<64 - 1,
		"Level": 255, "Task": 1<<16 - 1, "Opcode": 255, "ProcessID": 1<<32 - 1, "ThreadID": 1<<32 - 1}
	max, ok := limit[key]
	if !ok {
		return errors.New("unknown key")
	}
	if n > max {
		return errors.New("out of range")
	}
	switch key {
	case "EventID":
		e.EventID = uint32(n)
	case "Version":
		e.Version = uint8(n)
	case "EventRecordID":
		e.EventRecordID = n
	case "Level":
		e.Level, e.Has = uint8(n), e.Has.With(SysLevel)
	case "Task":
		e.Task, e.Has = uint16(n), e.Has.With(SysTask)
	case "Opcode":
		e.Opcode, e.Has = uint8(n), e.Has.With(SysOpcode)
	case "ProcessID":
		e.ProcessID, e.Has = uint32(n), e.Has.With(SysProcessID)
	case "ThreadID":
		e.ThreadID, e.Has = uint32(n), e.Has.With(SysThreadID)
	}
	return nil
}

// payloadJSON reads an object of name to string value, in order.
func (e *Event) payloadJSON(dec *json.Decoder) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("want an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var value string
		if err := dec.Decode(&value); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		e.Items = append(e.Items, Item{Name: name, Value: value})
	}
	_, err := dec.Token()
	return err
}
