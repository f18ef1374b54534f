package sigma

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// samePrinted checks that printRegexp(re) compiles and matches like
// re.String() on every probe.
func samePrinted(t *testing.T, src string, re *syntax.Regexp, probes []string) {
	t.Helper()
	printed := printRegexp(re)
	ours, err := regexp.Compile(printed)
	if err != nil {
		t.Fatalf("%q printed as %q, which does not compile: %v", src, printed, err)
	}
	theirs, err := regexp.Compile(re.String())
	if err != nil {
		return // the library's own text does not compile either
	}
	for _, p := range probes {
		if a, b := ours.FindStringIndex(p), theirs.FindStringIndex(p); !slices.Equal(a, b) {
			t.Errorf("%q printed as %q: on %q matches at %v, the library's text %q at %v", src, printed, p, a, re.String(), b)
		}
	}
}

// probesFor returns texts to try an expression on: fixed ones, and
// variants of the expression's own literal runs, which reach the parts a
// random text never does.
func probesFor(src string) []string {
	probes := []string{"", "a", "A", "\n", "x\ny", "ab\r\nAB", "C:\\Windows\\System32\\cmd.exe /c whoami",
		"powershell -nop -w hidden -enc SQBFAFgA", "k\u212a\u017fs", "\u00e9\u00c9 \u2013v 2"}
	var lit strings.Builder
	for _, r := range src {
		if r < 0x80 && r != '\\' && !strings.ContainsRune("()[]{}|*+?^$.", r) {
			lit.WriteRune(r)
		} else if lit.Len() > 0 {
			lit.WriteByte(' ')
		}
	}
	l := lit.String()
	return append(probes, l, strings.ToUpper(l), " "+l+"\n", strings.ReplaceAll(l, " ", ""),
		strings.ReplaceAll(l, " ", "\n"), strings.ReplaceAll(l, " ", "x"))
}

// TestPrintRegexp covers each operator, the flags, and the classes that
// made the library's printing slow.
func TestPrintRegexp(t *testing.T) {
	for _, src := range []string{
		`abc`, `(?i)abc`, `(?i)a(?-i)bc`, `a.b`, `(?s)a.b`, `^ab$`, `(?m)^ab$`, `\Aab\z`,
		`\bfoo\B`, `(a|bc)+`, `a*?b+?c??`, `x{2}`, `x{2,}`, `x{2,5}?`, `(?P<name>a)b`,
		`[^\s]+`, `(?i)[^\\/:*?"<>|\s]+`, `[a-c\x{2013}-\x{2015}]`, `(?i)[k]`, `\x{10FFFF}`,
		`[^\x00-\x{10FFFF}]`, `a||b`, `(?:)`, `(?i)\.(pdf|docx?)\.(exe|scr)$`, `\\[^\\]+\\`,
		`(?i)[-/]sc\s+minute`, `\$\{[^\w\s]{1,3}\}`, `[[:alpha:]]\pL\p{Greek}`, `(?U)a+b*`,
	} {
		re, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		samePrinted(t, src, re, probesFor(src))
		samePrinted(t, src, trimForSearch(re), probesFor(src))
	}
}

// TestPrintRegexpRules prints every regular expression of the built-in
// rules and, where the shared material is at hand, of the SigmaHQ rules,
// as the rules compile them (trimmed for searching, with their flags).
func TestPrintRegexpRules(t *testing.T) {
	dirs := []string{filepath.Join("..", "builtin", "rules")}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "sigma")); err == nil {
		dirs = append(dirs, testshared.Dir(t, "sigma"))
	} else {
		t.Log("../shared/sigma is absent: the built-in rules only")
	}
	n := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, src := range ruleRegexps(data) {
				re, err := syntax.Parse(src, syntax.Perl)
				if err != nil {
					continue // RE2 refuses it; the rule runs on the backtracking engine
				}
				n++
				samePrinted(t, path+": "+src, trimForSearch(re), probesFor(src))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("found only %d regular expressions in the rules", n)
	}
	t.Logf("%d expressions", n)
}

// ruleRegexps returns the re values of a rule file, as compileRegex
// writes them for Go (flags first).
func ruleRegexps(data []byte) []string {
	var out []string
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc any
		if dec.Decode(&doc) != nil {
			return out
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, sub := range v {
					mods := strings.Split(k, "|")
					if !slices.Contains(mods[1:], "re") {
						walk(sub)
						continue
					}
					flags := ""
					for _, f := range []string{"i", "m", "s"} {
						if slices.Contains(mods[1:], f) {
							flags += f
						}
					}
					for _, s := range stringsOf(sub) {
						if flags != "" {
							s = "(?" + flags + ")" + s
						}
						out = append(out, s)
					}
				}
			case []any:
				for _, sub := range v {
					walk(sub)
				}
			}
		}
		walk(doc)
	}
}

func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, s := range v {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// FuzzPrintRegexp: whatever parses prints as text that compiles and
// matches as the library's own text does.
func FuzzPrintRegexp(f *testing.F) {
	f.Add(`(?i)[^\s"]+\.exe`, "C:\\a b\\X.EXE")
	f.Add(`(a|b){2,3}?c*$`, "abac")
	f.Add(`(?m)^\x{2013}v\b`, "x\n\u2013v y")
	f.Fuzz(func(t *testing.T, src, s string) {
		re, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			return
		}
		samePrinted(t, src, re, []string{s})
		samePrinted(t, src, trimForSearch(re), []string{s})
	})
}
