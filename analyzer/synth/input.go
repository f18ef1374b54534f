package synth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// maxLineBytes bounds one input line; a record cannot exceed 64 KiB
// anyway.
const maxLineBytes = 1 << 20

// LineError is an input line that cannot be read or written.
type LineError struct {
	Source string // the input's name ("-" for standard input)
	Line   int    // 1-based
	Err    error
}

func (e *LineError) Error() string {
	if e.Source == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err)
}
func (e *LineError) Unwrap() error { return e.Err }

// given records which keys a line set, where absent and zero differ.
type given uint16

const (
	givenTimestamp given = 1 << iota
	givenVersion
	givenRecordID
	givenEventID
	givenLevel
	givenTask
	givenOpcode
	givenKeywords
	givenEventData
)

// Line is one input event.
type Line struct {
	Number int           // 1-based line number in the input
	P      event.Process // identity fields and the Sigma fields of a process event
	Data   []DataValue   // EventData of a generic event, in input order

	// System values of a generic event, when the line gives them.
	Level    uint8
	Task     uint16
	Opcode   uint8
	Keywords uint64

	given given
}

// DataValue is one EventData value of a generic event.
type DataValue struct {
	Name   string
	Value  string
	Number bool // given as a JSON number
	Bool   bool // given as a JSON boolean
}

// ReadLines reads JSON lines from r; source names the input in errors.
// Blank lines are skipped. It stops at the first bad line.
func ReadLines(r io.Reader, source string) ([]Line, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var lines []Line
	for n := 1; ; n++ {
		text, err := readLine(br)
		if len(bytes.TrimSpace(text)) > 0 {
			l, perr := ParseLine(text)
			if perr != nil {
				return lines, &LineError{source, n, perr}
			}
			l.Number = n
			lines = append(lines, l)
		}
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		if err != nil {
			return lines, &LineError{source, n, err}
		}
	}
}

// readLine returns the next line without its end, refusing overlong ones.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLineBytes {
			return nil, fmt.Errorf("line longer than %d bytes", maxLineBytes)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// ParseLine reads one JSON object: Timestamp, the identity and Sigma
// fields of package event, SourceFile and Recovered (ignored, so timeline
// output can be fed back), EventData (an object of name to string,
// number or boolean), and Level, Task, Opcode and Keywords for generic
// events. Unknown and repeated keys are errors.
func ParseLine(text []byte) (Line, error) {
	var l Line
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return l, errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return l, fmt.Errorf("bad JSON: %w", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return l, fmt.Errorf("field %q given twice", key)
		}
		seen[key] = true
		if key == "EventData" {
			if l.Data, err = readEventData(dec); err != nil {
				return l, fmt.Errorf("EventData: %w", err)
			}
			l.given |= givenEventData
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return l, fmt.Errorf("field %q: bad JSON: %w", key, err)
		}
		if err := l.set(key, raw); err != nil {
			return l, fmt.Errorf("field %q: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return l, fmt.Errorf("bad JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return l, errors.New("text after the JSON object")
	}
	return l, nil
}

func (l *Line) set(key string, raw json.RawMessage) error {
	switch key {
	case "Timestamp":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return errors.New("not a string")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("not an RFC 3339 time: %q", s)
		}
		l.P.Timestamp = t.UTC()
		l.given |= givenTimestamp
		return nil
	case "SourceFile":
		var s string
		return json.Unmarshal(raw, &s)
	case "Recovered":
		var b bool
		return json.Unmarshal(raw, &b)
	case "Level", "Task", "Opcode", "Keywords":
		return l.setSystem(key, raw)
	}
	f, ok := event.Lookup(key)
	if !ok || f.Name() != key {
		return errors.New("unknown field")
	}
	if string(raw) == "null" {
		return nil
	}
	var s string
	if f.IsNumber() && len(raw) > 0 && raw[0] != '"' {
		s = string(raw)
	} else if err := json.Unmarshal(raw, &s); err != nil {
		return errors.New("not a string")
	}
	if !l.P.Set(f, s) {
		return fmt.Errorf("not a number: %q", s)
	}
	switch f {
	case event.FieldVersion:
		l.given |= givenVersion
		if n, _ := event.ParseNumber(s); n > 0xff {
			return fmt.Errorf("version %s out of range", s)
		}
	case event.FieldEventRecordID:
		l.given |= givenRecordID
	case event.FieldEventID:
		l.given |= givenEventID
		if n, _ := event.ParseNumber(s); n > 0xffff {
			return fmt.Errorf("event id %s out of range", s)
		}
	}
	return nil
}

// setSystem reads a System value of a generic event: a number, decimal
// or 0x-hex, as a JSON number or string.
func (l *Line) setSystem(key string, raw json.RawMessage) error {
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
	}
	n, ok := event.ParseNumber(s)
	if !ok {
		return fmt.Errorf("not a number: %s", s)
	}
	limits := map[string]uint64{"Level": 0xff, "Task": 0xffff, "Opcode": 0xff, "Keywords": ^uint64(0)}
	if n > limits[key] {
		return fmt.Errorf("%s out of range", s)
	}
	switch key {
	case "Level":
		l.Level, l.given = uint8(n), l.given|givenLevel
	case "Task":
		l.Task, l.given = uint16(n), l.given|givenTask
	case "Opcode":
		l.Opcode, l.given = uint8(n), l.given|givenOpcode
	case "Keywords":
		l.Keywords, l.given = n, l.given|givenKeywords
	}
	return nil
}

// readEventData reads an EventData object, keeping its order.
func readEventData(dec *json.Decoder) ([]DataValue, error) {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out []DataValue
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("bad JSON: %w", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, fmt.Errorf("%q given twice", name)
		}
		seen[name] = true
		v, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%q: bad JSON: %w", name, err)
		}
		d := DataValue{Name: name}
		switch x := v.(type) {
		case string:
			d.Value = x
		case json.Number:
			d.Value, d.Number = x.String(), true
		case bool:
			d.Value, d.Bool = fmt.Sprint(x), true
		default:
			return nil, fmt.Errorf("%q: a value must be a string, number or boolean", name)
		}
		out = append(out, d)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("bad JSON: %w", err)
	}
	return out, nil
}
