package ruleyaml

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// decoderNodes is what the YAML decoder reads from data: the root node of
// every non-empty document.
func decoderNodes(data []byte) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	err := eachDocument(data, func(n *yaml.Node) error {
		docs = append(docs, n)
		return nil
	})
	return docs, err
}

// nodeDiff describes the first difference between two node trees in what
// rules read (comments aside), or returns "".
func nodeDiff(got, want *yaml.Node, path string) string {
	if got.Kind != want.Kind || got.Style != want.Style || got.Tag != want.Tag || got.Value != want.Value ||
		got.Line != want.Line || got.Column != want.Column || len(got.Content) != len(want.Content) {
		return fmt.Sprintf("%s: fast {kind %v style %v tag %s value %q at %d:%d, %d children}, decoder {kind %v style %v tag %s value %q at %d:%d, %d children}",
			path, got.Kind, got.Style, got.Tag, got.Value, got.Line, got.Column, len(got.Content),
			want.Kind, want.Style, want.Tag, want.Value, want.Line, want.Column, len(want.Content))
	}
	for i := range got.Content {
		if d := nodeDiff(got.Content[i], want.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkFast holds the fast path to the decoder on data: where it reads
// data, the decoder must read the same nodes. It reports whether the fast
// path read it.
func checkFast(t *testing.T, name string, data []byte) bool {
	t.Helper()
	fast, ok := decodeFast(data, 64)
	if !ok {
		return false
	}
	want, err := decoderNodes(data)
	if err != nil {
		t.Errorf("%s: the fast path reads what the decoder refuses (%v)", name, err)
		return true
	}
	if len(fast) != len(want) {
		t.Errorf("%s: fast path %d documents, decoder %d", name, len(fast), len(want))
		return true
	}
	for i := range fast {
		if d := nodeDiff(fast[i], want[i], fmt.Sprintf("doc %d", i)); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
	return true
}

func TestFastPath(t *testing.T) {
	takes := []struct{ name, in string }{
		{"rule", "title: Run key\nid: 1b2c\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\n" +
			"detection:\n    selection:\n        Image|endswith: '\\reg.exe'\n        CommandLine|contains|all:\n            - ' add '\n" +
			"            - '\\CurrentVersion\\Run'\n    condition: selection\nlevel: high\n"},
		{"comments and blank lines", "# head\n\na: 1 # one\n\n  # indented comment\nb: two#not a comment\n"},
		{"typed plain scalars", "a: true\nb: ~\nc: 12\nd: 0x1F\ne: 1.5\nf: 2024-01-02\ng: null\nh: .inf\ni: -7\nj: yes\nk: 1_000\n"},
		{"quoted scalars", "a: \"x \\\"y\\\" \\\\z \\t\\u00e9\\x41\"\nb: 'it''s # not a comment'\nc: \"\"\nd: ''\n"},
		{"flow sequences", "tags: [attack.t1059, 'a, b', \"c]\", 42]\nempty: []\n"},
		{"indentless sequence", "a:\n- x\n- 'y'\nb: z\n"},
		{"compact mappings", "list:\n  - k: v\n    k2: v2\n  - k: w\n  -\n    k: nested\n"},
		{"nested sequences", "a:\n  - - 1\n" /* falls back, listed below */},
		{"literal scalars", "a: |\n  line one\n    indented\n\n  after blank\nb: |-\n  stripped\nc: |+\n  kept\n\nd: x\n"},
		{"folded scalars", "a: >\n  one\n  two\n\n  three\nb: >-\n  x\n  y\n"},
		{"documents", "---\na: 1\n# between\n---\nb: 2\n"},
		{"multi-line plain", "a: one\n  two\n   three\nb:\n  - four\n    five # c\n  - six\n"},
		{"unicode columns", "clé: valeur\nnom: 'é' # x\nlist: [é, 'ü']\n"},
		{"dash and colon inside plain", "a: -enc\nb: c:\\windows\nc: 'x: y'\nd: http://x/y\n"},
		{"empty mapping value then sibling", "a:\n  b: 1\nc: 2\n"},
	}
	for _, tc := range takes {
		t.Run(tc.name, func(t *testing.T) {
			if !checkFast(t, tc.name, []byte(tc.in)) && tc.name != "nested sequences" {
				t.Errorf("the fast path gave up on %q", tc.in)
			}
		})
	}
	gives := []struct{ name, in string }{
		{"anchor", "a: &x 1\n"},
		{"alias", "a: *x\n"},
		{"tag", "a: !!str 1\n"},
		{"flow mapping", "a: {b: 1}\n"},
		{"multi-line plain after a blank line", "a: one\n\n  two\n"},
		{"document of comments alone", "---\na: 1\n---\n# empty\n---\nb: 2\n"},
		{"empty document", "a: 1\n---\n---\nb: 2\n"},
		{"multi-line quoted", "a: 'one\n  two'\n"},
		{"empty value", "a:\nb: 1\n"},
		{"tab", "a:\n\tb: 1\n"},
		{"carriage return", "a: 1\r\n"},
		{"no final line break", "a: 1"},
		{"indentation indicator", "a: |2\n   x\n"},
		{"more-indented folded line", "a: >\n  x\n    y\n"},
		{"quoted key", "'a': 1\n"},
		{"colon space in value", "a: b: c\n"},
		{"root scalar", "just text\n"},
		{"bad indentation", "a: 1\n b: 2\n"},
		{"directive", "%YAML 1.2\n---\na: 1\n"},
		{"document end", "a: 1\n...\n"},
		{"byte order mark", "\ufeffa: 1\n"},
		{"trailing comma", "a: [1, 2,]\n"},
		{"unclosed quote", "a: \"x\n"},
		{"nested flow", "a: [[1]]\n"},
		{"escaped line separator", "a: \"\\L\"\n"},
		{"all-blank block", "a: |\n\nb: 1\n"},
	}
	for _, tc := range gives {
		t.Run("gives up on "+tc.name, func(t *testing.T) {
			if _, ok := decodeFast([]byte(tc.in), 64); ok {
				t.Errorf("the fast path read %q", tc.in)
			}
		})
	}
}

// TestFastPathOnRuleFiles: on every YAML file at hand (the built-in rules
// and their cases, test data, and the SigmaHQ checkout when present), the
// fast path reads exactly what the decoder reads, and it reads at least
// 90% of the rule files (the cases, in flow mappings, are for tests).
func TestFastPathOnRuleFiles(t *testing.T) {
	roots := map[string]string{"project": filepath.Join(testshared.Root(t), "detections")}
	if dir := filepath.Join(testshared.Root(t), "..", "shared", "sigma"); isDir(dir) {
		roots["sigma"] = dir
	} else {
		t.Logf("the SigmaHQ checkout %s is absent: checking the project's YAML only", dir)
	}
	for name, root := range roots {
		files, fast := 0, 0 // rule files
		checked := 0
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".yaml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			checked++
			took := checkFast(t, path, data)
			if strings.Contains(filepath.ToSlash(path), "/builtin/tests/") {
				return nil
			}
			files++
			if took {
				fast++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: the fast path reads %d of %d rule files (%d YAML files checked)", name, fast, files, checked)
		if files == 0 || float64(fast) < 0.9*float64(files) {
			t.Errorf("%s: the fast path reads %d of %d files; want at least 90%%", name, fast, files)
		}
	}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// FuzzDecodeFast: whatever the fast path reads, the decoder reads the same.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range []string{
		"title: x\ndetection:\n  sel:\n    A|contains:\n      - 'a'\n      - \"b\"\n  condition: sel\n",
		"a: |\n  x\n\n  y\nb: >-\n  p\n  q\n",
		"l:\n- k: v\n  k2: [1, 'x', \"y\"]\n- z\n",
		"---\na: 1 # c\n---\nb: ~\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, "input", data)
	})
}

func BenchmarkDecodeRule(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(testshared.Root(b), "detections", "builtin", "rules", "applocker_bypass", "mshta_inline_script_or_url.yml"))
	if err != nil {
		b.Skip(err)
	}
	for _, path := range []struct {
		name   string
		decode func([]byte, int) ([]*yaml.Node, error)
	}{{"fast", Decode}, {"decoder", decodeSlow}} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := path.decode(data, 64); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
