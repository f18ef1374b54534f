package walk_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// fakeEVTX is content with the EVTX signature, some of it random so it
// does not compress to nothing.
func fakeEVTX(size int, seed int64) []byte {
	b := make([]byte, size)
	rand.New(rand.NewSource(seed)).Read(b[:size/2])
	copy(b, "ElfFile\x00")
	return b
}

type zipFile struct {
	name   string
	data   []byte
	stored bool
}

func writeZip(t *testing.T, path string, files ...zipFile) { writeZipTB(t, path, files...) }

func writeZipTB(t testing.TB, path string, files ...zipFile) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if f.stored {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readAll opens an input and returns its content and damage note.
func readAll(t *testing.T, in walk.Input) ([]byte, string) {
	t.Helper()
	src, err := in.Open()
	if err != nil {
		t.Fatalf("%s: %v", in.Name, err)
	}
	defer src.Close()
	got := make([]byte, src.Size())
	if _, err := src.ReadAt(got, 0); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("%s: %v", in.Name, err)
	}
	damage := ""
	if d, ok := src.(walk.Damaged); ok {
		damage = d.Damage()
	}
	return got, damage
}

func TestZipEntriesReadInPlace(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(tmp, "spool"))
	os.Mkdir(filepath.Join(tmp, "spool"), 0o755)
	small, big := fakeEVTX(70000, 1), fakeEVTX(9<<20, 2) // big goes through the spool file
	archive := filepath.Join(tmp, "triage.zip")
	writeZip(t, archive,
		zipFile{"C/Windows/System32/winevt/Logs/", nil, true},
		zipFile{"C/Windows/System32/winevt/Logs/Security.evtx", small, false},
		zipFile{"C/Windows/System32/winevt/Logs/System.evtx", small, true},
		zipFile{"C/Windows/System32/winevt/Logs/Sysmon.evtx", big, false},
		zipFile{"C/Windows/System32/winevt/Logs/fake.evtx", []byte("not a log"), false},
		zipFile{"C/notes.txt", []byte("hello"), false},
	)
	res := walk.Paths([]string{archive})
	want := map[string][]byte{
		archive + "!/C/Windows/System32/winevt/Logs/Security.evtx": small,
		archive + "!/C/Windows/System32/winevt/Logs/System.evtx":   small,
		archive + "!/C/Windows/System32/winevt/Logs/Sysmon.evtx":   big,
	}
	if len(res.Inputs) != len(want) {
		t.Fatalf("inputs %v, want %d", res.Inputs, len(want))
	}
	for _, in := range res.Inputs {
		got, damage := readAll(t, in)
		if !bytes.Equal(got, want[in.Name]) || damage != "" {
			t.Errorf("%s: %d bytes read (damage %q), want %d", in.Name, len(got), damage, len(want[in.Name]))
		}
		if left, _ := os.ReadDir(filepath.Join(tmp, "spool")); len(left) != 0 {
			t.Errorf("decompressed data visible on disk: %v", left)
		}
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0].Path, "fake.evtx") || res.Skipped != 1 {
		t.Errorf("notes %v, skipped %d; want a note for fake.evtx and notes.txt skipped", res.Notes, res.Skipped)
	}
}

func TestZipDamagedEntry(t *testing.T) {
	tmp := t.TempDir()
	archive := filepath.Join(tmp, "a.zip")
	data := fakeEVTX(50000, 3)
	writeZip(t, archive, zipFile{"x.evtx", data, true}, zipFile{"y.evtx", data, false})
	raw, _ := os.ReadFile(archive)
	i := bytes.Index(raw, data[1000:1100]) // inside the stored entry
	raw[i] ^= 0xff
	os.WriteFile(archive, raw, 0o644)
	res := walk.Paths([]string{archive})
	if len(res.Inputs) != 2 {
		t.Fatalf("inputs %v", res.Inputs)
	}
	_, damage := readAll(t, res.Inputs[0])
	if !strings.Contains(damage, "CRC32 mismatch") {
		t.Errorf("damaged stored entry: damage %q", damage)
	}
	_, damage = readAll(t, res.Inputs[1])
	if damage != "" {
		t.Errorf("intact deflated entry: damage %q", damage)
	}
}

func TestZipBombsRefused(t *testing.T) {
	tmp := t.TempDir()
	content := fakeEVTX(4096, 4)
	var deflated bytes.Buffer
	fw, _ := flateWriter(&deflated)
	fw.Write(content)
	fw.Close()
	tests := []struct {
		name  string
		build func(path string)
		want  string
	}{
		{"declared 5 GiB", func(p string) { rawZip(t, p, rawEntry{"big.evtx", deflated.Bytes(), 8, 5 << 30, 0}) }, "exceeds the 4 GiB limit"},
		{"ratio beyond deflate", func(p string) { rawZip(t, p, rawEntry{"r.evtx", deflated.Bytes()[:20], 8, 100 << 20, 0}) }, "beyond what deflate produces"},
		{"overlapping entries", func(p string) {
			rawZip(t, p, rawEntry{"a.evtx", deflated.Bytes(), 8, uint64(len(content)), crc32.ChecksumIEEE(content)},
				rawEntry{"b.evtx", nil, 8, uint64(len(content)), 0})
		}, "share compressed data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "_")+".zip")
			tt.build(p)
			res := walk.Paths([]string{p})
			if len(res.Inputs) != 0 || len(res.Notes) == 0 || !strings.Contains(res.Notes[0].Reason, tt.want) || !errors.Is(res.Notes[0].Err, walk.ErrRefused) {
				t.Fatalf("inputs %v, notes %v; want the archive refused: %q", res.Inputs, res.Notes, tt.want)
			}
		})
	}
	// An encrypted entry named .evtx is noted, not read.
	p0 := filepath.Join(tmp, "encrypted.zip")
	rawZip(t, p0, rawEntry{"secret.evtx", content, 0, uint64(len(content)), crc32.ChecksumIEEE(content)})
	raw, _ := os.ReadFile(p0)
	for _, sig := range [][]byte{{0x50, 0x4b, 0x03, 0x04}, {0x50, 0x4b, 0x01, 0x02}} {
		i := bytes.Index(raw, sig)
		flags := 6 // general purpose flags in the local header
		if sig[2] == 0x01 {
			flags = 8 // and in the central directory
		}
		raw[i+flags] |= 0x1
	}
	os.WriteFile(p0, raw, 0o644)
	if res := walk.Paths([]string{p0}); len(res.Inputs) != 0 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0].Reason, "encrypted") {
		t.Errorf("encrypted entry: inputs %v, notes %v", res.Inputs, res.Notes)
	}
	// An entry that expands beyond its declared size is refused on open.
	p := filepath.Join(tmp, "liar.zip")
	rawZip(t, p, rawEntry{"l.evtx", deflated.Bytes(), 8, 100, 0})
	res := walk.Paths([]string{p})
	if len(res.Inputs) != 1 {
		t.Fatalf("inputs %v, notes %v", res.Inputs, res.Notes)
	}
	if _, err := res.Inputs[0].Open(); err == nil || !strings.Contains(err.Error(), "beyond its declared size") {
		t.Errorf("open of an entry larger than declared: %v", err)
	}
}

func TestGzip(t *testing.T) {
	tmp := t.TempDir()
	data := fakeEVTX(200000, 5)
	p := filepath.Join(tmp, "Security.evtx.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(p, buf.Bytes(), 0o644)
	res := walk.Paths([]string{p})
	if len(res.Inputs) != 1 || res.Inputs[0].Name != p+"!/Security.evtx" || res.Inputs[0].Size != int64(len(data)) {
		t.Fatalf("inputs %+v, notes %v", res.Inputs, res.Notes)
	}
	got, damage := readAll(t, res.Inputs[0])
	if !bytes.Equal(got, data) || damage != "" {
		t.Errorf("read %d bytes, damage %q", len(got), damage)
	}
	// Beyond the expansion limit, the file is refused on open.
	defer walk.SetMaxExpanded(100000)()
	if _, err := res.Inputs[0].Open(); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("open beyond the limit: %v", err)
	}
	// A truncated .gz is read as far as it goes and says so.
	walk.SetMaxExpanded(1 << 30)
	os.WriteFile(p, buf.Bytes()[:buf.Len()/2], 0o644)
	got, damage = readAll(t, walk.Paths([]string{p}).Inputs[0])
	if len(got) == 0 || len(got) >= len(data) || !bytes.Equal(got, data[:len(got)]) || !strings.Contains(damage, "damaged") {
		t.Errorf("truncated gzip: %d bytes, damage %q", len(got), damage)
	}
}

// rawEntry is a zip entry written by hand (to state sizes the zip writer
// would not), following PKWARE's APPNOTE layout. An entry without data
// points at the previous entry's local header.
type rawEntry struct {
	name   string
	data   []byte
	method uint16
	usize  uint64
	crc    uint32
}

func rawZip(t *testing.T, path string, entries ...rawEntry) {
	t.Helper()
	le := binary.LittleEndian
	var out, central []byte
	var lastOff uint32
	for _, e := range entries {
		off := uint32(len(out))
		if e.data == nil {
			off = lastOff
		} else {
			h := le.AppendUint32(nil, 0x04034b50)
			h = le.AppendUint16(h, 20)
			h = le.AppendUint16(h, 0)
			h = le.AppendUint16(h, e.method)
			h = le.AppendUint32(h, 0) // time, date
			h = le.AppendUint32(h, e.crc)
			h = le.AppendUint32(h, uint32(len(e.data)))
			h = le.AppendUint32(h, uint32(min(e.usize, 0xfffffffe)))
			h = le.AppendUint16(h, uint16(len(e.name)))
			h = le.AppendUint16(h, 0)
			out = append(append(append(out, h...), e.name...), e.data...)
			lastOff = off
		}
		csize := uint32(len(entries[0].data))
		if e.data != nil {
			csize = uint32(len(e.data))
		}
		var extra []byte
		usize32 := uint32(e.usize)
		if e.usize >= 0xffffffff { // zip64 extra field for the size
			usize32 = 0xffffffff
			extra = le.AppendUint16(extra, 0x0001)
			extra = le.AppendUint16(extra, 8)
			extra = le.AppendUint64(extra, e.usize)
		}
		c := le.AppendUint32(nil, 0x02014b50)
		c = le.AppendUint16(c, 45)
		c = le.AppendUint16(c, 45)
		c = le.AppendUint16(c, 0)
		c = le.AppendUint16(c, e.method)
		c = le.AppendUint32(c, 0)
		c = le.AppendUint32(c, e.crc)
		c = le.AppendUint32(c, csize)
		c = le.AppendUint32(c, usize32)
		c = le.AppendUint16(c, uint16(len(e.name)))
		c = le.AppendUint16(c, uint16(len(extra)))
		c = le.AppendUint16(c, 0)   // comment
		c = le.AppendUint16(c, 0)   // disk
		c = le.AppendUint16(c, 0)   // internal attributes
		c = le.AppendUint32(c, 0)   // external attributes
		c = le.AppendUint32(c, off) // local header offset
		central = append(append(append(central, c...), e.name...), extra...)
	}
	eocd := le.AppendUint32(nil, 0x06054b50)
	eocd = le.AppendUint32(eocd, 0)
	eocd = le.AppendUint16(eocd, uint16(len(entries)))
	eocd = le.AppendUint16(eocd, uint16(len(entries)))
	eocd = le.AppendUint32(eocd, uint32(len(central)))
	eocd = le.AppendUint32(eocd, uint32(len(out)))
	eocd = le.AppendUint16(eocd, 0)
	if err := os.WriteFile(path, append(append(out, central...), eocd...), 0o644); err != nil {
		t.Fatal(err)
	}
}
