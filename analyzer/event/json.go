package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// TimeLayout renders timestamps as Windows does in XML: UTC with seven
// fractional digits.
const TimeLayout = "2006-01-02T15:04:05.0000000Z"

// MarshalJSON writes the event as one JSON object whose keys are the Sigma
// field names, in the order of the field table; absent fields are left out.
func (p Process) MarshalJSON() ([]byte, error) {
	return p.AppendJSON(make([]byte, 0, 1024)), nil
}

// AppendJSON appends the JSON object of MarshalJSON to dst.
func (p *Process) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"Timestamp":"`...)
	dst = p.Timestamp.UTC().AppendFormat(dst, TimeLayout)
	dst = append(dst, '"')
	for f := Field(0); f < NumFields; f++ {
		v, ok := p.Get(f)
		if !ok {
			continue
		}
		dst = append(dst, ',', '"')
		dst = append(dst, fields[f].name...)
		dst = append(dst, '"', ':')
		if fields[f].kind == kindNumber {
			dst = append(dst, v...)
		} else {
			dst = AppendJSONString(dst, v)
		}
	}
	dst = append(dst, `,"SourceFile":`...)
	dst = AppendJSONString(dst, p.SourceFile)
	if p.Recovered {
		dst = append(dst, `,"Recovered":true`...)
	}
	return append(dst, '}')
}

// UnmarshalJSON reads the shape MarshalJSON writes. Numbers may also be
// given as decimal or 0x-hex strings. Unknown keys are an error naming them,
// so a misspelt field is never dropped silently.
func (p *Process) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*p = Process{}
	for key, value := range raw {
		if err := p.setJSON(key, value); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
	}
	return nil
}

func (p *Process) setJSON(key string, value json.RawMessage) error {
	switch key {
	case "Timestamp":
		var s string
		if err := json.Unmarshal(value, &s); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return err
		}
		p.Timestamp = t.UTC()
		return nil
	case "SourceFile":
		return json.Unmarshal(value, &p.SourceFile)
	case "Recovered":
		return json.Unmarshal(value, &p.Recovered)
	}
	f, ok := byName[lower(key)]
	if !ok || fields[f].name != key {
		return fmt.Errorf("unknown field")
	}
	if string(value) == "null" {
		return nil
	}
	var s string
	if fields[f].kind == kindNumber && len(value) > 0 && value[0] != '"' {
		s = string(value)
	} else if err := json.Unmarshal(value, &s); err != nil {
		return err
	}
	if !p.Set(f, s) {
		return fmt.Errorf("not a number: %q", s)
	}
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD; control characters are escaped. No HTML escaping is done. U+FFFD
// itself, the stand-in for invalid UTF-8, is always written as \ufffd, so
// that a string read back from the output is written again byte for byte.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// FormatTime renders t as TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
