package truth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// General is one line of all-records.jsonl.gz: a record of any event id
// where the truth's two parsers agree, with its payload items in order.
type General struct {
	File          string
	EventRecordID uint64
	SystemTime    time.Time
	Computer      string
	Channel       string
	Provider      string
	EventID       uint32
	Version       string
	DataKind      string       // "EventData" or "UserData"
	Data          []event.Item // in document order
}

// generalLine is the JSON shape of a line; Data is read separately to
// keep the order of its keys.
type generalLine struct {
	File          string          `json:"file"`
	EventRecordID uint64          `json:"EventRecordID"`
	SystemTime    string          `json:"SystemTime"`
	Computer      string          `json:"Computer"`
	Channel       string          `json:"Channel"`
	Provider      string          `json:"Provider"`
	EventID       uint32          `json:"EventID"`
	Version       string          `json:"Version"`
	DataKind      string          `json:"DataKind"`
	Data          json.RawMessage `json:"Data"`
}

// LoadAll reads all-records.jsonl.gz of truthDir, in file order.
func LoadAll(truthDir string) ([]General, error) {
	path := filepath.Join(truthDir, "all-records.jsonl.gz")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []General
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var l generalLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		g := General{File: l.File, EventRecordID: l.EventRecordID, Computer: l.Computer, Channel: l.Channel,
			Provider: l.Provider, EventID: l.EventID, Version: l.Version, DataKind: l.DataKind}
		if g.SystemTime, err = time.Parse(time.RFC3339Nano, l.SystemTime); err != nil {
			return nil, fmt.Errorf("%s:%d: SystemTime: %w", path, line, err)
		}
		if g.Data, err = orderedItems(l.Data); err != nil {
			return nil, fmt.Errorf("%s:%d: Data: %w", path, line, err)
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, zr.Close()
}

// orderedItems reads a JSON object of string values as items, in order.
func orderedItems(raw json.RawMessage) ([]event.Item, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object (%w)", err)
	}
	var items []event.Item
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var value string
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		items = append(items, event.Item{Name: name, Value: value})
	}
	return items, nil
}
