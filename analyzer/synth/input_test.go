package synth

import (
	"errors"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		name, line string
		check      func(l Line) bool
		wantErr    string
	}{
		{name: "timeline output", line: `{"Timestamp":"2024-03-12T09:14:03.2518114Z","Computer":"WS01","Channel":"Security","Provider":"Microsoft-Windows-Security-Auditing","EventID":4688,"Version":2,"EventRecordID":7,"Image":"C:\\a.exe","ProcessId":5728,"SourceFile":"x.evtx","Recovered":true}`,
			check: func(l Line) bool {
				return l.P.EventID == 4688 && l.P.Version == 2 && l.P.EventRecordID == 7 && l.P.ProcessId == 5728 &&
					l.P.Timestamp.Nanosecond() == 251811400 && l.given&(givenVersion|givenRecordID|givenTimestamp|givenEventID) == givenVersion|givenRecordID|givenTimestamp|givenEventID
			}},
		{name: "numbers as strings and hex", line: `{"EventID":"4688","ProcessId":"0x1660","ParentProcessId":"13468","Image":"a"}`,
			check: func(l Line) bool { return l.P.ProcessId == 0x1660 && l.P.ParentProcessId == 13468 }},
		{name: "null is absent", line: `{"Image":null,"CommandLine":"x"}`,
			check: func(l Line) bool { return !l.P.Has.Contains(event.FieldImage) && l.P.CommandLine == "x" }},
		{name: "empty is present", line: `{"Image":"a","CommandLine":""}`,
			check: func(l Line) bool { return l.P.Has.Contains(event.FieldCommandLine) }},
		{name: "generic event in order", line: `{"EventID":4624,"Task":"0x3100","Keywords":9232379236109516800,"Level":0,"Opcode":"1","EventData":{"Z":"1","A":2,"M":true}}`,
			check: func(l Line) bool {
				return len(l.Data) == 3 && l.Data[0].Name == "Z" && l.Data[1] == DataValue{Name: "A", Value: "2", Number: true} &&
					l.Data[2] == DataValue{Name: "M", Value: "true", Bool: true} && l.Task == 0x3100 && l.Keywords == 0x8020000000000000 &&
					l.Opcode == 1 && l.given&givenLevel != 0
			}},
		{name: "not an object", line: `[1,2]`, wantErr: "not a JSON object"},
		{name: "broken JSON", line: `{"Image":"a"`, wantErr: "bad JSON"},
		{name: "two objects", line: `{"Image":"a"} {"Image":"b"}`, wantErr: "text after the JSON object"},
		{name: "unknown field", line: `{"Imagee":"a"}`, wantErr: `field "Imagee": unknown field`},
		{name: "wrong case", line: `{"image":"a"}`, wantErr: `field "image": unknown field`},
		{name: "repeated field", line: `{"Image":"a","Image":"b"}`, wantErr: `field "Image" given twice`},
		{name: "bad time", line: `{"Timestamp":"12 March"}`, wantErr: "not an RFC 3339 time"},
		{name: "bad number", line: `{"ProcessId":"twelve"}`, wantErr: `not a number: "twelve"`},
		{name: "event id too big", line: `{"EventID":70000}`, wantErr: "event id 70000 out of range"},
		{name: "version too big", line: `{"Version":300}`, wantErr: "version 300 out of range"},
		{name: "level too big", line: `{"Level":256}`, wantErr: "256 out of range"},
		{name: "string for a string field", line: `{"Image":5}`, wantErr: "not a string"},
		{name: "EventData not an object", line: `{"EventData":[1]}`, wantErr: "EventData: not a JSON object"},
		{name: "EventData null value", line: `{"EventData":{"a":null}}`, wantErr: `"a": a value must be a string, number or boolean`},
		{name: "EventData nested", line: `{"EventData":{"a":{"b":1}}}`, wantErr: `"a": a value must be a string, number or boolean`},
		{name: "EventData repeated", line: `{"EventData":{"a":"1","a":"2"}}`, wantErr: `"a" given twice`},
	}
	for _, tc := range tests {
		l, err := ParseLine([]byte(tc.line))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !tc.check(l) {
			t.Errorf("%s: %+v, %v", tc.name, l, err)
		}
	}
}

func TestReadLines(t *testing.T) {
	lines, err := ReadLines(strings.NewReader("\n{\"Image\":\"a\"}\r\n  \n{\"Image\":\"b\"}"), "in")
	if err != nil || len(lines) != 2 || lines[0].Number != 2 || lines[1].Number != 4 || lines[1].P.Image != "b" {
		t.Fatalf("%+v, %v", lines, err)
	}
	_, err = ReadLines(strings.NewReader("{\"Image\":\"a\"}\n{\"Image\":\n"), "in.jsonl")
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || !strings.HasPrefix(err.Error(), "in.jsonl:2: ") {
		t.Errorf("error %v, want one for in.jsonl line 2", err)
	}
	_, err = ReadLines(strings.NewReader(`{"CommandLine":"`+strings.Repeat("x", maxLineBytes)+`"}`), "big")
	if !errors.As(err, &le) || le.Line != 1 || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("overlong line: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"1GiB", 1 << 30, false}, {"512MiB", 512 << 20, false}, {"1.5 GiB", 3 << 29, false}, {"300MB", 300e6, false},
		{"4096", 4096, false}, {"64k", 64 << 10, false}, {"2G", 2 << 30, false}, {"10B", 10, false}, {"1kb", 1000, false},
		{"", 0, true}, {"GiB", 0, true}, {"-1MiB", 0, true}, {"1TiB", 0, true}, {"lots", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseSize(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v", tc.in, got, err)
		}
	}
}
