package sigma

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSelectionGolden checks what each rule of testdata/selection needs
// decoded, and what the rules need together, against
// testdata/selection.golden.
func TestSelectionGolden(t *testing.T) {
	rules, _, errs := LoadPaths([]string{filepath.Join("testdata", "selection")}, Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	var b strings.Builder
	var some []*Rule
	for _, r := range rules {
		b.WriteString(filepath.Base(r.Source) + ": " + NewRuleSet([]*Rule{r}).Selection().String() + "\n")
		if r.LogSource().Category != "" || r.LogSource().Service != "" {
			some = append(some, r)
		}
	}
	b.WriteString("all but windows_only.yml: " + NewRuleSet(some).Selection().String() + "\n")
	b.WriteString("all: " + NewRuleSet(rules).Selection().String() + "\n")
	golden := filepath.Join("testdata", "selection.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("selections:\n%s\nwant (%s):\n%s", b.String(), golden, want)
	}
	// What the selection says is what the rules run on.
	set := NewRuleSet(some)
	for _, tc := range []struct {
		channel string
		id      uint32
		want    bool
	}{
		{"Security", 4625, true}, {"security", 1102, true}, {"System", 7045, true}, {"System", 7036, false},
		{"Microsoft-Windows-Sysmon/Operational", 13, true}, {"Application", 1, true},
		{"PowerShellCore/Operational", 4104, true}, {"PowerShellCore/Operational", 4103, false},
		{"Microsoft-Windows-Windows Defender/Operational", 5001, false}, {"Setup", 1, false},
	} {
		if got := set.Selection().Wants(tc.channel, tc.id); got != tc.want {
			t.Errorf("Selection().Wants(%s, %d) = %v, want %v", tc.channel, tc.id, got, tc.want)
		}
	}
}
