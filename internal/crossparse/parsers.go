package crossparse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/Velocidex/ordereddict"
	"www.velocidex.com/golang/evtx"
)

// Velocidex parses the file with the Velocidex parser.
func Velocidex(path string) ([]Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return VelocidexBytes(data)
}

// VelocidexBytes parses an EVTX file held in memory.
func VelocidexBytes(data []byte) (out []Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("velocidex: panic: %v", p)
		}
	}()
	chunks, err := evtx.GetChunks(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("velocidex: %w", err)
	}
	for i, c := range chunks {
		recs, err := c.Parse(0)
		if err != nil {
			return out, fmt.Errorf("velocidex: chunk %d: %w", i, err)
		}
		for _, rec := range recs {
			r, err := fromVelocidex(rec)
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func fromVelocidex(rec *evtx.EventRecord) (Record, error) {
	root, _ := rec.Event.(*ordereddict.Dict)
	ev := sub(root, "Event")
	sys := sub(ev, "System")
	if sys == nil {
		return Record{}, fmt.Errorf("velocidex: record %d has no System element", rec.Header.RecordID)
	}
	r := Record{System: map[string]string{}}
	flatten(sys, "", r.System)
	ed := sub(ev, "EventData")
	if ed == nil {
		return r, nil
	}
	if raw, ok := ed.Get("Data"); ok && len(ed.Keys()) == 1 {
		// The raw form: a list of {Name, Value} (or one of them).
		items, isList := raw.([]any)
		if !isList {
			items = []any{raw}
		}
		for _, it := range items {
			d, ok := it.(*ordereddict.Dict)
			if !ok {
				r.Data = append(r.Data, Field{"", render(it)})
				continue
			}
			name, _ := d.Get("Name")
			v, _ := d.Get("Value")
			r.Data = append(r.Data, Field{render(name), render(v)})
		}
		return r, nil
	}
	for _, k := range ed.Keys() {
		v, _ := ed.Get(k)
		r.Data = append(r.Data, Field{k, render(v)})
	}
	return r, nil
}

func sub(d *ordereddict.Dict, key string) *ordereddict.Dict {
	if d == nil {
		return nil
	}
	v, _ := d.Get(key)
	s, _ := v.(*ordereddict.Dict)
	return s
}

// flatten stores a System dictionary under Element and Element/Attribute
// keys; an element's own text is under "Value" in Velocidex's form.
func flatten(d *ordereddict.Dict, prefix string, out map[string]string) {
	for _, k := range d.Keys() {
		v, _ := d.Get(k)
		key := prefix + k
		if k == "Value" && prefix != "" {
			key = prefix[:len(prefix)-1]
		}
		if s, ok := v.(*ordereddict.Dict); ok {
			flatten(s, key+"/", out)
			continue
		}
		if s := render(v); s != "" {
			out[key] = s
		}
	}
}

// render normalizes a Velocidex value: numbers in decimal, FILETIMEs
// (float seconds) as times, text normalized.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return Normalize(x)
	case float64:
		return FloatTime(x)
	case []byte:
		return fmt.Sprintf("%X", x)
	}
	return Normalize(fmt.Sprint(v))
}

// Evtxexport parses the file with libyal's evtxexport.
func Evtxexport(path string) ([]Record, error) {
	bin, err := exec.LookPath("evtxexport")
	if err != nil {
		return nil, fmt.Errorf("evtxexport: %w", ErrUnavailable)
	}
	out, err := exec.Command(bin, "-f", "xml", path).Output()
	if err != nil {
		return nil, fmt.Errorf("evtxexport %s: %w: %s", path, err, stderrOf(err))
	}
	// The output is a banner line, then one Event document per record.
	if i := bytes.IndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	var recs []Record
	for {
		var ev xmlEvent
		err := dec.Decode(&ev)
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, fmt.Errorf("evtxexport output, record %d: %w", len(recs)+1, err)
		}
		recs = append(recs, ev.record())
	}
}

type xmlEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
			GUID string `xml:"Guid,attr"`
		}
		EventID struct {
			Value      string `xml:",chardata"`
			Qualifiers string `xml:"Qualifiers,attr"`
		}
		Version, Level, Task, Opcode, Keywords string
		TimeCreated                            struct {
			SystemTime string `xml:"SystemTime,attr"`
		}
		EventRecordID string
		Correlation   struct {
			ActivityID        string `xml:"ActivityID,attr"`
			RelatedActivityID string `xml:"RelatedActivityID,attr"`
		}
		Execution struct {
			ProcessID string `xml:"ProcessID,attr"`
			ThreadID  string `xml:"ThreadID,attr"`
		}
		Channel, Computer string
		Security          struct {
			UserID string `xml:"UserID,attr"`
		}
	}
	EventData struct {
		Data []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		}
	}
}

func (ev *xmlEvent) record() Record {
	s := &ev.System
	r := Record{System: map[string]string{}}
	for k, v := range map[string]string{
		"Provider/Name": s.Provider.Name, "Provider/Guid": s.Provider.GUID,
		"EventID": s.EventID.Value, "EventID/Qualifiers": s.EventID.Qualifiers,
		"Version": s.Version, "Level": s.Level, "Task": s.Task, "Opcode": s.Opcode, "Keywords": s.Keywords,
		"TimeCreated/SystemTime": s.TimeCreated.SystemTime, "EventRecordID": s.EventRecordID,
		"Correlation/ActivityID": s.Correlation.ActivityID, "Correlation/RelatedActivityID": s.Correlation.RelatedActivityID,
		"Execution/ProcessID": s.Execution.ProcessID, "Execution/ThreadID": s.Execution.ThreadID,
		"Channel": s.Channel, "Computer": s.Computer, "Security/UserID": s.Security.UserID,
	} {
		if v != "" {
			r.System[k] = Normalize(v)
		}
	}
	for _, d := range ev.EventData.Data {
		r.Data = append(r.Data, Field{d.Name, Normalize(d.Value)})
	}
	return r
}

// pythonScript prints one JSON object per record: the System values and
// attributes from python-evtx's XML, TimeCreated from the raw FILETIME
// (its XML keeps only float precision), and the EventData values.
const pythonScript = `
import sys, json
import xml.etree.ElementTree as ET
import Evtx.Evtx as evtx
import Evtx.Nodes as nodes
NS = '{http://schemas.microsoft.com/win/2004/08/events/event}'
with evtx.Evtx(sys.argv[1]) as log:
    for rec in log.records():
        root = ET.fromstring(rec.xml())
        system, data = {}, []
        for el in root.find(NS + 'System'):
            tag = el.tag[len(NS):]
            if el.text and el.text.strip():
                system[tag] = el.text
            for k, v in el.attrib.items():
                if v != '':
                    system[tag + '/' + k] = v
        for s in rec.root().substitutions():
            if isinstance(s, nodes.FiletimeTypeNode):
                system['TimeCreated/FileTime'] = str(s.unpack_qword(0))
                break
        ed = root.find(NS + 'EventData')
        if ed is not None:
            for d in ed:
                data.append([d.get('Name', ''), d.text or ''])
        print(json.dumps({'System': system, 'Data': data}))
`

// pythonWithEvtx finds a python3 that can import python-evtx: Debian's
// package installs into the system python, which a pyenv or virtualenv
// python3 earlier in PATH does not see.
func pythonWithEvtx() (string, error) {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		bin, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(bin, "-c", "import Evtx.Evtx").Run() == nil {
			return bin, nil
		}
	}
	return "", fmt.Errorf("python3 with python-evtx: %w", ErrUnavailable)
}

// PythonEvtx parses the file with python-evtx.
func PythonEvtx(path string) ([]Record, error) {
	py, err := pythonWithEvtx()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(py, "-c", pythonScript, path).Output()
	if err != nil {
		return nil, fmt.Errorf("python-evtx %s: %w: %s", path, err, stderrOf(err))
	}
	var recs []Record
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var raw struct {
			System map[string]string
			Data   [][2]string
		}
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return recs, fmt.Errorf("python-evtx output, record %d: %w", len(recs)+1, err)
		}
		r := Record{System: map[string]string{}}
		for k, v := range raw.System {
			r.System[k] = Normalize(v)
		}
		if ft, err := strconv.ParseUint(raw.System["TimeCreated/FileTime"], 10, 64); err == nil {
			delete(r.System, "TimeCreated/FileTime")
			r.System["TimeCreated/SystemTime"] = fileTime(ft)
		}
		for _, d := range raw.Data {
			r.Data = append(r.Data, Field{d[0], Normalize(d[1])})
		}
		recs = append(recs, r)
	}
	return recs, sc.Err()
}

// fileTime renders a FILETIME as TimeLayout.
func fileTime(ft uint64) string {
	const epoch = -11644473600
	return time.Unix(int64(ft/10_000_000)+epoch, int64(ft%10_000_000)*100).UTC().Format(TimeLayout)
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(bytes.TrimSpace(ee.Stderr))
	}
	return ""
}
