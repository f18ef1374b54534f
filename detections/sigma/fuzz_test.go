package sigma

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// fuzzEvents are matched by every rule the fuzzers manage to compile, so
// that matching is exercised on hostile rules too.
var fuzzEvents = []*event.Process{
	sysmonEvent(map[string]string{"Image": `C:\Windows\System32\cmd.exe`, "CommandLine": `cmd /c "whoami /all" – 🔥 ÄRGER`, "User": `CORP\bob`, "ProcessId": "4242"}),
	security4688(map[string]string{"NewProcessName": `C:\x\powershell.exe`, "CommandLine": "powershell -enc SQBFAFgA", "SubjectUserName": "a", "SubjectDomainName": "b"}),
	{},
}

// fuzzGeneralEvents are the general records every compiled rule is
// matched against, from several log sources.
var fuzzGeneralEvents = []*event.Event{
	newEvent(chSysmon, 13, "EventType", "SetValue", "TargetObject", `HKLM\Software\Run\x`, "Details", "DWORD (0x00000001)", "Image", `C:\x.exe`),
	newEvent(chSecurity, 4657, "ObjectName", `\REGISTRY\MACHINE\Software`, "ObjectValueName", "x", "OperationType", "%%1905", "NewValue", "1"),
	newEvent(chSecurity, 4624, "TargetUserName", "alice", "LogonType", "3", "IpAddress", "::1"),
	newEvent(chPowerShellV2, 400, "Data_1", "Available", "Data_2", "HostApplication=powershell -enc ÄÖ"),
	newEvent("Microsoft-Windows-Windows Defender/Operational", 1116, "Threat Name", "x", "Process Name", "y"),
	{},
}

// FuzzParseRules feeds rule files to the loader: it must never panic, and
// what it compiles must match without panicking and agree with RuleSet,
// on process events and general records.
func FuzzParseRules(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "rules", "*", "*.y*ml"))
	general, _ := filepath.Glob(filepath.Join("testdata", "selection", "*.yml"))
	seeds = append(seeds, general...)
	more, _ := filepath.Glob(filepath.Join("testdata", "rules", "*.yml"))
	lint, _ := filepath.Glob(filepath.Join("testdata", "lint", "*.yml"))
	for _, path := range append(append(seeds, more...), lint...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(ruleYAML("sel: {CommandLine|re: '(a+)+$'}\ncondition: sel")))
	f.Add([]byte(ruleYAML("keywords: ['x']\ncondition: keywords")))
	f.Add([]byte(ruleYAML("keywords: ['DEAD-beef', '07:35', 'mimikatz']\ncondition: keywords")))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, _ := ParseRules(data, "fuzz.yml", Options{Placeholders: map[string][]string{"p": {"a*", "b"}}})
		set := NewRuleSet(rules)
		for _, p := range fuzzEvents {
			got := set.Match(p, nil)
			n := 0
			for _, r := range rules {
				if r.Match(p) {
					n++
				}
			}
			if n != len(got) {
				t.Fatalf("RuleSet.Match found %d rules, the rules themselves %d", len(got), n)
			}
		}
		for _, e := range fuzzGeneralEvents {
			got := set.MatchEvent(e, nil)
			n := 0
			for _, r := range rules {
				if r.MatchEvent(e) {
					n++
				}
			}
			if n != len(got) {
				t.Fatalf("RuleSet.MatchEvent found %d rules, the rules themselves %d", len(got), n)
			}
		}
		if set.Selection() == nil {
			t.Fatal("RuleSet without a Selection")
		}
		for _, f := range event.Fields() {
			if f != event.FieldChannel && f != event.FieldEventID { // every match reads them (log sources)
				checkReadsField(t, set, f)
			}
		}
		for _, sh := range shapedFields {
			checkReadsFieldWithin(t, set, sh.field, sh.chars, sh.values)
		}
	})
}

// checkReadsField: a rule that does not read f (Rule.ReadsField) gives
// the same answer whatever f holds, or whether the event has it at all:
// deferring only the rules that read ParentCommandLine, and memoizing
// hits by the values the rules read (detections.Memo), are exact.
func checkReadsField(t *testing.T, set *RuleSet, f event.Field) {
	skip := make([]bool, len(set.Rules()))
	for i, r := range set.Rules() {
		skip[i] = r.ReadsField(f)
	}
	for _, p := range fuzzEvents {
		for _, v := range []string{"", "4242", "whoami /all", "powershell -enc SQBFAFgA"} {
			q := *p
			if f.IsNumber() {
				n, _ := strconv.ParseUint(v, 10, 64)
				q.SetNumber(f, n)
			} else {
				q.Set(f, v)
			}
			without := set.MatchExcept(p, nil, skip)
			with := set.MatchExcept(&q, nil, skip)
			if len(without) != len(with) {
				t.Fatalf("rules not reading %v: %d match on the event, %d once it holds %q", f, len(without), len(with), v)
			}
		}
	}
}

// shapedFields are fields whose values keep to an alphabet, with values
// of it, for checkReadsFieldWithin (the memo's shapes, detections.memoShapes).
var shapedFields = []struct {
	field  event.Field
	chars  string
	values []string
}{
	{event.FieldProcessGuid, "{}-0123456789abcdefABCDEF", []string{"{0A1B2C3D-DEAD-BEEF-0000-00000000abcd}", "", "-", "{ffffffff-ffff}"}},
	{event.FieldLogonGuid, "{}-0123456789abcdefABCDEF", []string{"{00000000-0000-0000-0000-000000000000}", "cafe"}},
	{event.FieldUtcTime, "0123456789-:. ", []string{"2024-03-12 07:35:34.447", "4242", " "}},
}

// checkReadsFieldWithin: a rule that does not read f when it holds only
// characters of chars (Rule.ReadsFieldWithin) gives the same answer
// whichever such value f holds, or whether the event has it at all: the
// memo keys such a value as if the event lacked the field.
func checkReadsFieldWithin(t *testing.T, set *RuleSet, f event.Field, chars string, values []string) {
	skip := make([]bool, len(set.Rules()))
	for i, r := range set.Rules() {
		skip[i] = r.ReadsFieldWithin(f, chars)
	}
	for _, p := range fuzzEvents {
		base := *p
		base.Has &^= 1 << f
		want := set.MatchExcept(&base, nil, skip)
		for _, v := range values {
			q := base
			q.Set(f, v)
			if got := set.MatchExcept(&q, nil, skip); len(got) != len(want) {
				t.Fatalf("rules not reading %v within %q: %d match without it, %d once it holds %q", f.Name(), chars, len(want), len(got), v)
			}
		}
	}
}

// FuzzCondition feeds conditions to the parser: it must never panic and
// must either compile or say where the problem is.
func FuzzCondition(f *testing.F) {
	for _, c := range []string{
		"selection", "selection and not filter", "1 of selection_* and not 1 of filter_*",
		"all of them", "(a or b) and not (c or d)", "selection | count() by x > 5", "not not a",
		"2 of sel*", "any of f?lter*", "((a)", "a and",
	} {
		f.Add(c)
	}
	names := []string{"selection", "selection_a", "selection_b", "filter", "filter_x", "a", "b", "c", "d", "_h"}
	sels := make([]*selection, len(names))
	for i := range sels {
		sels[i] = &selection{alts: [][]*item{{{ref: fieldRef{name: "Image", field: event.FieldImage, known: true},
			ms: []matcher{patternMatcher{pat: compilePattern(parseSigmaString(names[i]), false)}}}}}}
	}
	f.Fuzz(func(t *testing.T, cond string) {
		n, err := parseCondition(cond, names)
		if err != nil {
			var ce *ConditionError
			if !errors.As(err, &ce) || ce.Column < 1 || ce.Column > len(cond)+1 {
				t.Fatalf("error %v has no valid column", err)
			}
			return
		}
		for _, p := range fuzzEvents {
			n.eval(sels, record{p: p})
		}
		n.requirement(sels, processKey)
	})
}

// FuzzPattern checks the wildcard matcher against Go's regexp on the same
// pattern.
func FuzzPattern(f *testing.F) {
	f.Add("*\\cmd.exe", `C:\Windows\cmd.exe`)
	f.Add("a?c*e", "ABCDE")
	f.Add("*ä*", "XÄX")
	f.Fuzz(func(t *testing.T, raw, s string) {
		if !utf8.ValidString(raw) || !utf8.ValidString(s) {
			t.Skip("the regexp oracle needs valid UTF-8")
		}
		p := compilePattern(parseSigmaString(raw), true)
		re := globRegexp(parseSigmaString(raw))
		if got, want := p.match(s), re.MatchString(s); got != want {
			t.Fatalf("pattern %q on %q: got %v, regexp %s says %v", raw, s, got, re, want)
		}
	})
}

// FuzzTrimForSearch checks that cutting an expression's ends for a
// match-anywhere question never changes the answer.
func FuzzTrimForSearch(f *testing.F) {
	f.Add(`(a|b)*c{3,}(d|)`, "xxcccd")
	f.Add(`\bfoo\s+`, "a foo  b")
	f.Add(`^x{2,5}$`, "xxx")
	f.Add(`(?i)(net|arp)(\s+-a){2,}`, "ARP -a -a")
	f.Add(`a+?b*?`, "aab")
	f.Fuzz(func(t *testing.T, src, s string) {
		parsed, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			return
		}
		orig, err := regexp.Compile(src)
		if err != nil {
			return
		}
		trimmed, err := regexp.Compile(printRegexp(trimForSearch(parsed)))
		if err != nil {
			t.Fatalf("trimmed %q does not compile: %v", printRegexp(trimForSearch(parsed)), err)
		}
		if a, b := orig.MatchString(s), trimmed.MatchString(s); a != b {
			t.Fatalf("%q on %q: %v, trimmed %q: %v", src, s, a, trimForSearch(parsed), b)
		}
	})
}
