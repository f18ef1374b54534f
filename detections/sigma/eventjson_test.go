package sigma

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
)

// jsonRecords reads the JSON rendering of EVTX records that the SigmaHQ
// regression data keeps next to each EVTX file: one or more concatenated
// {"Event": {"System": ..., "EventData": ...}} objects. Process creations
// become event.Process (built as the decoders build them), other records
// event.Event with their payload items in document order.
func jsonRecords(data []byte, file string) ([]event.Process, []event.Event, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var procs []event.Process
	var events []event.Event
	for {
		var doc struct {
			Event struct {
				System    json.RawMessage
				EventData json.RawMessage
				UserData  json.RawMessage
			}
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return procs, events, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		e := event.Event{SourceFile: file}
		if err := readJSONSystem(doc.Event.System, &e.System); err != nil {
			return nil, nil, fmt.Errorf("%s: System: %w", file, err)
		}
		payload := doc.Event.EventData
		e.Kind = event.EventData
		if len(payload) == 0 || string(payload) == "null" {
			payload, e.Kind = doc.Event.UserData, event.UserData
		}
		if len(payload) > 0 && string(payload) != "null" {
			if err := readJSONItems(json.NewDecoder(bytes.NewReader(payload)), "", &e.Items); err != nil {
				return nil, nil, fmt.Errorf("%s: payload: %w", file, err)
			}
		} else {
			e.Kind = event.NoData
		}
		if event.IsProcessCreation(e.Provider, e.Channel, e.EventID) {
			procs = append(procs, processFromEvent(&e))
			continue
		}
		events = append(events, e)
	}
}

// processFromEvent builds the Process of a process-creation record.
func processFromEvent(e *event.Event) event.Process {
	var b extract.Builder
	b.Begin()
	b.P.Timestamp, b.P.Computer, b.P.Channel, b.P.Provider = e.Timestamp, e.Computer, e.Channel, e.Provider
	b.P.EventID, b.P.Version, b.P.EventRecordID, b.P.SourceFile = e.EventID, e.Version, e.EventRecordID, e.SourceFile
	for _, it := range e.Items {
		b.Data(it.Name, it.Value)
	}
	return *b.Finish()
}

// readJSONSystem reads the System element's values.
func readJSONSystem(raw json.RawMessage, s *event.System) error {
	var sys struct {
		Provider struct {
			Attrs struct{ Name, Guid string } `json:"#attributes"`
		}
		EventID       json.RawMessage
		Version       *uint8
		Level         *uint8
		Task          *uint16
		Opcode        *uint8
		Keywords      *string
		EventRecordID uint64
		TimeCreated   struct {
			Attrs struct{ SystemTime string } `json:"#attributes"`
		}
		Execution *struct {
			Attrs struct{ ProcessID, ThreadID uint32 } `json:"#attributes"`
		}
		Channel, Computer string
		Security          *struct {
			Attrs struct{ UserID string } `json:"#attributes"`
		}
	}
	if err := json.Unmarshal(raw, &sys); err != nil {
		return err
	}
	id, err := jsonEventID(sys.EventID)
	if err != nil {
		return err
	}
	s.EventID, s.Provider, s.Channel, s.Computer, s.EventRecordID = id, sys.Provider.Attrs.Name, sys.Channel, sys.Computer, sys.EventRecordID
	if t := sys.TimeCreated.Attrs.SystemTime; t != "" {
		if s.Timestamp, err = time.Parse(time.RFC3339Nano, t); err != nil {
			return err
		}
	}
	if g := sys.Provider.Attrs.Guid; g != "" {
		s.ProviderGUID, s.Has = "{"+strings.ToUpper(strings.Trim(g, "{}"))+"}", s.Has.With(event.SysProviderGUID)
	}
	if sys.Version != nil {
		s.Version = *sys.Version
	}
	if sys.Level != nil {
		s.Level, s.Has = *sys.Level, s.Has.With(event.SysLevel)
	}
	if sys.Task != nil {
		s.Task, s.Has = *sys.Task, s.Has.With(event.SysTask)
	}
	if sys.Opcode != nil {
		s.Opcode, s.Has = *sys.Opcode, s.Has.With(event.SysOpcode)
	}
	if sys.Keywords != nil {
		k, ok := event.ParseNumber(*sys.Keywords)
		if !ok {
			return fmt.Errorf("Keywords %q", *sys.Keywords)
		}
		s.Keywords, s.Has = k, s.Has.With(event.SysKeywords)
	}
	if sys.Execution != nil {
		s.ProcessID, s.ThreadID = sys.Execution.Attrs.ProcessID, sys.Execution.Attrs.ThreadID
		s.Has = s.Has.With(event.SysProcessID).With(event.SysThreadID)
	}
	if sys.Security != nil && sys.Security.Attrs.UserID != "" {
		s.UserID, s.Has = sys.Security.Attrs.UserID, s.Has.With(event.SysUserID)
	}
	return nil
}

// jsonEventID reads EventID, a number or {"#text": number, ...}.
func jsonEventID(raw json.RawMessage) (uint32, error) {
	var withAttrs struct {
		Text json.Number `json:"#text"`
	}
	text := string(raw)
	if json.Unmarshal(raw, &withAttrs) == nil && withAttrs.Text != "" {
		text = string(withAttrs.Text)
	}
	n, err := strconv.ParseUint(text, 10, 32)
	return uint32(n), err
}

// readJSONItems appends the leaf values of a payload object in document
// order, leaving out "#attributes"; nested objects (UserData's wrapper)
// contribute their leaves.
func readJSONItems(dec *json.Decoder, name string, items *[]event.Item) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			for dec.More() {
				if err := readJSONItems(dec, name, items); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			k, _ := key.(string)
			if k == "#attributes" {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
				continue
			}
			if err := readJSONItems(dec, k, items); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case nil:
		*items = append(*items, event.Item{Name: name})
	case string:
		*items = append(*items, event.Item{Name: name, Value: t})
	case json.Number:
		*items = append(*items, event.Item{Name: name, Value: t.String()})
	case bool:
		*items = append(*items, event.Item{Name: name, Value: strconv.FormatBool(t)})
	}
	return nil
}
