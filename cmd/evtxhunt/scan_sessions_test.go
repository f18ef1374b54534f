package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanSessions: the findings of the demo are tied to the logon
// sessions of their logon ids, in JSONL (context.session) and in the
// table (a Session line), and CSV has the session columns.
func TestScanSessions(t *testing.T) {
	demo := filepath.Join("..", "..", "samples", "demo")
	out, _, code := runCLI(t, "scan", "-q", "-f", "jsonl", demo)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	known := 0
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			Event   struct{ LogonId string }
			Context struct {
				Session *struct {
					LogonId, User, LogonTypeName string
					LogonType                    int
					Known                        bool
				}
			}
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		s := f.Context.Session
		if f.Event.LogonId == "" {
			continue
		}
		if s == nil || s.LogonId != f.Event.LogonId {
			t.Fatalf("line %d: logon id %s has session %+v", i+1, f.Event.LogonId, s)
		}
		if s.Known {
			known++
			if s.LogonTypeName == "" || s.User == "" {
				t.Errorf("line %d: known session without type or user: %+v", i+1, s)
			}
		}
	}
	if known == 0 {
		t.Error("no finding of the demo is tied to a logon in its Security logs")
	}
	table, _, _ := runCLI(t, "scan", "-q", demo)
	if !strings.Contains(table, "  Session  ") {
		t.Error("the table has no Session line")
	}
	csvOut, _, _ := runCLI(t, "scan", "-q", "-f", "csv", demo)
	header := strings.SplitN(csvOut, "\n", 2)[0]
	if !strings.HasSuffix(header, "LogonType,SourceAddress,SourceWorkstation,Elevated") {
		t.Errorf("CSV header %q lacks the session columns", header)
	}
}
