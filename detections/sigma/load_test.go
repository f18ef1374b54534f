package sigma

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadPathsFolder(t *testing.T) {
	rules, _, errs := LoadPaths([]string{filepath.Join("testdata", "rules")}, Options{})
	if len(Errors(errs)) != 0 {
		t.Fatalf("errors: %v", Errors(errs))
	}
	if len(errs) != 1 || !errs[0].Note || errs[0].Skip != SkipProduct || !strings.HasSuffix(errs[0].File, "linux.yml") {
		t.Errorf("want one note for linux.yml, got %v", errs)
	}
	var got []string
	for _, r := range rules {
		got = append(got, r.ID+" "+r.Title+" "+r.Level.String())
	}
	want := []string{
		"7c2b7a7e-0b1e-4d0c-9d4a-000000000002 Encoded PowerShell medium",
		"7c2b7a7e-0b1e-4d0c-9d4a-000000000003 Encoded PowerShell, long form high",
		"7c2b7a7e-0b1e-4d0c-9d4a-000000000004 Shortcut file written low",
		"7c2b7a7e-0b1e-4d0c-9d4a-000000000001 Whoami Execution low",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	enc := sysmonEvent(map[string]string{"Image": `C:\x\powershell.exe`, "CommandLine": "powershell /encodedcommand AAAA"})
	if rules[0].Match(enc) || !rules[1].Match(enc) {
		t.Errorf("collection rules: short form matched %v (want false), long form %v (want true)", rules[0].Match(enc), rules[1].Match(enc))
	}
	if rules[1].Status != "experimental" || rules[1].Line != 19 {
		t.Errorf("repeated rule: status %q line %d, want experimental and 19", rules[1].Status, rules[1].Line)
	}
	if got := rules[2].LogSource().String(); got != "windows/file_event/" {
		t.Errorf("file_event rule's LogSource = %q", got)
	}
	if tags := rules[3].AttackTags(); strings.Join(tags, ",") != "attack.discovery,attack.t1033" {
		t.Errorf("AttackTags = %v", tags)
	}
}

func TestLoadPathsFileAndMissing(t *testing.T) {
	file := filepath.Join("testdata", "rules", "whoami.yml")
	rules, _, errs := LoadPaths([]string{file, filepath.Join("testdata", "absent")}, Options{})
	if len(rules) != 1 || rules[0].Source != file || rules[0].Line != 1 {
		t.Fatalf("rules = %v", rules)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "absent") {
		t.Errorf("errs = %v, want one naming the missing path", errs)
	}
}

func TestDuplicateIDs(t *testing.T) {
	file := filepath.Join("testdata", "rules", "whoami.yml")
	rules, _, errs := LoadPaths([]string{file, file}, Options{})
	if len(rules) != 1 || len(errs) != 1 {
		t.Fatalf("got %d rules, errors %v; want 1 rule and 1 error", len(rules), errs)
	}
	want := file + ":1: rule 7c2b7a7e-0b1e-4d0c-9d4a-000000000001: duplicate rule id: already defined at " + file + ":1; this one is skipped"
	if errs[0].Error() != want {
		t.Errorf("got  %s\nwant %s", errs[0], want)
	}
}

func TestLoadFS(t *testing.T) {
	data := ruleYAML("sel: {Image: a}\ncondition: sel")
	fsys := fstest.MapFS{
		"b/one.yml":  {Data: []byte(data)},
		"a/two.yaml": {Data: []byte(strings.Replace(data, "000000000001", "000000000002", 1))},
		"a/skip.txt": {Data: []byte("not yaml: [")},
		"c/dup.yml":  {Data: []byte(data)},
	}
	rules, _, errs := LoadFS(fsys, "builtin:", Options{})
	if len(rules) != 2 || rules[0].Source != "builtin:a/two.yaml" || rules[1].Source != "builtin:b/one.yml" {
		t.Fatalf("rules = %v", rules)
	}
	if len(errs) != 1 || errs[0].File != "builtin:c/dup.yml" || !strings.Contains(errs[0].Reason, "builtin:b/one.yml:1") {
		t.Errorf("errs = %v, want the duplicate in c/dup.yml", errs)
	}
}

func TestCombineKeepsFirst(t *testing.T) {
	a, _ := ParseRules([]byte(ruleYAML("sel: {Image: a}\ncondition: sel")), "builtin:a.yml", Options{})
	b, _ := ParseRules([]byte(ruleYAML("sel: {Image: b}\ncondition: sel")), "mine.yml", Options{})
	rules, errs := Combine(a, b)
	if len(rules) != 1 || rules[0].Source != "builtin:a.yml" || len(errs) != 1 || errs[0].File != "mine.yml" {
		t.Errorf("Combine = %v, %v", rules, errs)
	}
}

func TestPlaceholdersFile(t *testing.T) {
	ph, err := LoadPlaceholders(filepath.Join("testdata", "placeholders.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ph["Administrators"]; len(got) != 2 || got[1] != "Admin*" {
		t.Errorf("Administrators = %v", got)
	}
	for _, tc := range []struct{ yaml, msg string }{
		{"- a\n- b\n", "must be a map"},
		{"a: [x]\na: [y]\n", `"a" defined twice (first at line 1)`},
		{"a: {b: c}\n", "must be a string or a list"},
		{"a: []\n", "empty list"},
		{"a:\n", "no value"},
	} {
		_, err := ParsePlaceholders([]byte(tc.yaml), "ph.yml")
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "ph.yml:") {
			t.Errorf("%q: err = %v, want %q", tc.yaml, err, tc.msg)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for i, name := range []string{"informational", "low", "Medium", "HIGH", "critical"} {
		l, err := ParseLevel(name)
		if err != nil || l != Level(i) || l.String() != strings.ToLower(name) {
			t.Errorf("ParseLevel(%q) = %v, %v", name, l, err)
		}
	}
	if _, err := ParseLevel("severe"); err == nil {
		t.Error("ParseLevel(severe) succeeded")
	}
}
