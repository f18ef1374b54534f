package builtin_test

import (
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/evtxhunt/evtxhunt/detections/builtin"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

var (
	loadOnce    sync.Once
	loadedRules []*sigma.Rule
	loadErrs    []*sigma.LoadError
)

// loadBuiltin compiles every built-in rule (once per test binary; compiled
// rules are read-only), failing the test on any load error or note: a
// built-in rule must load cleanly.
func loadBuiltin(t testing.TB) []*sigma.Rule {
	t.Helper()
	loadOnce.Do(func() {
		loadedRules, _, loadErrs = sigma.LoadFS(builtin.FS(), builtin.SourcePrefix, sigma.Options{})
	})
	for _, e := range loadErrs {
		t.Errorf("built-in rule does not load: %v", e)
	}
	if len(loadedRules) == 0 {
		t.Fatal("no built-in rules loaded")
	}
	return loadedRules
}

var (
	uuidPattern      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	techniquePattern = regexp.MustCompile(`^attack\.t\d{4}(\.\d{3})?$`)
	tacticPattern    = regexp.MustCompile(`^attack\.[a-z]+(-[a-z]+)*$`)
	shortNamePattern = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)
)

func TestRuleFileLayout(t *testing.T) {
	files, err := ruleFiles(builtin.FS())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for p, short := range files {
		class := path.Dir(p)
		if strings.Contains(class, "/") || class == "." || path.Ext(p) != ".yml" {
			t.Errorf("%s: want <class>/<short_name>.yml", p)
		}
		if !shortNamePattern.MatchString(short) || !shortNamePattern.MatchString(class) {
			t.Errorf("%s: class and short name must be lower_snake_case", p)
		}
		if other, dup := seen[short]; dup {
			t.Errorf("short name %q used twice: %s and %s", short, other, p)
		}
		seen[short] = p
	}
	rules := loadBuiltin(t)
	if len(rules) != len(files) {
		t.Errorf("%d rule files but %d rules: one rule per file", len(files), len(rules))
	}
}

func TestRuleMetadata(t *testing.T) {
	ids := map[string]string{}
	for _, r := range loadBuiltin(t) {
		where := r.Location()
		if !uuidPattern.MatchString(r.ID) {
			t.Errorf("%s: id %q is not a lower-case random (v4) UUID", where, r.ID)
		}
		if other, dup := ids[r.ID]; dup {
			t.Errorf("%s: id %s already used by %s", where, r.ID, other)
		}
		ids[r.ID] = where
		if strings.TrimSpace(r.Title) == "" {
			t.Errorf("%s: no title", where)
		}
		if len(r.Description) < 120 {
			t.Errorf("%s: description too short to say why it matters and what to check (%d chars)", where, len(r.Description))
		}
		if r.Level < sigma.Low {
			t.Errorf("%s: level %s; built-in rules are low or above", where, r.Level)
		}
		if r.Status != "stable" && r.Status != "test" {
			t.Errorf("%s: status %q, want stable or test", where, r.Status)
		}
		if r.Author != "evtxhunt" {
			t.Errorf("%s: author %q, want evtxhunt", where, r.Author)
		}
		if len(r.FalsePositives) == 0 {
			t.Errorf("%s: no falsepositives", where)
		}
		var techniques, tactics int
		for _, tag := range r.Tags {
			switch {
			case techniquePattern.MatchString(tag):
				techniques++
			case tacticPattern.MatchString(tag):
				tactics++
			default:
				t.Errorf("%s: tag %q is neither attack.tNNNN[.NNN] nor an attack.<tactic>", where, tag)
			}
		}
		if techniques == 0 || tactics == 0 {
			t.Errorf("%s: tags need at least one ATT&CK technique and one tactic, got %v", where, r.Tags)
		}
	}
}

// TestRuleCases runs every case of tests/ against its rule, both alone and
// through a RuleSet of all built-in rules (which exercises the prefilter).
func TestRuleCases(t *testing.T) {
	rules := loadBuiltin(t)
	set := sigma.NewRuleSet(rules)
	byID := map[string]*sigma.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	files, err := loadCaseFiles(testsDir)
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, cf := range files {
		r, ok := byID[cf.ruleID]
		if !ok {
			t.Errorf("%s names unknown rule %s", cf.path, cf.ruleID)
			continue
		}
		if tested[r.ID] {
			t.Errorf("%s: rule %s has a second case file", cf.path, r.ID)
		}
		tested[r.ID] = true
		short := strings.TrimSuffix(path.Base(r.Source), ".yml")
		if want := testsDir + "/" + short + ".yml"; cf.path != want {
			t.Errorf("%s tests %s; name it %s", cf.path, r.Source, want)
		}
		t.Run(short, func(t *testing.T) { checkCases(t, set, r, cf) })
	}
	for _, r := range rules {
		if !tested[r.ID] {
			t.Errorf("%s (%s) has no case file in %s/", r.Source, r.Title, testsDir)
		}
	}
}

func checkCases(t *testing.T, set *sigma.RuleSet, r *sigma.Rule, cf *caseFile) {
	if len(cf.match) == 0 {
		t.Errorf("%s: no match case", cf.path)
	}
	if len(cf.nomatch) == 0 {
		t.Errorf("%s: no nomatch case", cf.path)
	}
	if security, sysmon := countEventIDs(cf.match); r.IsProcessCreation() && (security == 0 || sysmon == 0) {
		t.Errorf("%s: want match cases of both sources, have %d Security 4688 and %d Sysmon 1", cf.path, security, sysmon)
	}
	var scratch []*sigma.Rule
	for _, c := range cf.match {
		if c.general != nil {
			if !r.MatchEvent(c.general) {
				t.Errorf("%v: rule %q does not fire on this match case", c, r.Title)
			}
			if scratch = set.MatchEvent(c.general, scratch[:0]); !contains(scratch, r) {
				t.Errorf("%v: the rule set does not report %q for this match case", c, r.Title)
			}
			continue
		}
		if !r.Match(c.event) {
			t.Errorf("%v: rule %q does not fire on this match case", c, r.Title)
		}
		if scratch = set.Match(c.event, scratch[:0]); !contains(scratch, r) {
			t.Errorf("%v: the rule set (prefilter) does not report %q for this match case", c, r.Title)
		}
	}
	for _, c := range cf.nomatch {
		if c.general != nil {
			if r.MatchEvent(c.general) {
				t.Errorf("%v: rule %q fires on this nomatch case", c, r.Title)
			}
			if scratch = set.MatchEvent(c.general, scratch[:0]); contains(scratch, r) {
				t.Errorf("%v: the rule set reports %q for this nomatch case", c, r.Title)
			}
			continue
		}
		if r.Match(c.event) {
			t.Errorf("%v: rule %q fires on this nomatch case", c, r.Title)
		}
		if scratch = set.Match(c.event, scratch[:0]); contains(scratch, r) {
			t.Errorf("%v: the rule set reports %q for this nomatch case", c, r.Title)
		}
	}
}

func contains(rules []*sigma.Rule, r *sigma.Rule) bool {
	for _, x := range rules {
		if x == r {
			return true
		}
	}
	return false
}

// TestEveryRuleIsIndexed: the RuleSet prefilter must find a literal
// prerequisite for every built-in rule, so that no built-in rule is
// evaluated on every event of a scan.
func TestEveryRuleIsIndexed(t *testing.T) {
	for _, r := range loadBuiltin(t) {
		if sigma.NewRuleSet([]*sigma.Rule{r}).Unindexed() != 0 {
			t.Errorf("%s: the prefilter finds no literal this rule needs; give each selection a contains/endswith/startswith value", r.Source)
		}
	}
}
