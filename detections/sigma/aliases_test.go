package sigma

import (
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
)

// security4688 builds a Security 4688 event from raw EventData values, as
// the decoders do.
func security4688(data map[string]string) *event.Process {
	var b extract.Builder
	b.Begin()
	b.P.EventID = event.SecurityProcessCreate
	b.P.Channel = event.SecurityChannel
	b.P.Provider = event.SecurityProvider
	b.P.Version = 2
	for k, v := range data {
		b.Data(k, v)
	}
	return b.Finish()
}

func TestSecurity4688Fields(t *testing.T) {
	p := security4688(map[string]string{
		"SubjectUserSid":     "S-1-5-21-1-2-3-1001",
		"SubjectUserName":    "alice",
		"SubjectDomainName":  "CORP",
		"SubjectLogonId":     "0x00000000000e8a2f",
		"NewProcessId":       "0x00001328",
		"NewProcessName":     `C:\Windows\System32\whoami.exe`,
		"TokenElevationType": "%%1937",
		"ProcessId":          "0x00000ea0",
		"CommandLine":        `whoami /priv`,
		"ParentProcessName":  `C:\Windows\System32\cmd.exe`,
		"MandatoryLabel":     "S-1-16-12288",
	})
	cases := []struct {
		name string
		det  string
		want bool
	}{
		{"Sigma Image", `sel: {Image|endswith: '\whoami.exe'}`, true},
		{"4688 NewProcessName", `sel: {NewProcessName|endswith: '\whoami.exe'}`, true},
		{"Sigma ParentImage", `sel: {ParentImage|endswith: '\cmd.exe'}`, true},
		{"4688 ParentProcessName", `sel: {ParentProcessName|endswith: '\cmd.exe'}`, true},
		{"Sigma User is DOMAIN\\name", `sel: {User: 'corp\alice'}`, true},
		{"User contains name", `sel: {User|contains: 'ALICE'}`, true},
		{"4688 SubjectUserName", `sel: {SubjectUserName: 'alice'}`, true},
		{"4688 SubjectUserName not domain", `sel: {SubjectUserName: 'corp'}`, false},
		{"4688 SubjectDomainName", `sel: {SubjectDomainName: 'CORP'}`, true},
		{"Sigma LogonId numerically", `sel: {LogonId: '0xe8a2f'}`, true},
		{"4688 SubjectLogonId", `sel: {SubjectLogonId: '0x00000000000E8A2F'}`, true},
		{"Sigma ProcessId is the new process", `sel: {ProcessId: 4904}`, true},
		{"ProcessId in hex", `sel: {ProcessId: '0x1328'}`, true},
		{"4688 NewProcessId", `sel: {NewProcessId: '0x00001328'}`, true},
		{"Sigma ParentProcessId", `sel: {ParentProcessId: 3744}`, true},
		{"IntegrityLevel from MandatoryLabel", `sel: {IntegrityLevel: 'High'}`, true},
		{"IntegrityLevel other", `sel: {IntegrityLevel: 'System'}`, false},
		{"MandatoryLabel itself", `sel: {MandatoryLabel: 'S-1-16-12288'}`, true},
		{"SubjectUserSid", `sel: {SubjectUserSid|startswith: 'S-1-5-21-'}`, true},
		{"Sysmon-only field absent", `sel: {Hashes|contains: 'SHA256='}`, false},
		{"Sysmon-only field null", `sel: {OriginalFileName: null}`, true},
		{"EventID", `sel: {EventID: 4688}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := compileRule(t, tc.det+"\ncondition: sel", Options{})
			if got := r.Match(p); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
			if got := len(NewRuleSet([]*Rule{r}).Match(p, nil)) == 1; got != tc.want {
				t.Errorf("RuleSet.Match = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSysmonRuleOn4688 runs one rule written for Sysmon on the same
// process creation logged both ways.
func TestSysmonRuleOn4688(t *testing.T) {
	r := compileRule(t, "sel_img:\n    - Image|endswith: '\\rundll32.exe'\n    - OriginalFileName: 'RUNDLL32.EXE'\n"+
		"sel_cli:\n    CommandLine|contains: 'javascript:'\nfilter:\n    User|startswith: 'NT AUTHORITY\\'\n"+
		"condition: all of sel_* and not filter", Options{})
	sysmon := sysmonEvent(map[string]string{
		"Image": `C:\Windows\System32\rundll32.exe`, "OriginalFileName": "RUNDLL32.EXE",
		"CommandLine": `rundll32 javascript:"\..\mshtml,RunHTMLApplication"`, "User": `CORP\bob`,
	})
	sec := security4688(map[string]string{
		"NewProcessName": `C:\Windows\System32\rundll32.exe`, "CommandLine": `rundll32 javascript:"\..\mshtml,RunHTMLApplication"`,
		"SubjectUserName": "bob", "SubjectDomainName": "CORP",
	})
	system := security4688(map[string]string{
		"NewProcessName": `C:\Windows\System32\rundll32.exe`, "CommandLine": `rundll32 javascript:x`,
		"SubjectUserName": "SYSTEM", "SubjectDomainName": "NT AUTHORITY",
	})
	for name, tc := range map[string]struct {
		p    *event.Process
		want bool
	}{"sysmon": {sysmon, true}, "4688": {sec, true}, "4688 as SYSTEM": {system, false}} {
		if got := r.Match(tc.p); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", name, got, tc.want)
		}
	}
}
