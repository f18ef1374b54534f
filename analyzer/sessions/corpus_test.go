package sessions

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// truthRecord is one line of the corpus truth's all-records.jsonl.gz.
type truthRecord struct {
	File          string
	EventRecordID uint64
	SystemTime    string
	Computer      string
	Channel       string
	Provider      string
	EventID       uint32
	Data          map[string]any
}

// loadSecurityTruth returns the corpus' Security records of the ids the
// sessions are built from, as events, by file.
func loadSecurityTruth(t *testing.T) map[string][]*event.Event {
	path := testshared.Dir(t, "corpus", "truth", "all-records.jsonl.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection()
	out := map[string][]*event.Event{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r truthRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !sel.Wants(r.Channel, r.EventID) {
			continue
		}
		ts, err := time.Parse(time.RFC3339Nano, r.SystemTime)
		if err != nil {
			t.Fatalf("%s record %d: %v", r.File, r.EventRecordID, err)
		}
		e := &event.Event{System: event.System{Timestamp: ts, Computer: r.Computer, Channel: r.Channel,
			Provider: r.Provider, EventID: r.EventID, EventRecordID: r.EventRecordID}, Kind: event.EventData}
		for name, v := range r.Data {
			if s, ok := v.(string); ok {
				e.Items = append(e.Items, event.Item{Name: name, Value: s})
			}
		}
		out[r.File] = append(out[r.File], e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// On the real logs of the corpus, every 4672 and 4634 whose logon has a
// 4624 in the same file is tied to that session, and each logoff ends it.
func TestCorpusRecordsTied(t *testing.T) {
	files := loadSecurityTruth(t)
	var tied4672, tied4634, logons int
	for file, events := range files {
		x := build(Options{}, events...)
		owner := map[uint64]Session{}
		for _, h := range x.Sessions() {
			for _, e := range h.Sessions {
				logons++
				for _, id := range e.Session.EventRecordIDs {
					owner[id] = e.Session
				}
			}
		}
		for _, e := range events {
			field := map[uint32]string{EventSpecialPrivileges: "SubjectLogonId", EventLogoff: "TargetLogonId"}[e.EventID]
			if field == "" {
				continue
			}
			id := numberOf(e, field)
			if _, builtIn := WellKnownUser(id); builtIn || !hasLogonBefore(events, id, e.Timestamp.Add(PrivilegeSlack)) {
				continue
			}
			s, ok := owner[e.EventRecordID]
			if !ok || s.LogonId != event.FormatHex(id) {
				t.Errorf("%s: %d record %d (logon %#x) tied to %+v", file, e.EventID, e.EventRecordID, id, s)
				continue
			}
			switch e.EventID {
			case EventSpecialPrivileges:
				tied4672++
				if !s.Elevated || len(s.Privileges) == 0 {
					t.Errorf("%s: the session of 4672 record %d is not elevated: %+v", file, e.EventRecordID, s)
				}
			case EventLogoff:
				tied4634++
				if s.LogoffTime.IsZero() || s.LogoffTime.After(e.Timestamp) || !slices.Contains(s.EventRecordIDs, e.EventRecordID) {
					t.Errorf("%s: 4634 record %d did not end its session: %+v", file, e.EventRecordID, s)
				}
			}
		}
	}
	t.Logf("%d files, %d sessions, %d 4672 and %d 4634 tied", len(files), logons, tied4672, tied4634)
	if tied4672 == 0 || tied4634 == 0 {
		t.Errorf("nothing tied: %d 4672, %d 4634", tied4672, tied4634)
	}
}

// hasLogonBefore reports whether events hold a 4624 of logon id at or
// before t.
func hasLogonBefore(events []*event.Event, id uint64, t time.Time) bool {
	for _, e := range events {
		if e.EventID == EventLogon && numberOf(e, "TargetLogonId") == id && !e.Timestamp.After(t) {
			return true
		}
	}
	return false
}
