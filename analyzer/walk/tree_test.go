package walk_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// TestTreeWithLinkLoopsAndManyFiles walks a generated tree of 20,000
// files (2,000 with -short) with link loops, a link to a file and EVTX files hidden among
// others: the walk ends promptly and finds each EVTX file once.
func TestTreeWithLinkLoopsAndManyFiles(t *testing.T) {
	root := t.TempDir()
	evtx := fakeEVTX(5000, 9)
	want, dirs := 0, 100
	if testing.Short() {
		dirs = 10
	}
	for d := range dirs {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", d), "sub")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := range 200 {
			name, data := fmt.Sprintf("f%03d.txt", f), []byte("x")
			if f == 0 {
				name, data = "Security.evtx", evtx
				want++
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// A loop back to the top and one to the folder itself.
		os.Symlink(root, filepath.Join(dir, "loop-to-root"))
		os.Symlink(".", filepath.Join(dir, "loop-to-self"))
	}
	os.Symlink(filepath.Join(root, "d000", "sub", "Security.evtx"), filepath.Join(root, "link.evtx"))
	want++ // a link to a file is followed
	start := time.Now()
	res := walk.Paths([]string{root})
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("the walk took %v", elapsed)
	}
	if len(res.Inputs) != want {
		t.Errorf("found %d EVTX inputs, want %d", len(res.Inputs), want)
	}
	if res.Skipped != dirs*199 {
		t.Errorf("skipped %d files, want %d", res.Skipped, dirs*199)
	}
	for _, n := range res.Notes {
		t.Errorf("unexpected note: %s", n)
	}
}
