package sigma

import (
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// TestReadsFieldOnlyOnProcessRules: a rule reads a process event's field
// only if it can apply to a process creation at all; a keyword rule
// bound to other records reads none, so it cannot widen the memo key of
// every process event to its GUIDs and times.
func TestReadsFieldOnlyOnProcessRules(t *testing.T) {
	for _, tc := range []struct {
		name, logsource, det string
		field                event.Field
		want                 bool
	}{
		{"process_creation keywords", "category: process_creation", "keywords: [mimikatz]\ncondition: keywords", event.FieldProcessGuid, true},
		{"keywords of every record", "", "keywords: [mimikatz]\ncondition: keywords", event.FieldUtcTime, true},
		{"security keywords without EventID", "service: security", "keywords: [mimikatz]\ncondition: keywords", event.FieldLogonGuid, true},
		{"keywords pinned to 5142", "", "sel: {Channel: Security, EventID: 5142}\nkw: [mimikatz]\ncondition: sel and kw", event.FieldProcessGuid, false},
		{"keywords pinned to 5142, command line", "", "sel: {Channel: Security, EventID: 5142}\nkw: [mimikatz]\ncondition: sel and kw", event.FieldCommandLine, false},
		{"security 4624 field", "service: security", "sel: {EventID: 4624, CommandLine|contains: x}\ncondition: sel", event.FieldCommandLine, false},
		{"sysmon EventID 1 field", "service: sysmon", "sel: {EventID: 1, Image|endswith: '\\x.exe'}\ncondition: sel", event.FieldImage, true},
		{"sysmon EventID 1, another field", "service: sysmon", "sel: {EventID: 1, Image|endswith: '\\x.exe'}\ncondition: sel", event.FieldProcessGuid, false},
		{"registry rule", "category: registry_set", "sel: {Image|endswith: '\\x.exe'}\ncondition: sel", event.FieldImage, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := logsourceRule(t, tc.logsource, tc.det)
			if got := r.ReadsField(tc.field); got != tc.want {
				t.Errorf("ReadsField(%s) = %v, want %v", tc.field.Name(), got, tc.want)
			}
		})
	}
}

// TestReadsFieldWithin: a keyword search reads a GUID or time field only
// if one of its values could match text of that field's characters.
func TestReadsFieldWithin(t *testing.T) {
	const guid, utc = "{}-0123456789abcdefABCDEF", "0123456789-:. "
	for _, tc := range []struct {
		name, det string
		field     event.Field
		chars     string
		want      bool
	}{
		{"word outside hex", "keywords: [mimikatz]\ncondition: keywords", event.FieldProcessGuid, guid, false},
		{"hex word, either case", "keywords: [DEADbeef]\ncondition: keywords", event.FieldProcessGuid, guid, true},
		{"one value of several", "keywords: [mimikatz, 'beef']\ncondition: keywords", event.FieldProcessGuid, guid, true},
		{"wildcards between hex", "keywords: ['dead*beef?']\ncondition: keywords", event.FieldLogonGuid, guid, true},
		{"wildcards around a word", "keywords: ['*kiwi*']\ncondition: keywords", event.FieldLogonGuid, guid, false},
		{"non-ASCII letter", "keywords: ['café']\ncondition: keywords", event.FieldProcessGuid, guid, false},
		{"time text", "keywords: ['07:35']\ncondition: keywords", event.FieldUtcTime, utc, true},
		{"letters in a time", "keywords: ['07:35 PM']\ncondition: keywords", event.FieldUtcTime, utc, false},
		{"regular expression", "keywords:\n    '|re': ['kiwi']\ncondition: keywords", event.FieldProcessGuid, guid, true},
		{"a selection on the field", "sel: {ProcessGuid|contains: kiwi}\ncondition: sel", event.FieldProcessGuid, guid, true},
		{"a selection on another field", "sel: {Image|contains: kiwi}\ncondition: sel", event.FieldProcessGuid, guid, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := logsourceRule(t, "category: process_creation", tc.det)
			if got := r.ReadsFieldWithin(tc.field, tc.chars); got != tc.want {
				t.Errorf("ReadsFieldWithin(%s, %q) = %v, want %v", tc.field.Name(), tc.chars, got, tc.want)
			}
			if !r.ReadsField(tc.field) && tc.want {
				t.Errorf("ReadsFieldWithin is true where ReadsField is false")
			}
		})
	}
}
