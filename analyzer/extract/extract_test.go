package extract

import (
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

var record4688 = [][2]string{
	{"SubjectUserSid", "S-1-5-21-1-2-3-1001"}, {"SubjectUserName", "alice"}, {"SubjectDomainName", "CORP"},
	{"SubjectLogonId", "0x00000000000a1b2c"}, {"NewProcessId", "0x00001a2b"},
	{"NewProcessName", `C:\Windows\System32\cmd.exe`}, {"TokenElevationType", "%%1938"},
	{"ProcessId", "0x000004d2"}, {"CommandLine", `cmd.exe /c whoami`}, {"TargetUserSid", "S-1-0-0"},
	{"TargetUserName", "-"}, {"TargetDomainName", "-"}, {"TargetLogonId", "0x0"},
	{"ParentProcessName", `C:\Windows\explorer.exe`}, {"MandatoryLabel", "S-1-16-8192"},
}

func TestBuilder4688(t *testing.T) {
	var b Builder
	b.Begin()
	b.P.EventID = event.SecurityProcessCreate
	for _, kv := range record4688 {
		b.Data(kv[0], kv[1])
	}
	p := b.Finish()
	want := map[event.Field]string{
		event.FieldUser: `CORP\alice`, event.FieldUserSid: "S-1-5-21-1-2-3-1001", event.FieldLogonId: "0xa1b2c",
		event.FieldProcessId: "6699", event.FieldParentProcessId: "1234", event.FieldImage: `C:\Windows\System32\cmd.exe`,
		event.FieldCommandLine: "cmd.exe /c whoami", event.FieldParentImage: `C:\Windows\explorer.exe`,
		event.FieldIntegrityLevel: "Medium", event.FieldMandatoryLabel: "S-1-16-8192", event.FieldTargetUser: "-",
		event.FieldTargetLogonId: "0x0", event.FieldTokenElevationType: "%%1938",
	}
	for f, v := range want {
		if got, ok := p.Get(f); !ok || got != v {
			t.Errorf("%s = %q (present %v), want %q", f.Name(), got, ok, v)
		}
	}
	for _, absent := range []event.Field{event.FieldParentCommandLine, event.FieldOriginalFileName, event.FieldProcessGuid} {
		if _, ok := p.Get(absent); ok {
			t.Errorf("%s present in a 4688 event", absent.Name())
		}
	}
}

func TestBuilderSysmon(t *testing.T) {
	var b Builder
	b.Begin()
	b.P.EventID = event.SysmonProcessCreate
	for _, kv := range [][2]string{
		{"ProcessGuid", "365abb72-dfad-5c67-0000-0010e0811500"}, {"ProcessId", "2312"}, {"LogonId", "0x26656"},
		{"User", `PC01\IEUser`}, {"IntegrityLevel", "High"}, {"RuleName", ""}, {"Computer", "must be ignored"},
		{"UnknownNewField", "ignored"},
	} {
		b.Data(kv[0], kv[1])
	}
	p := b.Finish()
	if p.ProcessGuid != "{365ABB72-DFAD-5C67-0000-0010E0811500}" {
		t.Errorf("ProcessGuid = %q", p.ProcessGuid)
	}
	if p.ProcessId != 2312 || p.LogonId != "0x26656" || p.User != `PC01\IEUser` || p.IntegrityLevel != "High" {
		t.Errorf("got %+v", p)
	}
	if v, ok := p.Get(event.FieldRuleName); !ok || v != "" {
		t.Errorf("RuleName should be present and empty, got %q %v", v, ok)
	}
	if p.Computer != "" {
		t.Errorf("an EventData value overwrote Computer: %q", p.Computer)
	}
}

func TestIntegrityLevel(t *testing.T) {
	tests := map[string]string{"S-1-16-4096": "Low", "S-1-16-8192": "Medium", "S-1-16-12288": "High",
		"S-1-16-16384": "System", "s-1-16-8448": "MediumPlus", "S-1-16-0": "Untrusted", "S-1-16-20480": "Protected"}
	for sid, want := range tests {
		if got, ok := IntegrityLevel(sid); !ok || got != want {
			t.Errorf("IntegrityLevel(%q) = %q, %v; want %q", sid, got, ok, want)
		}
	}
	for _, bad := range []string{"", "S-1-5-18", "S-1-16-1"} {
		if got, ok := IntegrityLevel(bad); ok {
			t.Errorf("IntegrityLevel(%q) = %q, want no level", bad, got)
		}
	}
}

// BenchmarkBuilder4688 measures the extraction of one 4688 record.
func BenchmarkBuilder4688(b *testing.B) {
	b.ReportAllocs()
	var bd Builder
	for b.Loop() {
		bd.Begin()
		bd.P.EventID = event.SecurityProcessCreate
		for _, kv := range record4688 {
			bd.Data(kv[0], kv[1])
		}
		bd.Finish()
	}
}

// TestLogonIdForms: a logon id already in FormatHex's form is kept as it
// is; any other spelling of the number is rewritten to that form.
func TestLogonIdForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0x3e7", "0x3e7"},
		{"0x0", "0x0"},
		{"0xffffffffffffffff", "0xffffffffffffffff"},
		{"0x3E7", "0x3e7"},
		{"0X3e7", "0x3e7"},
		{"0x03e7", "0x3e7"},
		{"999", "0x3e7"},
		{"0x00", "0x0"},
		{"not a number", "not a number"},
	} {
		var b Builder
		b.Begin()
		b.P.EventID = event.SecurityProcessCreate
		b.Data("SubjectLogonId", tc.in)
		b.Data("TargetLogonId", tc.in)
		p := b.Finish()
		if p.LogonId != tc.want || p.TargetLogonId != tc.want {
			t.Errorf("%q: LogonId %q, TargetLogonId %q, want %q", tc.in, p.LogonId, p.TargetLogonId, tc.want)
		}
	}
	for _, tc := range []struct {
		s  string
		n  uint64
		ok bool
	}{
		{"0x3e7", 0x3e7, true}, {"0x3e8", 0x3e7, false}, {"0x", 0, false}, {"0x0", 0, true},
		{"0x00", 0, false}, {"x3e7", 0x3e7, false}, {"0x3e70", 0x3e7, false},
	} {
		if got := isHexOf(tc.s, tc.n); got != tc.ok {
			t.Errorf("isHexOf(%q, %#x) = %v, want %v", tc.s, tc.n, got, tc.ok)
		}
	}
}
