package sigma

import (
	"testing"
)

func TestWildcardsAndEscapes(t *testing.T) {
	img := func(v string) map[string]string { return map[string]string{"Image": v} }
	runMatchCases(t, []matchCase{
		{"plain equals, any case", `sel: {Image: 'C:\Windows\cmd.exe'}` + "\ncondition: sel", img(`c:\WINDOWS\CMD.EXE`), true},
		{"plain is not contains", `sel: {Image: 'cmd.exe'}` + "\ncondition: sel", img(`C:\Windows\cmd.exe`), false},
		{"star prefix", `sel: {Image: '*\cmd.exe'}` + "\ncondition: sel", img(`C:\Windows\cmd.exe`), true},
		{"star middle", `sel: {Image: 'C:\\*\cmd.exe'}` + "\ncondition: sel", img(`C:\Windows\System32\cmd.exe`), true},
		{"backslash star is a plain star", `sel: {Image: 'C:\*\cmd.exe'}` + "\ncondition: sel", img(`C:\Windows\System32\cmd.exe`), false},
		{"star middle no match", `sel: {Image: 'D:\*\cmd.exe'}` + "\ncondition: sel", img(`C:\Windows\cmd.exe`), false},
		{"question mark one char", `sel: {Image: 'cm?.exe'}` + "\ncondition: sel", img(`cmd.exe`), true},
		{"question mark not zero", `sel: {Image: 'cmd?.exe'}` + "\ncondition: sel", img(`cmd.exe`), false},
		{"question mark one rune", `sel: {Image: 'caf?.exe'}` + "\ncondition: sel", img("caf\u00e9.exe"), true},
		{"escaped star is literal", `sel: {Image: 'a\*b'}` + "\ncondition: sel", img(`a*b`), true},
		{"escaped star not wildcard", `sel: {Image: 'a\*b'}` + "\ncondition: sel", img(`axxb`), false},
		{"escaped question", `sel: {Image: 'a\?'}` + "\ncondition: sel", img(`a?`), true},
		{"escaped question not wildcard", `sel: {Image: 'a\?'}` + "\ncondition: sel", img(`ab`), false},
		{"double backslash before star", `sel: {Image: 'C:\\*'}` + "\ncondition: sel", img(`C:\Windows`), true},
		{"backslash before letter is literal", `sel: {Image: 'C:\Windows'}` + "\ncondition: sel", img(`C:\Windows`), true},
		{"double backslash is one", `sel: {Image: 'C:\\Windows'}` + "\ncondition: sel", img(`C:\Windows`), true},
		{"four backslashes are two", `sel: {Image: '\\\\server'}` + "\ncondition: sel", img(`\\server`), true},
		{"trailing backslash", `sel: {Image|startswith: 'C:\Program Files\'}` + "\ncondition: sel", img(`C:\Program Files\x.exe`), true},
		{"three backslashes then star", `sel: {Image: 'a\\\*'}` + "\ncondition: sel", img(`a\*`), true},
		{"empty matches empty", `sel: {Image: ''}` + "\ncondition: sel", img(``), true},
		{"empty does not match text", `sel: {Image: ''}` + "\ncondition: sel", img(`x`), false},
		{"empty does not match absent", `sel: {Image: ''}` + "\ncondition: sel", map[string]string{"CommandLine": "x"}, false},
		{"non-ASCII folds", `sel: {Image|contains: 'ÄRGER'}` + "\ncondition: sel", img(`c:\ärger.exe`), true},
		{"Kelvin sign is not k", `sel: {Image: 'k'}` + "\ncondition: sel", img("\u212a"), false},
		{"emoji exact", `sel: {CommandLine|contains: '🔥'}` + "\ncondition: sel", map[string]string{"CommandLine": "echo 🔥"}, true},
	}, Options{})
}

func TestModifiers(t *testing.T) {
	cl := func(v string) map[string]string { return map[string]string{"CommandLine": v} }
	runMatchCases(t, []matchCase{
		{"contains", `sel: {CommandLine|contains: 'Invoke-'}` + "\ncondition: sel", cl(`powershell invoke-expression`), true},
		{"contains no", `sel: {CommandLine|contains: 'Invoke-'}` + "\ncondition: sel", cl(`powershell iex`), false},
		{"startswith", `sel: {CommandLine|startswith: 'cmd'}` + "\ncondition: sel", cl(`CMD /c dir`), true},
		{"startswith no", `sel: {CommandLine|startswith: 'cmd'}` + "\ncondition: sel", cl(`x cmd`), false},
		{"endswith", `sel: {CommandLine|endswith: '.ps1'}` + "\ncondition: sel", cl(`run a.PS1`), true},
		{"endswith no", `sel: {CommandLine|endswith: '.ps1'}` + "\ncondition: sel", cl(`a.ps1 x`), false},
		{"list is OR", "sel:\n    CommandLine|contains: ['aaa', 'bbb']\ncondition: sel", cl(`x bbb`), true},
		{"all is AND", "sel:\n    CommandLine|contains|all: ['aaa', 'bbb']\ncondition: sel", cl(`bbb aaa`), true},
		{"all is AND, one missing", "sel:\n    CommandLine|contains|all: ['aaa', 'bbb']\ncondition: sel", cl(`bbb`), false},
		{"cased", `sel: {CommandLine|contains|cased: 'SeDebug'}` + "\ncondition: sel", cl(`x SeDebug`), true},
		{"cased wrong case", `sel: {CommandLine|contains|cased: 'SeDebug'}` + "\ncondition: sel", cl(`x sedebug`), false},
		{"windash slash", `sel: {CommandLine|contains|windash: ' -enc '}` + "\ncondition: sel", cl(`powershell /enc AAA`), true},
		{"windash en dash", `sel: {CommandLine|contains|windash: ' -enc '}` + "\ncondition: sel", cl("powershell \u2013enc AAA"), true},
		{"windash em dash", `sel: {CommandLine|contains|windash: ' -enc '}` + "\ncondition: sel", cl("powershell \u2014enc AAA"), true},
		{"windash horizontal bar", `sel: {CommandLine|contains|windash: ' -enc '}` + "\ncondition: sel", cl("powershell \u2015enc AAA"), true},
		{"windash hyphen", `sel: {CommandLine|contains|windash: ' -enc '}` + "\ncondition: sel", cl(`powershell -enc AAA`), true},
		{"windash other char", `sel: {CommandLine|contains|windash: ' -enc '}` + "\ncondition: sel", cl(`powershell +enc AAA`), false},
		{"windash keeps inner hyphen", `sel: {CommandLine|contains|windash: 'Get-Item'}` + "\ncondition: sel", cl(`Get/Item`), false},
		{"windash from slash", `sel: {CommandLine|contains|windash: '/c'}` + "\ncondition: sel", cl(`cmd -c`), true},
		{"re", `sel: {CommandLine|re: 'ipconfig\s+/all'}` + "\ncondition: sel", cl(`ipconfig   /all`), true},
		{"re is case-sensitive", `sel: {CommandLine|re: 'ipconfig'}` + "\ncondition: sel", cl(`IPCONFIG`), false},
		{"re i", `sel: {CommandLine|re|i: 'ipconfig'}` + "\ncondition: sel", cl(`IPCONFIG`), true},
		{"re unanchored", `sel: {CommandLine|re: 'b+c'}` + "\ncondition: sel", cl(`abbbcd`), true},
		{"re without m: ^ is text start", `sel: {CommandLine|re: '^two'}` + "\ncondition: sel", cl("one\ntwo"), false},
		{"re m: ^ is line start", `sel: {CommandLine|re|m: '^two'}` + "\ncondition: sel", cl("one\ntwo"), true},
		{"re without s: dot stops at newline", `sel: {CommandLine|re: 'a.b'}` + "\ncondition: sel", cl("a\nb"), false},
		{"re s: dot matches newline", `sel: {CommandLine|re|s: 'a.b'}` + "\ncondition: sel", cl("a\nb"), true},
		{"re lookahead (backtracking engine)", `sel: {CommandLine|re: 'foo(?!bar)'}` + "\ncondition: sel", cl(`foobaz`), true},
		{"re lookahead rejects", `sel: {CommandLine|re: 'foo(?!bar)'}` + "\ncondition: sel", cl(`foobar`), false},
		{"re backreference", `sel: {CommandLine|re: '(\w)\1\1'}` + "\ncondition: sel", cl(`zzz`), true},
		{"re run of a class", `sel: {CommandLine|re: '.{10,}'}` + "\ncondition: sel", cl(`0123456789`), true},
		{"re run too short", `sel: {CommandLine|re: '.{10,}'}` + "\ncondition: sel", cl("01234\n56789"), false},
		{"base64", `sel: {CommandLine|base64|contains: 'http://'}` + "\ncondition: sel", cl(`x aHR0cDovLw== y`), true},
		{"base64 is case-sensitive", `sel: {CommandLine|base64|contains: 'http://'}` + "\ncondition: sel", cl(`x AHR0CDOVLW== y`), false},
		{"base64offset shift 0", `sel: {CommandLine|base64offset|contains: 'http://'}` + "\ncondition: sel", cl(`aHR0cDovL`), true},
		{"base64offset shift 1", `sel: {CommandLine|base64offset|contains: 'http://'}` + "\ncondition: sel", cl(`eGh0dHA6Ly9`), true},
		{"base64offset shift 2", `sel: {CommandLine|base64offset|contains: 'http://'}` + "\ncondition: sel", cl(`eHhodHRwOi8v`), true},
		{"base64offset wrong", `sel: {CommandLine|base64offset|contains: 'http://'}` + "\ncondition: sel", cl(`aHR0cHM6`), false},
		{"wide base64offset", `sel: {CommandLine|wide|base64offset|contains: 'ping'}` + "\ncondition: sel", cl(`cABpAG4AZwA`), true},
		{"utf16le base64", `sel: {CommandLine|utf16le|base64: 'ab'}` + "\ncondition: sel", cl(`YQBiAA==`), true},
		{"utf16be base64", `sel: {CommandLine|utf16be|base64: 'ab'}` + "\ncondition: sel", cl(`AGEAYg==`), true},
		{"utf16 base64 with BOM", `sel: {CommandLine|utf16|base64: 'ab'}` + "\ncondition: sel", cl(`//5hAGIA`), true},
		{"neq", `sel: {CommandLine|neq: 'a'}` + "\ncondition: sel", cl(`b`), true},
		{"neq equal", `sel: {CommandLine|neq: 'a'}` + "\ncondition: sel", cl(`A`), false},
		{"neq absent", `sel: {Image|neq: 'a'}` + "\ncondition: sel", cl(`b`), false},
	}, Options{})
}

func TestTypeModifiers(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"exists true", `sel: {Hashes|exists: true}` + "\ncondition: sel", map[string]string{"Hashes": ""}, true},
		{"exists true absent", `sel: {Hashes|exists: true}` + "\ncondition: sel", map[string]string{"Image": "x"}, false},
		{"exists false absent", `sel: {Hashes|exists: false}` + "\ncondition: sel", map[string]string{"Image": "x"}, true},
		{"exists false present", `sel: {Hashes|exists: false}` + "\ncondition: sel", map[string]string{"Hashes": "x"}, false},
		{"lt", `sel: {ProcessId|lt: 100}` + "\ncondition: sel", map[string]string{"ProcessId": "99"}, true},
		{"lt equal", `sel: {ProcessId|lt: 100}` + "\ncondition: sel", map[string]string{"ProcessId": "100"}, false},
		{"lte equal", `sel: {ProcessId|lte: 100}` + "\ncondition: sel", map[string]string{"ProcessId": "100"}, true},
		{"gt", `sel: {ProcessId|gt: 100}` + "\ncondition: sel", map[string]string{"ProcessId": "0x65"}, true},
		{"gte", `sel: {ProcessId|gte: 101}` + "\ncondition: sel", map[string]string{"ProcessId": "101"}, true},
		{"gte less", `sel: {ProcessId|gte: 101}` + "\ncondition: sel", map[string]string{"ProcessId": "100"}, false},
		{"gt on text field holding a number", `sel: {TerminalSessionId|gt: 0}` + "\ncondition: sel", map[string]string{"TerminalSessionId": "2"}, true},
		{"gt on text", `sel: {Image|gt: 0}` + "\ncondition: sel", map[string]string{"Image": "abc"}, false},
		{"cidr v4", `sel: {CommandLine|cidr: '10.0.0.0/8'}` + "\ncondition: sel", map[string]string{"CommandLine": "10.1.2.3"}, true},
		{"cidr v4 outside", `sel: {CommandLine|cidr: '10.0.0.0/8'}` + "\ncondition: sel", map[string]string{"CommandLine": "11.1.2.3"}, false},
		{"cidr v6", `sel: {CommandLine|cidr: 'fe80::/10'}` + "\ncondition: sel", map[string]string{"CommandLine": "fe80::1"}, true},
		{"cidr not an address", `sel: {CommandLine|cidr: '10.0.0.0/8'}` + "\ncondition: sel", map[string]string{"CommandLine": "ten"}, false},
		{"fieldref equal", `sel: {Image|fieldref: ParentImage}` + "\ncondition: sel", map[string]string{"Image": `C:\A.exe`, "ParentImage": `c:\a.EXE`}, true},
		{"fieldref differ", `sel: {Image|fieldref: ParentImage}` + "\ncondition: sel", map[string]string{"Image": `C:\A.exe`, "ParentImage": `C:\B.exe`}, false},
		{"fieldref other absent", `sel: {Image|fieldref: ParentImage}` + "\ncondition: sel", map[string]string{"Image": `C:\A.exe`}, false},
		{"fieldref contains", `sel: {CommandLine|fieldref|contains: Image}` + "\ncondition: sel", map[string]string{"Image": `a.exe`, "CommandLine": `run A.EXE now`}, true},
		{"fieldref startswith", `sel: {CommandLine|fieldref|startswith: Image}` + "\ncondition: sel", map[string]string{"Image": `a.exe`, "CommandLine": `a.exe now`}, true},
		{"fieldref endswith", `sel: {CommandLine|fieldref|endswith: Image}` + "\ncondition: sel", map[string]string{"Image": `a.exe`, "CommandLine": `run a.exe`}, true},
		{"fieldref endswith no", `sel: {CommandLine|fieldref|endswith: Image}` + "\ncondition: sel", map[string]string{"Image": `a.exe`, "CommandLine": `a.exe run`}, false},
		{"fieldref cased", `sel: {Image|fieldref|cased: ParentImage}` + "\ncondition: sel", map[string]string{"Image": `A`, "ParentImage": `a`}, false},
		{"fieldref neq", `sel: {User|fieldref|neq: ParentUser}` + "\ncondition: sel", map[string]string{"User": `a\x`, "ParentUser": `a\y`}, true},
	}, Options{})
}

func TestExpand(t *testing.T) {
	opts := Options{Placeholders: map[string][]string{
		"Admins":     {"root", "adm*"},
		"userdomain": {"%userdomain%"},
	}}
	runMatchCases(t, []matchCase{
		{"first value", `sel: {User|expand: '%Admins%'}` + "\ncondition: sel", map[string]string{"User": "ROOT"}, true},
		{"wildcard value", `sel: {User|expand: '%Admins%'}` + "\ncondition: sel", map[string]string{"User": "admin"}, true},
		{"no value", `sel: {User|expand: '%Admins%'}` + "\ncondition: sel", map[string]string{"User": "guest"}, false},
		{"with text around", `sel: {User|expand: 'CORP\\%Admins%'}` + "\ncondition: sel", map[string]string{"User": `corp\root`}, true},
		{"name ignores case", `sel: {User|expand: '%admins%'}` + "\ncondition: sel", map[string]string{"User": "root"}, true},
		{"escaped percent", `sel: {User|expand: '\%x%Admins%'}` + "\ncondition: sel", map[string]string{"User": "%xroot"}, true},
		{"contains expand", `sel: {CommandLine|contains|expand: '%userdomain%'}` + "\ncondition: sel", map[string]string{"CommandLine": "echo %USERDOMAIN%"}, true},
		{"no expand is literal", `sel: {User: '%Admins%'}` + "\ncondition: sel", map[string]string{"User": "%admins%"}, true},
	}, opts)
}

func TestNullAndMissingFields(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"null matches absent", `sel: {ParentUser: null}` + "\ncondition: sel", map[string]string{"Image": "x"}, true},
		{"null does not match empty", `sel: {ParentUser: null}` + "\ncondition: sel", map[string]string{"ParentUser": ""}, false},
		{"null does not match value", `sel: {ParentUser: null}` + "\ncondition: sel", map[string]string{"ParentUser": "x"}, false},
		{"null in a list", "sel:\n    ParentUser: [null, '']\ncondition: sel", map[string]string{"ParentUser": ""}, true},
		{"quoted null is text", `sel: {ParentUser: 'null'}` + "\ncondition: sel", map[string]string{"ParentUser": "NULL"}, true},
		{"absent field is false", `sel: {Hashes|contains: 'MD5='}` + "\ncondition: sel", map[string]string{"Image": "x"}, false},
		{"not of absent field is true", `sel: {Hashes|contains: 'MD5='}` + "\ncondition: not sel", map[string]string{"Image": "x"}, true},
		{"unknown field is false", "sel:\n    Image: x\n    GrandParentImage|endswith: '\\a.exe'\ncondition: sel", map[string]string{"Image": "x"}, false},
		{"unknown field null is true", `sel: {GrandParentImage: null}` + "\ncondition: sel", map[string]string{"Image": "x"}, true},
		{"identity field always present", `sel: {EventID: 1}` + "\ncondition: sel", map[string]string{"Image": "x"}, true},
		{"number compared numerically", `sel: {ProcessId: '0x1F4'}` + "\ncondition: sel", map[string]string{"ProcessId": "500"}, true},
		{"number wildcard on text", `sel: {ProcessId: '5*'}` + "\ncondition: sel", map[string]string{"ProcessId": "500"}, true},
		{"logon id numerically", `sel: {LogonId: '0x00000000000003e7'}` + "\ncondition: sel", map[string]string{"LogonId": "0x3e7"}, true},
		{"Provider_Name alias", `sel: {Provider_Name: 'Microsoft-Windows-Sysmon'}` + "\ncondition: sel", map[string]string{"Image": "x"}, true},
	}, Options{})
}

func TestKeywords(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"keyword in a field", "keywords:\n    - 'mimikatz'\ncondition: keywords", map[string]string{"CommandLine": "run Mimikatz.exe"}, true},
		{"keyword in another field", "keywords:\n    - 'mimikatz'\ncondition: keywords", map[string]string{"Description": "mimikatz for Windows"}, true},
		{"keyword absent", "keywords:\n    - 'mimikatz'\ncondition: keywords", map[string]string{"CommandLine": "notepad"}, false},
		{"keyword list is OR", "keywords:\n    - 'aaa'\n    - 'bbb'\ncondition: keywords", map[string]string{"Image": "bbb"}, true},
		{"keyword scalar", "keywords: 'aaa'\ncondition: keywords", map[string]string{"Image": "xaaax"}, true},
		{"keyword all across fields", "keywords:\n    '|all':\n        - 'aaa'\n        - 'bbb'\ncondition: keywords", map[string]string{"Image": "aaa", "CommandLine": "bbb"}, true},
		{"keyword all missing one", "keywords:\n    '|all':\n        - 'aaa'\n        - 'bbb'\ncondition: keywords", map[string]string{"Image": "aaa"}, false},
	}, Options{})
}

func TestSelections(t *testing.T) {
	ev := map[string]string{"Image": `C:\Windows\System32\rundll32.exe`, "CommandLine": `rundll32 shell32.dll,Control_RunDLL`, "ParentImage": `C:\Windows\explorer.exe`}
	runMatchCases(t, []matchCase{
		{"map is AND", "sel:\n    Image|endswith: '\\rundll32.exe'\n    CommandLine|contains: 'shell32'\ncondition: sel", ev, true},
		{"map is AND, one false", "sel:\n    Image|endswith: '\\rundll32.exe'\n    CommandLine|contains: 'user32'\ncondition: sel", ev, false},
		{"list of maps is OR", "sel:\n    - Image|endswith: '\\cmd.exe'\n    - CommandLine|contains: 'shell32'\ncondition: sel", ev, true},
		{"list of maps, none", "sel:\n    - Image|endswith: '\\cmd.exe'\n    - CommandLine|contains: 'user32'\ncondition: sel", ev, false},
	}, Options{})
}

func TestConditions(t *testing.T) {
	ev := map[string]string{"Image": "a", "CommandLine": "b"}
	sels := "selA: {Image: a}\nselB: {CommandLine: b}\nfilterX: {Image: x}\nfilterY: {CommandLine: y}\n_hidden: {Image: nope}\n"
	cases := []struct {
		cond string
		want bool
	}{
		{"selA and selB and not filterX and not filterY and not _hidden", true},
		{"selA and filterX", false},
		{"selA or filterX and filterY", true},    // and binds tighter than or
		{"(selA or filterX) and filterY", false}, // parentheses
		{"not selA or selB", true},
		{"not (selA and selB) or _hidden or filterX or filterY", false},
		{"not not selA and not (_hidden or filterX or filterY)", true},
		{"1 of sel* and not 1 of filter* and not _hidden", true},
		{"any of sel* and not 1 of filter* and not _hidden", true},
		{"all of sel* and not 1 of filter* and not _hidden", true},
		{"all of filter* or selA and not _hidden", true},
		{"1 of filter* or all of selA or _hidden", true},
		{"1 of them", true},
		{"all of them", false},
		{"all of them or 2 of sel*", true},
		{"2 of filter* or not 1 of sel?", false},
		{"1 of filter* or _hidden", false},
	}
	for _, tc := range cases {
		// The trailing term is always false; it uses every identifier, as
		// the loader requires.
		det := sels + "condition: (" + tc.cond + ") or (selA and selB and filterX and filterY and _hidden)"
		runMatchCases(t, []matchCase{{tc.cond, det, ev, tc.want}}, Options{})
	}
}

func TestThemSkipsUnderscore(t *testing.T) {
	// all of them ignores _filter; without that rule it could not match.
	det := "selA: {Image: a}\n_filter: {Image: b}\ncondition: all of them or _filter"
	runMatchCases(t, []matchCase{{"them", det, map[string]string{"Image": "a"}, true}}, Options{})
}

func TestConditionList(t *testing.T) {
	det := "selA: {Image: a}\nselB: {Image: b}\ncondition:\n    - selA\n    - selB"
	runMatchCases(t, []matchCase{
		{"first", det, map[string]string{"Image": "a"}, true},
		{"second", det, map[string]string{"Image": "b"}, true},
		{"neither", det, map[string]string{"Image": "c"}, false},
	}, Options{})
}
