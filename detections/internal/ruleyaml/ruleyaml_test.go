package ruleyaml

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	deep := strings.Repeat("- ", 5) + "x\n"
	for _, tc := range []struct {
		name, in  string
		maxDepth  int
		docs      int
		line      int
		errSubstr string
	}{
		{"two documents", "a: 1\n---\nb: 2\n", 8, 2, 0, ""},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", 8, 0, 3, `duplicate key "a" (first at line 1)`},
		{"alias", "a: &x 1\nb: *x\n", 8, 0, 2, "aliases"},
		{"merge key", "a: {k: 1}\nb:\n  <<: {k: 2}\n", 8, 0, 3, "merge keys"},
		{"deeper than the bound", deep, 4, 0, 1, "nested too deeply"},
		{"as deep as the bound", deep, 5, 1, 0, ""},
		{"syntax error", "a: [1, 2\nb: 3\n", 8, 0, 1, "invalid YAML: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := Decode([]byte(tc.in), tc.maxDepth)
			if tc.errSubstr == "" {
				if err != nil || len(docs) != tc.docs {
					t.Fatalf("%d documents, %v; want %d", len(docs), err, tc.docs)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.errSubstr)
			}
			if got := ErrorText(err); !strings.Contains(got, tc.errSubstr) || strings.HasPrefix(got, "yaml: line") {
				t.Errorf("ErrorText = %q, want it to hold %q without the location prefix", got, tc.errSubstr)
			}
			if got := ErrorLine(err); tc.line != 0 && got != tc.line {
				t.Errorf("ErrorLine = %d, want %d", got, tc.line)
			}
		})
	}
}
