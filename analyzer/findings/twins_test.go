package findings

import (
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// TestTwinsMerged: the 4688 and Sysmon 1 records of one process creation
// give one finding per rule, on the Sysmon event completed with the 4688
// fields it lacks, listing both records, whatever order they come in.
func TestTwinsMerged(t *testing.T) {
	sec := ev{at: m, pid: 300, ppid: 100, cmd: "FLAG TWICE", rec: 11}
	sys := ev{at: m + 400*time.Millisecond, pid: 300, ppid: 100, sysmon: true, guid: "{G300}", cmd: "FLAG TWICE", rec: 22}
	other := ev{at: 5 * m, pid: 300, ppid: 100, cmd: "FLAG again, pid reused", rec: 33}
	var ids []string
	for _, order := range [][]ev{{sec, sys, other}, {sys, sec, other}} {
		fs, res := scan(t, DefaultOptions(), order...)
		if len(fs) != 3 {
			t.Fatalf("%d findings, want 3 (two rules on the pair, one on the later process)", len(fs))
		}
		if res.MergedPairs != 1 || res.Findings != 3 {
			t.Errorf("MergedPairs %d, Findings %d; want 1, 3", res.MergedPairs, res.Findings)
		}
		for _, f := range fs[:2] {
			if f.Event.EventID != event.SysmonProcessCreate || f.Event.ProcessGuid != "{G300}" {
				t.Errorf("event is %d %q, want the Sysmon record", f.Event.EventID, f.Event.ProcessGuid)
			}
			if len(f.Records) != 2 || f.Records[0].EventRecordID != 22 || f.Records[1].EventRecordID != 11 ||
				f.Records[1].Channel != event.SecurityChannel {
				t.Errorf("records %+v, want the Sysmon then the Security record", f.Records)
			}
			if len(f.Sources) != 1 || f.Sources[0] != "Sysmon.evtx" {
				t.Errorf("sources %v", f.Sources)
			}
			ids = append(ids, f.ID)
		}
		if len(fs[2].Records) != 1 {
			t.Errorf("unpaired finding has records %+v", fs[2].Records)
		}
	}
	if ids[0] != ids[2] || ids[1] != ids[3] {
		t.Errorf("ids depend on the input order: %v", ids)
	}
}

func TestCompleteSysmon(t *testing.T) {
	sys := ev{pid: 5, sysmon: true, guid: "{G}", cmd: "x"}.process()
	sec := ev{pid: 5, cmd: "x"}.process()
	sec.Set(event.FieldUserSid, "S-1-5-21-1")
	sec.Set(event.FieldTokenElevationType, "%%1936")
	sec.Set(event.FieldMandatoryLabel, "S-1-16-12288")
	sec.Set(event.FieldLogonId, "0x999")
	got := completeSysmon(&sys, &sec)
	for f, want := range map[event.Field]string{
		event.FieldUserSid: "S-1-5-21-1", event.FieldTokenElevationType: "%%1936",
		event.FieldMandatoryLabel: "S-1-16-12288", event.FieldLogonId: "0x1000", event.FieldProcessGuid: "{G}",
	} {
		if v, _ := got.Get(f); v != want {
			t.Errorf("%s = %q, want %q", f.Name(), v, want)
		}
	}
	if got.EventID != event.SysmonProcessCreate {
		t.Errorf("event id %d", got.EventID)
	}
}
