package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRulesLintGolden lints the folder of deliberately broken rules and
// compares the report with the golden file.
func TestRulesLintGolden(t *testing.T) {
	out, errOut, code := runCLI(t, "rules", "lint", filepath.Join("testdata", "lint"))
	golden := filepath.Join("testdata", "rules_lint.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("rules lint output differs from %s (go test -run TestRulesLintGolden -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, out, want)
	}
	if code != exitUsage || !strings.Contains(errOut, "rules lint: 8 files of 12 have errors") {
		t.Errorf("exit %d, stderr %q; want %d and the error count", code, errOut, exitUsage)
	}
}

func TestRulesLintClean(t *testing.T) {
	sub := filepath.Join("testdata", "lint", "sub")
	out, errOut, code := runCLI(t, "rules", "lint", filepath.Join("testdata", "lint", "good.yml"), filepath.Join(sub, "file_event.yml"),
		filepath.Join(sub, "linux.yml"), filepath.Join(sub, "correlation.yml"))
	want := filepath.Join("testdata", "lint", "good.yml") + ": ok (1 rule)\n" +
		filepath.Join(sub, "file_event.yml") + ": ok (1 rule)\n" +
		filepath.Join(sub, "linux.yml") + ":4: note: rule 9a1f0000-0000-4000-8000-00000000000a: not a Windows rule (logsource product linux); skipped\n" +
		filepath.Join(sub, "correlation.yml") + ": ok (0 rules, 1 correlation)\n"
	if out != want || code != exitOK || errOut != "" {
		t.Errorf("got exit %d\nstdout:\n%s\nstderr: %s\nwant stdout:\n%s", code, out, errOut, want)
	}
}

// TestRulesLintCorrelations: a correlation's reference to a rule neither
// checked nor built in is an error naming file, line and rule; one to a
// built-in rule by name is fine.
func TestRulesLintCorrelations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yml")
	data := "title: Sprays\nid: c-1\ncorrelation:\n    type: value_count\n    rules: [evtxhunt_failed_logon]\n" +
		"    group-by: [IpAddress]\n    timespan: 1h\n    condition: {gte: 5, field: TargetUserName}\nlevel: high\n---\n" +
		"title: Lost\nid: c-2\ncorrelation:\n    type: event_count\n    rules: [no_such_rule]\n    timespan: 5m\n    condition: {gte: 2}\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "rules", "lint", path)
	want := path + `:11: rule c-2: refers to rule "no_such_rule", which is not loaded (no rule or correlation has that id or name)` + "\n"
	if code != exitUsage || out != want {
		t.Errorf("exit %d\n got %s\nwant %s", code, out, want)
	}
}

func TestRulesLintPlaceholders(t *testing.T) {
	dir := t.TempDir()
	ph := filepath.Join(dir, "ph.yml")
	if err := os.WriteFile(ph, []byte("Admins: ['CORP\\adm-*']\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rule := filepath.Join(dir, "r.yml")
	data := "title: t\nid: ph-1\nlogsource: {category: process_creation}\ndetection:\n    sel: {User|expand: '%Admins%'}\n    condition: sel\n"
	if err := os.WriteFile(rule, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, code := runCLI(t, "rules", "lint", rule); code != exitUsage || !strings.Contains(out, "placeholder %Admins% has no value") {
		t.Errorf("without placeholders: exit %d, %q", code, out)
	}
	if out, _, code := runCLI(t, "rules", "lint", "--placeholders", ph, rule); code != exitOK || !strings.Contains(out, "ok (1 rule)") {
		t.Errorf("with placeholders: exit %d, %q", code, out)
	}
}

// TestRulesListBuiltin: rules list shows exactly the rules scan loads by
// default (the built-in Sigma rules and the command-line checks, then the
// built-in correlations, log source correlation/<type>).
func TestRulesListBuiltin(t *testing.T) {
	set, errs := detections.Load(detections.Config{})
	if len(sigma.Errors(errs)) > 0 {
		t.Fatalf("built-in rules do not load: %v", errs)
	}
	want := listedRules(set.Rules(), set.Correlations().Rules())
	out, errOut, code := runCLI(t, "rules", "list", "-f", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []ruleJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) < 100 {
		t.Fatalf("listed %d rules, the default set has %d", len(got), len(want))
	}
	if last := got[len(got)-1]; !strings.HasPrefix(last.LogSource, "correlation/") || !strings.HasPrefix(last.Source, "builtin:correlation/") {
		t.Errorf("last rule listed is not a built-in correlation: %+v", last)
	}
	for i, r := range got {
		if r.ID != want[i].ID || !strings.HasPrefix(r.Source, "builtin:") || r.Title == "" || r.Level != want[i].Level {
			t.Errorf("rule %d: %+v", i, r)
		}
	}
}

func TestRulesListUserRules(t *testing.T) {
	good := filepath.Join("testdata", "lint", "good.yml")
	out, errOut, code := runCLI(t, "rules", "list", "--no-builtin", "-r", good, "-f", "csv")
	want := "ID,LEVEL,TITLE,LOGSOURCE,ATT&CK,SOURCE\n9a1f0000-0000-4000-8000-000000000001,medium,Good rule,windows/process_creation/,\"execution,t1059.001\"," + good + ":1\n"
	if code != exitOK || out != want {
		t.Errorf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	out, _, _ = runCLI(t, "rules", "list", "--no-builtin", "-r", good)
	for _, s := range []string{"ID", "LEVEL", "LOGSOURCE", "ATT&CK", "Good rule", "windows/process_creation/", "execution,t1059.001", good + ":1"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
	if _, _, code := runCLI(t, "rules", "list", "--no-builtin", "-r", good, "--min-level", "high"); code != exitOK {
		t.Errorf("--min-level high: exit %d", code)
	}
}

func TestRulesListBrokenRule(t *testing.T) {
	_, errOut, code := runCLI(t, "rules", "list", "--no-builtin", "-r", filepath.Join("testdata", "lint", "bad_modifier.yml"))
	if code != exitUsage || !strings.Contains(errOut, `unknown modifier "endwith" (did you mean "endswith"?)`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestRulesUsage(t *testing.T) {
	for _, args := range [][]string{
		{"rules", "lint"},
		{"rules", "list", "extra"},
		{"rules", "list", "--min-level", "severe"},
		{"rules", "list", "--no-builtin"},
		{"rules", "list", "-f", "xml"},
	} {
		if _, _, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestRulesListSkipped: rules list counts the rules skipped on purpose in
// one note on stderr, lists every loaded rule with its log source (the
// correlation last, log source correlation/event_count), and --skipped
// names the skipped ones one by one.
func TestRulesListSkipped(t *testing.T) {
	sub := filepath.Join("testdata", "lint", "sub")
	args := []string{"rules", "list", "--no-builtin", "-r", filepath.Join("testdata", "lint", "good.yml"), "-r", filepath.Join(sub, "file_event.yml"),
		"-r", filepath.Join(sub, "linux.yml"), "-r", filepath.Join(sub, "correlation.yml")}
	out, errOut, code := runCLI(t, append(args, "-f", "csv")...)
	wantNote := "evtxhunt: note: skipped 1 rule: 1 for another product (evtxhunt rules list --skipped names them)\n"
	if code != exitOK || errOut != wantNote {
		t.Errorf("exit %d, stderr %q, want %q", code, errOut, wantNote)
	}
	if !strings.Contains(out, ",A file_event rule,windows/file_event/,,") || strings.Count(out, "\n") != 4 ||
		!strings.HasSuffix(out, ",Many failed logons,correlation/event_count,,"+filepath.Join(sub, "correlation.yml")+":1\n") {
		t.Errorf("rules list:\n%s", out)
	}
	out, errOut, code = runCLI(t, append(args, "--skipped", "-f", "csv")...)
	want := "ID,SKIPPED,REASON,SOURCE\n" +
		"9a1f0000-0000-4000-8000-00000000000a,other product,not a Windows rule (logsource product linux); skipped," + filepath.Join(sub, "linux.yml") + ":4\n"
	if code != exitOK || out != want || errOut != "" {
		t.Errorf("--skipped: exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	out, _, _ = runCLI(t, append(args, "--skipped", "-f", "json")...)
	var list []skippedJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Skipped != "other product" || list[0].Line != 4 {
		t.Errorf("--skipped -f json: %v %+v", err, list)
	}
	// An unmapped Windows log source is counted, not an error, when loading.
	_, errOut, code = runCLI(t, "rules", "list", "--no-builtin", "-r", filepath.Join(sub, "unmapped.yml"))
	if code != exitOK || !strings.Contains(errOut, "skipped 1 rule: 1 with a Windows log source evtxhunt does not map") {
		t.Errorf("unmapped: exit %d, stderr %q", code, errOut)
	}
}

func TestSkippedNote(t *testing.T) {
	var notes []*sigma.LoadError
	if skippedNote(notes) != "" {
		t.Error("a note for no skipped rule")
	}
	for _, r := range []sigma.SkipReason{sigma.SkipProduct, sigma.SkipProduct, sigma.SkipAggregation, sigma.SkipUnmapped, sigma.SkipUnmapped, sigma.SkipFilter} {
		notes = append(notes, &sigma.LoadError{Note: true, Skip: r})
	}
	want := "skipped 6 rules: 2 for other products, 2 with Windows log sources evtxhunt does not map, 1 with an aggregation or timeframe, 1 Sigma filter document (evtxhunt rules list --skipped names them)"
	if got := skippedNote(notes); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestScanSkippedNote: scan prints one note counting the rules it skips,
// whatever their number, not one line per rule.
func TestScanSkippedNote(t *testing.T) {
	sub := filepath.Join("testdata", "lint", "sub")
	evtx := filepath.Join(testshared.Root(t), "samples", "demo", "WS01-Sysmon.evtx")
	_, errOut, code := runCLI(t, "scan", "-q", "-f", "csv", "-o", filepath.Join(t.TempDir(), "f.csv"), "-r", filepath.Join(sub, "linux.yml"),
		"-r", filepath.Join(sub, "unmapped.yml"), "-r", filepath.Join(sub, "file_event.yml"), evtx)
	if code != exitOK && code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "evtxhunt: note: skipped 2 rules: 1 for another product, 1 with a Windows log source evtxhunt does not map (evtxhunt rules list --skipped names them)\n"
	if strings.Count(errOut, "note:") != 1 || !strings.Contains(errOut, want) {
		t.Errorf("stderr %q, want the one note %q", errOut, want)
	}
}
