package findings

import (
	"testing"
	"time"
)

// TestScanFresh: Scan and Observe report a process creation read for the
// first time; a copy of a record (another file) and the other log's
// record of the same creation are not fresh, whichever log comes first.
func TestScanFresh(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []ev
		fresh  []bool
	}{
		{"copy in another file", []ev{
			{at: 0, pid: 10, cmd: "a"},
			{at: 0, pid: 10, cmd: "a", file: "Backup/Security.evtx"},
		}, []bool{true, false}},
		{"4688 then its Sysmon 1", []ev{
			{at: 0, pid: 10, image: "whoami.exe", cmd: "whoami"},
			{at: time.Second, pid: 10, image: "whoami.exe", cmd: "whoami", sysmon: true},
		}, []bool{true, false}},
		{"Sysmon 1 then its 4688", []ev{
			{at: time.Second, pid: 10, image: "whoami.exe", cmd: "whoami", sysmon: true},
			{at: 0, pid: 10, image: "whoami.exe", cmd: "whoami"},
		}, []bool{true, false}},
		{"same pid, too far apart", []ev{
			{at: 0, pid: 10, image: "whoami.exe", cmd: "whoami"},
			{at: 5 * time.Second, pid: 10, image: "whoami.exe", cmd: "whoami", sysmon: true},
		}, []bool{true, true}},
		{"same pid, other image", []ev{
			{at: 0, pid: 10, image: "whoami.exe", cmd: "whoami"},
			{at: time.Second, pid: 10, image: "hostname.exe", cmd: "hostname", sysmon: true},
		}, []bool{true, true}},
		{"two 4688 of one pid", []ev{
			{at: 0, pid: 10, image: "whoami.exe", cmd: "whoami"},
			{at: time.Second, pid: 10, image: "whoami.exe", cmd: "whoami /all"},
		}, []bool{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, observe := range []bool{false, true} {
				s, err := NewScanner(testSet(t), DefaultOptions())
				if err != nil {
					t.Fatal(err)
				}
				for i, e := range tc.events {
					p := e.process()
					var got bool
					if observe {
						got = s.Observe(&p)
					} else {
						got = s.Scan(&p)
					}
					if got != tc.fresh[i] {
						t.Errorf("observe %v, event %d: fresh %v, want %v", observe, i, got, tc.fresh[i])
					}
				}
				res, _ := s.Finish()
				res.Close()
			}
		})
	}
}
