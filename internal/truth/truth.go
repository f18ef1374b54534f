package truth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// Record is one ground-truth record: System values and raw EventData.
type Record struct {
	File          string
	EventRecordID uint64
	SystemTime    time.Time
	Computer      string
	Channel       string
	Provider      string
	EventID       uint32
	Version       string
	Data          map[string]string
}

// Load reads 4688.jsonl and sysmon1.jsonl of truthDir, grouped by file
// (the corpus-relative path), each group in file order.
func Load(truthDir string) (map[string][]Record, error) {
	out := map[string][]Record{}
	for _, name := range []string{"4688.jsonl", "sysmon1.jsonl"} {
		if err := loadFile(filepath.Join(truthDir, name), out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func loadFile(path string, out map[string][]Record) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		r := Record{Data: map[string]string{}}
		r.File, _ = raw["file"].(string)
		id, _ := raw["EventRecordID"].(float64)
		r.EventRecordID = uint64(id)
		st, _ := raw["SystemTime"].(string)
		if r.SystemTime, err = time.Parse(time.RFC3339Nano, st); err != nil {
			return fmt.Errorf("%s:%d: SystemTime: %w", path, line, err)
		}
		r.Computer, _ = raw["Computer"].(string)
		r.Channel, _ = raw["Channel"].(string)
		r.Provider, _ = raw["Provider"].(string)
		eid, _ := raw["EventID"].(float64)
		r.EventID = uint32(eid)
		r.Version, _ = raw["Version"].(string)
		names, _ := raw["EventDataNames"].([]any)
		for _, n := range names {
			name, _ := n.(string)
			v, _ := raw[name].(string)
			r.Data[name] = v
		}
		out[r.File] = append(out[r.File], r)
	}
	return sc.Err()
}

// Compare checks the events of one file against its truth records and
// returns one message per difference. Events are paired by EventRecordID
// in record order (a file may repeat an id). Times may differ by at most
// tolerance (0: exactly equal, to the 100 ns).
func Compare(want []Record, got []event.Process, tolerance time.Duration) []string {
	got = append([]event.Process(nil), got...)
	sort.SliceStable(got, func(i, j int) bool { return got[i].EventRecordID < got[j].EventRecordID })
	want = append([]Record(nil), want...)
	sort.SliceStable(want, func(i, j int) bool { return want[i].EventRecordID < want[j].EventRecordID })
	var diffs []string
	if len(got) != len(want) {
		diffs = append(diffs, fmt.Sprintf("got %d process events, want %d", len(got), len(want)))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		for _, d := range compareOne(&want[i], &got[i], tolerance) {
			diffs = append(diffs, fmt.Sprintf("record %d: %s", want[i].EventRecordID, d))
		}
	}
	return diffs
}

func compareOne(w *Record, p *event.Process, tolerance time.Duration) []string {
	var diffs []string
	check := func(name, got, want string) {
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s = %q, want %q", name, got, want))
		}
	}
	check("EventRecordID", fmt.Sprint(p.EventRecordID), fmt.Sprint(w.EventRecordID))
	if d := p.Timestamp.Sub(w.SystemTime); d > tolerance || d < -tolerance {
		diffs = append(diffs, fmt.Sprintf("Timestamp = %s, want %s", event.FormatTime(p.Timestamp), event.FormatTime(w.SystemTime)))
	}
	check("Computer", p.Computer, w.Computer)
	check("Channel", p.Channel, w.Channel)
	check("Provider", p.Provider, w.Provider)
	check("EventID", fmt.Sprint(p.EventID), fmt.Sprint(w.EventID))
	check("Version", fmt.Sprint(p.Version), w.Version)
	for _, m := range mappingFor(w) {
		got, ok := p.Get(m.field)
		want, present := m.want(w.Data)
		if !present {
			continue
		}
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s absent, want %q", m.field.Name(), want))
			continue
		}
		if !m.equal(got, want) {
			diffs = append(diffs, fmt.Sprintf("%s = %q, want %q", m.field.Name(), got, want))
		}
	}
	return diffs
}

type mapping struct {
	field event.Field
	want  func(data map[string]string) (string, bool)
	equal func(got, want string) bool
}

func raw(name string) func(map[string]string) (string, bool) {
	return func(d map[string]string) (string, bool) { v, ok := d[name]; return v, ok }
}

func account(domain, user string) func(map[string]string) (string, bool) {
	return func(d map[string]string) (string, bool) {
		u, ok := d[user]
		if !ok {
			return "", false
		}
		if dom := d[domain]; dom != "" && dom != "-" {
			return dom + `\` + u, true
		}
		return u, true
	}
}

func same(got, want string) bool { return got == want }

func numeric(got, want string) bool {
	g, ok1 := parseNum(got)
	w, ok2 := parseNum(want)
	return ok1 && ok2 && g == w
}

func parseNum(s string) (uint64, bool) {
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		n, err := strconv.ParseUint(h, 16, 64)
		return n, err == nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

func guid(got, want string) bool { return strings.EqualFold(got, want) }

func mappingFor(w *Record) []mapping {
	if w.EventID == event.SecurityProcessCreate {
		return security
	}
	var ms []mapping
	for name := range w.Data {
		f, ok := event.Lookup(name)
		if !ok {
			continue
		}
		eq := same
		switch name {
		case "ProcessId", "ParentProcessId", "LogonId":
			eq = numeric
		case "ProcessGuid", "ParentProcessGuid", "LogonGuid":
			eq = guid
		}
		ms = append(ms, mapping{f, raw(name), eq})
	}
	return ms
}

var security = []mapping{
	{event.FieldUserSid, raw("SubjectUserSid"), same},
	{event.FieldUser, account("SubjectDomainName", "SubjectUserName"), same},
	{event.FieldLogonId, raw("SubjectLogonId"), numeric},
	{event.FieldProcessId, raw("NewProcessId"), numeric},
	{event.FieldImage, raw("NewProcessName"), same},
	{event.FieldTokenElevationType, raw("TokenElevationType"), same},
	{event.FieldParentProcessId, raw("ProcessId"), numeric},
	{event.FieldCommandLine, raw("CommandLine"), same},
	{event.FieldTargetUserSid, raw("TargetUserSid"), same},
	{event.FieldTargetUser, account("TargetDomainName", "TargetUserName"), same},
	{event.FieldTargetLogonId, raw("TargetLogonId"), numeric},
	{event.FieldParentImage, raw("ParentProcessName"), same},
	{event.FieldMandatoryLabel, raw("MandatoryLabel"), same},
}
