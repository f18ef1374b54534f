package sigma

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// publicRuleDirs are the folders of the SigmaHQ checkout in ../shared/sigma.
var publicRuleDirs = []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder"}

// publicRules caches the loaded SigmaHQ rules: many tests use them, and
// compiled rules are never changed.
var publicRules struct {
	sync.Mutex
	rules []*Rule
	errs  []*LoadError
}

// loadPublicRules returns every rule of the SigmaHQ checkout, loaded with
// the test placeholders (once per test binary), and the load errors.
func loadPublicRules(tb testing.TB) ([]*Rule, []*LoadError) {
	tb.Helper()
	testshared.Dir(tb, "sigma")
	publicRules.Lock()
	defer publicRules.Unlock()
	if publicRules.rules == nil {
		publicRules.rules, publicRules.errs = loadPublicRulesFresh(tb)
	}
	return slices.Clone(publicRules.rules), slices.Clone(publicRules.errs)
}

// loadPublicRulesFresh loads every rule of the SigmaHQ checkout with the
// test placeholders.
func loadPublicRulesFresh(tb testing.TB) ([]*Rule, []*LoadError) {
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
	rules, _, errs := LoadPaths(paths, Options{Placeholders: ph})
	return rules, errs
}

// The SigmaHQ checkout: every Windows rule loads, the rules of other
// products are skipped with a note, and nothing else is skipped.
const (
	publicWindowsRules  = 2872
	publicOtherProducts = 150
)

func TestPublicRulesAllLoad(t *testing.T) {
	rules, errs := loadPublicRules(t)
	var failed []string
	skipped := map[SkipReason]int{}
	for _, e := range errs {
		if !e.Note {
			failed = append(failed, e.Error())
			continue
		}
		skipped[e.Skip]++
	}
	if len(failed) > 0 {
		t.Errorf("%d public rules do not load:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	bySource := map[string]int{}
	for _, r := range rules {
		bySource[r.LogSource().String()]++
	}
	var lines []string
	for ls, n := range bySource {
		lines = append(lines, fmt.Sprintf("%5d %s", n, ls))
	}
	sort.Strings(lines)
	t.Logf("%d rules loaded, by log source:\n%s", len(rules), strings.Join(lines, "\n"))
	t.Logf("skipped: %v", skipped)
	if len(rules) != publicWindowsRules {
		t.Errorf("loaded %d rules, want %d", len(rules), publicWindowsRules)
	}
	want := map[SkipReason]int{SkipProduct: publicOtherProducts}
	if fmt.Sprint(skipped) != fmt.Sprint(want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
}
