package walk_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// FuzzArchive reads arbitrary bytes as a .zip and as a .gz file named on
// the command line: the walk and the opening of every input found never
// panic and stay within the expansion limit.
func FuzzArchive(f *testing.F) {
	var zbuf bytes.Buffer
	tmp := f.TempDir()
	p := filepath.Join(tmp, "seed.zip")
	zipSeed(f, p)
	if b, err := os.ReadFile(p); err == nil {
		zbuf.Write(b)
	}
	f.Add(zbuf.Bytes())
	var gbuf bytes.Buffer
	zw := gzip.NewWriter(&gbuf)
	zw.Write(fakeEVTX(3000, 1))
	zw.Close()
	f.Add(gbuf.Bytes())
	defer walk.SetMaxExpanded(16 << 20)()
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, name := range []string{"a.zip", "b.gz"} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, in := range walk.Paths([]string{p}).Inputs {
				src, err := in.Open()
				if err != nil {
					continue
				}
				if src.Size() > 16<<20 {
					t.Fatalf("%s: %d bytes, beyond the limit", in.Name, src.Size())
				}
				io.Copy(io.Discard, io.NewSectionReader(src, 0, src.Size()))
				src.Close()
			}
		}
	})
}

func zipSeed(tb testing.TB, path string) {
	writeZipTB(tb, path, zipFile{"a/Security.evtx", fakeEVTX(3000, 1), false}, zipFile{"b.evtx", fakeEVTX(500, 2), true})
}
