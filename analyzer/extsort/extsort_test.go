package extsort

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// item is a test record: a sort key with many ties, its insertion number
// (which the sorter never sees as such) and some text.
type item struct {
	key  int
	id   int
	text string
}

func (it *item) AppendBinary(b []byte) ([]byte, error) {
	b = binary.AppendVarint(b, int64(it.key))
	b = binary.AppendVarint(b, int64(it.id))
	return append(b, it.text...), nil
}

func (it *item) UnmarshalBinary(b []byte) error {
	key, n := binary.Varint(b)
	if n <= 0 {
		return errors.New("bad key")
	}
	id, m := binary.Varint(b[n:])
	if m <= 0 {
		return errors.New("bad id")
	}
	*it = item{key: int(key), id: int(id), text: string(b[n+m:])}
	return nil
}

func (it *item) MemSize() int { return 40 + len(it.text) }

// SortKey gives keys of ten at a time, so both keys and compare matter.
func (it *item) SortKey() uint64 { return uint64(it.key / 10) }

func byKey(a, b *item) int { return cmp.Compare(a.key, b.key) }

// randomItems returns n items with keys in [0, keys), so most keys repeat.
func randomItems(n, keys int, seed uint64) []*item {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]*item, n)
	for i := range out {
		out[i] = &item{key: r.IntN(keys), id: i, text: strings.Repeat("x", r.IntN(40))}
	}
	return out
}

// sortAll runs items through a sorter and returns them in the order Each
// gives, with the sorter's stats.
func sortAll(t *testing.T, items []*item, opts Options) ([]*item, Stats) {
	t.Helper()
	if opts.TempDir == "" {
		opts.TempDir = t.TempDir()
	}
	s := New(BinaryCodec[item](), byKey, opts)
	defer s.Close()
	for _, it := range items {
		if err := s.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	stats := s.Stats()
	var got []*item
	if err := s.Each(context.Background(), func(it *item) error {
		got = append(got, it)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got, stats
}

// TestStableOrder: whatever the budget (in memory, a few runs, runs
// merged in several generations), the fan-in and the workers, the order
// is the stable sort's, ties in insertion order.
func TestStableOrder(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 3*parallelFrom + 5} {
		items := randomItems(n, max(n/20, 1), uint64(n))
		want := slices.Clone(items)
		slices.SortStableFunc(want, byKey)
		for _, tc := range []struct {
			memory      int64
			fanIn       int
			workers     int
			spilled     bool
			generations bool
		}{
			{memory: 1 << 30, workers: 1},
			{memory: 1 << 30, workers: 2},
			{memory: 1 << 30, workers: 8},
			{memory: 16 << 10, fanIn: 1000, workers: 2, spilled: true},
			{memory: 2 << 10, fanIn: 2, workers: 1, spilled: true, generations: true},
			{memory: 3 << 10, fanIn: 3, workers: 8, spilled: true, generations: true},
			{memory: 1, fanIn: 4, workers: 2, spilled: true, generations: true},
		} {
			if n > 1000 && tc.memory < 16<<10 {
				continue // too many runs to be quick
			}
			name := fmt.Sprintf("n=%d memory=%d fanIn=%d workers=%d", n, tc.memory, tc.fanIn, tc.workers)
			got, stats := sortAll(t, items, Options{Memory: tc.memory, FanIn: tc.fanIn, Workers: tc.workers})
			if len(got) != len(want) {
				t.Fatalf("%s: %d items out, %d in", name, len(got), len(want))
			}
			for i := range want {
				if got[i].id != want[i].id || got[i].key != want[i].key || got[i].text != want[i].text {
					t.Fatalf("%s: item %d is %+v, want %+v", name, i, *got[i], *want[i])
				}
			}
			if n < 100 {
				continue
			}
			if spilled := stats.Spills > 0; spilled != tc.spilled {
				t.Errorf("%s: %d spills", name, stats.Spills)
			}
			fanIn := cmp.Or(tc.fanIn, DefaultFanIn)
			generations := 1
			for p := fanIn; p < stats.Spills; p *= fanIn {
				generations++
			}
			if stats.Runs > (fanIn-1)*generations || (tc.generations && stats.Runs >= stats.Spills) {
				t.Errorf("%s: %d runs held after %d spills with fan-in %d", name, stats.Runs, stats.Spills, fanIn)
			}
		}
	}
}

// TestInMemoryKeepsPointers: items that never left memory are handed back
// as the caller's own pointers; spilled ones as new items.
func TestInMemoryKeepsPointers(t *testing.T) {
	items := randomItems(100, 10, 1)
	got, _ := sortAll(t, items, Options{})
	for _, it := range got {
		if items[it.id] != it {
			t.Fatalf("item %d was copied", it.id)
		}
	}
	got, _ = sortAll(t, items, Options{Memory: 1 << 10})
	copies := 0
	for _, it := range got {
		if items[it.id] != it {
			copies++
		}
	}
	if copies == 0 || copies == len(items) {
		t.Errorf("%d of %d items decoded from runs, want some but not all", copies, len(items))
	}
}

// TestNoFileLeft: run files have no name from the moment they exist, so
// the temporary folder stays empty during the sort and after it, whatever
// ends the process.
func TestNoFileLeft(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	s := New(BinaryCodec[item](), byKey, Options{Memory: 1 << 10, FanIn: 3})
	for _, it := range randomItems(2000, 50, 2) {
		if err := s.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Spills < 10 || st.Bytes == 0 {
		t.Fatalf("expected many spills, got %+v", st)
	}
	n := 0
	err := s.Each(context.Background(), func(*item) error {
		if n++; n == 1000 {
			assertEmpty(t, dir, "during the merge")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, dir, "after Close")
}

func assertEmpty(t *testing.T, dir, when string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Errorf("%s: %d files in the temporary folder, first %s", when, len(entries), entries[0].Name())
	}
}

// TestNamedRunsRemoved: where a run file cannot be unlinked while open
// (not Linux), Close removes it, after an error too.
func TestNamedRunsRemoved(t *testing.T) {
	dir := t.TempDir()
	saved := openRunFile
	t.Cleanup(func() { openRunFile = saved })
	openRunFile = func(dir string) (*os.File, string, error) {
		f, err := os.CreateTemp(dir, "named-*.run")
		if err != nil {
			return nil, "", err
		}
		return f, f.Name(), nil
	}
	s := New(BinaryCodec[item](), byKey, Options{Memory: 1 << 10, FanIn: 2, TempDir: dir})
	for _, it := range randomItems(500, 50, 3) {
		if err := s.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) == 0 || len(entries) != s.Stats().Runs {
		t.Fatalf("%d files for %d runs", len(entries), s.Stats().Runs)
	}
	stop := errors.New("consumer failed")
	if err := s.Each(context.Background(), func(*item) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("Each returned %v, want the consumer's error", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, dir, "after Close")
}

// TestSpillWriteError: a full disk is a clear error, returned by the Add
// that spilled and by every later call.
func TestSpillWriteError(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no /dev/full to simulate a full disk: %v", err)
	}
	full.Close()
	saved := openRunFile
	t.Cleanup(func() { openRunFile = saved })
	openRunFile = func(string) (*os.File, string, error) {
		f, err := os.OpenFile("/dev/full", os.O_RDWR, 0)
		return f, "", err
	}
	s := New(BinaryCodec[item](), byKey, Options{Memory: 1 << 10, TempDir: "/spill/dir", What: "events"})
	defer s.Close()
	var addErr error
	for _, it := range randomItems(20000, 50, 4) {
		if addErr = s.Add(it); addErr != nil {
			break
		}
	}
	if addErr == nil || !strings.Contains(addErr.Error(), "writing sorted events to a temporary file in /spill/dir") ||
		!strings.Contains(addErr.Error(), "no space left") {
		t.Fatalf("Add returned %v, want a spill error naming the folder and the cause", addErr)
	}
	if err := s.Add(&item{}); !errors.Is(err, addErr) {
		t.Errorf("Add after the error returned %v", err)
	}
	if err := s.Each(context.Background(), func(*item) error { return nil }); !errors.Is(err, addErr) {
		t.Errorf("Each after the error returned %v", err)
	}
}

// TestCreateError: a temporary folder that cannot be written is named.
func TestCreateError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	s := New(BinaryCodec[item](), byKey, Options{Memory: 1, TempDir: missing})
	defer s.Close()
	err := s.Add(&item{})
	if err == nil || !strings.Contains(err.Error(), "creating a temporary file for sorted items in "+missing) {
		t.Fatalf("Add returned %v", err)
	}
}

// TestDamagedRun: a run file that does not read back is an error naming
// the offset, never a panic or a silent loss.
func TestDamagedRun(t *testing.T) {
	for _, damage := range []struct {
		name string
		at   func(size int64) int64
		with []byte
	}{
		{"garbage length", func(int64) int64 { return 0 }, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{"item that does not decode", func(int64) int64 { return 1 }, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"truncated", func(size int64) int64 { return size }, nil},
	} {
		s := New(BinaryCodec[item](), byKey, Options{Memory: 1 << 10, TempDir: t.TempDir()})
		for _, it := range randomItems(200, 10, 5) {
			if err := s.Add(it); err != nil {
				t.Fatal(err)
			}
		}
		r := s.runs[0]
		if damage.with != nil {
			if _, err := r.file.WriteAt(damage.with, damage.at(r.size)); err != nil {
				t.Fatal(err)
			}
		} else {
			r.size-- // the last item is cut short
		}
		err := s.Each(context.Background(), func(*item) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "reading back a temporary sort file") {
			t.Errorf("%s: Each returned %v", damage.name, err)
		}
		s.Close()
	}
}

// TestCancel: Each stops when the context is done, spilled or not.
func TestCancel(t *testing.T) {
	for _, memory := range []int64{1 << 30, 1 << 10} {
		s := New(BinaryCodec[item](), byKey, Options{Memory: memory, TempDir: t.TempDir()})
		for _, it := range randomItems(5000, 10, 6) {
			if err := s.Add(it); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		err := s.Each(ctx, func(*item) error {
			if n++; n == 10 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n > 10+checkEvery {
			t.Errorf("memory %d: Each returned %v after %d items", memory, err, n)
		}
		s.Close()
	}
}

// TestMisuse: the sorter refuses what would lose items.
func TestMisuse(t *testing.T) {
	s := New(BinaryCodec[item](), byKey, Options{})
	if err := s.Each(context.Background(), func(*item) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if s.Add(&item{}) == nil {
		t.Error("Add after Each accepted")
	}
	if s.Each(context.Background(), func(*item) error { return nil }) == nil {
		t.Error("a second Each accepted")
	}
	s.Close()
	if s.Add(&item{}) == nil {
		t.Error("Add after Close accepted")
	}
}
