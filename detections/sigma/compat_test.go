package sigma

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// publicRuleDirs are the folders of ../shared/sigma holding the 1,416
// public process_creation rules.
var publicRuleDirs = []string{
	"rules/windows/process_creation",
	"rules-emerging-threats",
	"rules-threat-hunting/windows/process_creation",
	"rules-placeholder",
}

// publicRuleCount is how many rules the shared copy of SigmaHQ holds.
const publicRuleCount = 1416

// loadPublicRules loads every public rule with the test placeholders.
func loadPublicRules(tb testing.TB) ([]*Rule, []*LoadError) {
	tb.Helper()
	root := testshared.Dir(tb, "sigma")
	ph, err := LoadPlaceholders(filepath.Join("testdata", "placeholders.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	var paths []string
	for _, d := range publicRuleDirs {
		paths = append(paths, filepath.Join(root, d))
	}
	return LoadPaths(paths, Options{Placeholders: ph})
}

func TestPublicRulesAllLoad(t *testing.T) {
	rules, errs := loadPublicRules(t)
	var failed []string
	for _, e := range errs {
		failed = append(failed, e.Error())
	}
	if len(failed) > 0 {
		t.Errorf("%d public rules do not load:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	if len(rules) != publicRuleCount {
		t.Errorf("loaded %d rules, want %d", len(rules), publicRuleCount)
	}
}
