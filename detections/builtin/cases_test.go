package builtin_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// testsDir holds one case file per rule: tests/<short_name>.yml.
const testsDir = "tests"

// ruleCase is one event of a case file, with where it was written.
type ruleCase struct {
	file    string
	line    int
	event   *event.Process // a process creation (EventID 4688 or 1)
	general *event.Event   // any other record
}

func (c ruleCase) String() string { return fmt.Sprintf("%s:%d", c.file, c.line) }

// caseFile is a decoded tests/<short_name>.yml: the id of the rule it
// exercises, events that must make it fire and near misses that must not.
type caseFile struct {
	path    string
	ruleID  string
	match   []ruleCase
	nomatch []ruleCase
}

// sysmonOnlyFields are fields a Security 4688 record never carries; a case
// with EventID 4688 that sets one of them would test an impossible event.
var sysmonOnlyFields = []string{
	"OriginalFileName", "ParentCommandLine", "CurrentDirectory", "ProcessGuid",
	"ParentProcessGuid", "LogonGuid", "TerminalSessionId", "Hashes",
	"FileVersion", "Description", "Product", "Company", "RuleName", "ParentUser", "UtcTime",
}

// loadCaseFiles reads every case file of dir.
func loadCaseFiles(dir string) ([]*caseFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*caseFile
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		cf, err := parseCaseFile(filepath.ToSlash(name), data)
		if err != nil {
			return nil, err
		}
		out = append(out, cf)
	}
	return out, nil
}

// parseCaseFile decodes one case file strictly: the keys rule, match and
// nomatch only, every event a map of known Process fields.
func parseCaseFile(name string, data []byte) (*caseFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want one mapping with rule, match and nomatch", name)
	}
	cf := &caseFile{path: name}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, value := top.Content[i], top.Content[i+1]
		var err error
		switch key.Value {
		case "rule":
			cf.ruleID = value.Value
		case "match":
			cf.match, err = parseEvents(name, value)
		case "nomatch":
			cf.nomatch, err = parseEvents(name, value)
		default:
			err = fmt.Errorf("%s:%d: unknown key %q (want rule, match, nomatch)", name, key.Line, key.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if cf.ruleID == "" {
		return nil, fmt.Errorf("%s: no rule id", name)
	}
	return cf, nil
}

func parseEvents(name string, list *yaml.Node) ([]ruleCase, error) {
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: want a list of events", name, list.Line)
	}
	var out []ruleCase
	for _, item := range list.Content {
		if isGeneralCase(item) {
			e, err := buildGeneral(item)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, item.Line, err)
			}
			out = append(out, ruleCase{file: name, line: item.Line, general: e})
			continue
		}
		var fields map[string]any
		if err := item.Decode(&fields); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, item.Line, err)
		}
		p, err := buildEvent(fields)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, item.Line, err)
		}
		out = append(out, ruleCase{file: name, line: item.Line, event: p})
	}
	return out, nil
}

// buildEvent turns a case map into a Process through the JSON shape the
// CLI prints, so misspelt fields are errors. Channel and Provider follow
// from the EventID as the readers set them.
func buildEvent(fields map[string]any) (*event.Process, error) {
	id, ok := fields["EventID"].(int)
	if !ok || (id != event.SecurityProcessCreate && id != event.SysmonProcessCreate) {
		return nil, fmt.Errorf("EventID must be 4688 or 1, got %v", fields["EventID"])
	}
	if id == event.SecurityProcessCreate {
		for _, f := range sysmonOnlyFields {
			if _, has := fields[f]; has {
				return nil, fmt.Errorf("a 4688 event has no %s", f)
			}
		}
	}
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	var p event.Process
	if err := p.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if id == event.SecurityProcessCreate {
		p.Channel, p.Provider = event.SecurityChannel, event.SecurityProvider
	} else {
		p.Channel, p.Provider = event.SysmonChannel, event.SysmonProvider
	}
	return &p, nil
}

// ruleFiles lists the rule files of fsys with their short names
// (<class>/<short_name>.yml → short_name).
func ruleFiles(fsys fs.FS) (map[string]string, error) {
	byPath := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		byPath[p] = strings.TrimSuffix(path.Base(p), path.Ext(p))
		return nil
	})
	return byPath, err
}

// countEventIDs reports how many of the cases are 4688 and Sysmon
// process events.
func countEventIDs(cases []ruleCase) (security, sysmon int) {
	for _, c := range cases {
		if c.event == nil {
			continue
		}
		if c.event.EventID == event.SecurityProcessCreate {
			security++
		} else {
			sysmon++
		}
	}
	return security, sysmon
}

// A case of a record that is not a process creation is written with its
// Channel and its payload:
//
//	{Channel: System, EventID: 7045, Provider: Service Control Manager,
//	 EventData: {ServiceName: x, ImagePath: 'cmd /c ...'}}
//
// (or UserData instead of EventData; Computer and the System values
// Level, Task, Opcode, Keywords, UserID are optional). The payload keeps
// the order it is written in.
func isGeneralCase(item *yaml.Node) bool {
	if item.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		switch item.Content[i].Value {
		case "Channel", "EventData", "UserData":
			return true
		}
	}
	return false
}

// buildGeneral decodes a general case strictly: only the keys above.
func buildGeneral(item *yaml.Node) (*event.Event, error) {
	e := &event.Event{System: event.System{Computer: "WS01.corp.example.com"}}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, value := item.Content[i].Value, item.Content[i+1]
		switch key {
		case "Channel":
			e.Channel = value.Value
		case "Provider":
			e.Provider = value.Value
		case "Computer":
			e.Computer = value.Value
		case "EventID":
			n, ok := event.ParseNumber(value.Value)
			if !ok || n > 0xffff {
				return nil, fmt.Errorf("EventID %q is not an event id", value.Value)
			}
			e.EventID = uint32(n)
		case "Level", "Task", "Opcode", "Keywords", "UserID":
			if err := setSystem(e, key, value.Value); err != nil {
				return nil, err
			}
		case "EventData", "UserData":
			if value.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("%s must be a map of names to values", key)
			}
			e.Kind = event.EventData
			if key == "UserData" {
				e.Kind = event.UserData
			}
			for k := 0; k+1 < len(value.Content); k += 2 {
				e.Items = append(e.Items, event.Item{Name: value.Content[k].Value, Value: value.Content[k+1].Value})
			}
		default:
			return nil, fmt.Errorf("unknown key %q in a record case (want Channel, Provider, Computer, EventID, Level, Task, Opcode, Keywords, UserID, EventData or UserData)", key)
		}
	}
	if e.Channel == "" || e.EventID == 0 {
		return nil, fmt.Errorf("a record case needs Channel and EventID")
	}
	if e.IsProcessCreation() {
		return nil, fmt.Errorf("process creations are written in the process shape (EventID 4688 or 1 with Image, CommandLine, ...)")
	}
	return e, nil
}

func setSystem(e *event.Event, key, value string) error {
	if key == "UserID" {
		e.UserID = value
		e.Has = e.Has.With(event.SysUserID)
		return nil
	}
	n, ok := event.ParseNumber(value)
	if !ok {
		return fmt.Errorf("%s %q is not a number", key, value)
	}
	switch key {
	case "Level":
		e.Level, e.Has = uint8(n), e.Has.With(event.SysLevel)
	case "Task":
		e.Task, e.Has = uint16(n), e.Has.With(event.SysTask)
	case "Opcode":
		e.Opcode, e.Has = uint8(n), e.Has.With(event.SysOpcode)
	case "Keywords":
		e.Keywords, e.Has = n, e.Has.With(event.SysKeywords)
	}
	return nil
}
