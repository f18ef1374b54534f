package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the project root: the nearest folder above the working
// directory that holds go.mod.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Dir returns ../shared/<elem...> beside the project root, skipping the
// test when it does not exist.
func Dir(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Root(tb), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared test data %s is absent (it lives beside the project root, outside a fresh clone): %v", p, err)
	}
	return p
}
