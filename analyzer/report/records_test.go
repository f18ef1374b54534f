package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// sampleRecords mixes the two process creations of sampleEvents with a
// logon, a log clearing (UserData) and a record with an unnamed Data item,
// in time order.
func sampleRecords() []event.Record {
	evs := sampleEvents()
	t0 := evs[0].Timestamp
	logon := &event.Event{
		System: event.System{Timestamp: t0.Add(-time.Minute), Computer: "WS01.corp.local", Channel: "Security",
			Provider: event.SecurityProvider, ProviderGUID: "{54849625-5478-4994-A5BA-3E3B0328C30D}", EventID: 4624, Version: 2,
			EventRecordID: 990, Task: 12544, Keywords: 0x8020000000000000, ProcessID: 636, ThreadID: 700,
			Has: event.SystemSet(0).With(event.SysProviderGUID).With(event.SysTask).With(event.SysKeywords).With(event.SysProcessID).With(event.SysThreadID)},
		Kind: event.EventData,
		Items: []event.Item{{Name: "SubjectUserName", Value: "WS01$"}, {Name: "TargetUserName", Value: "alice"},
			{Name: "TargetDomainName", Value: "CORP"}, {Name: "LogonType", Value: "10"}, {Name: "IpAddress", Value: "=198.51.100.23"}},
		SourceFile: "logs/Security.evtx",
	}
	cleared := &event.Event{
		System: event.System{Timestamp: t0.Add(2 * time.Second), Computer: "WS01.corp.local", Channel: "Security",
			Provider: "Microsoft-Windows-Eventlog", EventID: 1102, Version: 1, EventRecordID: 1002},
		Kind:       event.UserData,
		Items:      []event.Item{{Name: "SubjectUserName", Value: "bob"}, {Name: "SubjectDomainName", Value: "CORP"}},
		SourceFile: "logs/Security.evtx", Recovered: true,
	}
	app := &event.Event{
		System: event.System{Timestamp: t0.Add(3 * time.Second), Computer: "WS01.corp.local", Channel: "Application",
			Provider: "App\x1b[2J", EventID: 1000, EventRecordID: 5},
		Kind:       event.EventData,
		Items:      []event.Item{{Name: "Data_1", Value: "line one\nline two"}, {Name: "Binary_2", Value: "0A0B"}},
		SourceFile: "logs/Application.evtx",
	}
	return []event.Record{{Event: logon}, {Process: &evs[0]}, {Process: &evs[1]}, {Event: cleared}, {Event: app}}
}

func TestWriteRecordsGolden(t *testing.T) {
	for _, f := range []Format{Table, CSV, JSON, JSONL} {
		var buf bytes.Buffer
		if err := WriteEvents(&buf, f, sampleRecords(), Options{AllEvents: true}); err != nil {
			t.Fatal(err)
		}
		golden(t, "records."+string(f), buf.Bytes())
	}
}

// TestRecordsShape: every JSONL line of a full timeline parses, process
// creations in the process shape and other records with their payload;
// every CSV row has every column and its payload is JSON.
func TestRecordsShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEvents(&buf, JSONL, sampleRecords(), Options{AllEvents: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5", len(lines))
	}
	kinds := ""
	for i, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		switch {
		case obj["EventData"] != nil:
			kinds += "E"
		case obj["UserData"] != nil:
			kinds += "U"
		case obj["Image"] != nil:
			kinds += "P"
		}
	}
	if kinds != "EPPUE" {
		t.Errorf("record kinds %q, want EPPUE", kinds)
	}
	buf.Reset()
	if err := WriteEvents(&buf, CSV, sampleRecords(), Options{AllEvents: true, RawCSV: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	payload := 16
	if RecordColumns[payload] != "Payload" {
		t.Fatalf("column %d is %s", payload, RecordColumns[payload])
	}
	for i, row := range rows[1:] {
		if len(row) != len(RecordColumns) {
			t.Errorf("row %d: %d cells", i+1, len(row))
		}
		if !json.Valid([]byte(row[payload])) {
			t.Errorf("row %d: payload is not JSON: %s", i+1, row[payload])
		}
	}
}
