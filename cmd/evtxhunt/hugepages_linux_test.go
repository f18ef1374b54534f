//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"
)

func TestHugePagesFit(t *testing.T) {
	const (
		madvise   = "always [madvise] never\n"
		unlimited = noLimit
	)
	for _, tc := range []struct {
		name       string
		mode       string
		overcommit string
		asLimit    uint64
		intSize    int
		want       bool
	}{
		{"madvise", madvise, "0\n", unlimited, 64, true},
		{"heuristic overcommit 1", madvise, "1\n", unlimited, 64, true},
		{"overcommit unreadable", madvise, "", unlimited, 64, true},
		{"always: the heap has huge pages already", "[always] madvise never\n", "0\n", unlimited, 64, false},
		{"never", "always madvise [never]\n", "0\n", unlimited, 64, false},
		{"no mode selected", "madvise\n", "0\n", unlimited, 64, false},
		{"strict overcommit charges the range", madvise, "2\n", unlimited, 64, false},
		{"ulimit -v counts the range", madvise, "0\n", 4 << 30, 64, false},
		{"32-bit address space", madvise, "0\n", unlimited, 32, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hugePagesFit(tc.mode, tc.overcommit, tc.asLimit, tc.intSize); got != tc.want {
				t.Errorf("hugePagesFit(%q, %q, %d, %d) = %v, want %v", tc.mode, tc.overcommit, tc.asLimit, tc.intSize, got, tc.want)
			}
		})
	}
}

// TestAdviseHeapMarksHugePages checks that the range adviseHeap reports
// is marked for huge pages in the kernel's view of the process.
func TestAdviseHeapMarksHugePages(t *testing.T) {
	if _, err := os.Stat(thpModeFile); err != nil {
		t.Skipf("this kernel has no transparent huge pages (%v)", err)
	}
	start, end := adviseHeap(16 << 20)
	if end <= start {
		t.Skip("madvise(MADV_HUGEPAGE) was refused: transparent huge pages are not available here")
	}
	if end-start < 8<<20 {
		t.Errorf("advised %d bytes of a 16 MiB object, want at least 8 MiB", end-start)
	}
	flags, err := vmaFlags(start)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the mapping at %#x has VmFlags %q, without hg (MADV_HUGEPAGE)", start, flags)
	}
}

// vmaFlags returns the VmFlags line of the mapping holding addr, from
// /proc/self/smaps.
func vmaFlags(addr uintptr) (string, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inside := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 && strings.Contains(strings.Fields(line)[0], "-") {
			inside = lo <= addr && addr < hi
			continue
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("no mapping holds %#x", addr)
}

// TestPadToHugePage checks, in a process of its own (whose heap is as
// fresh as evtxhunt's when it prepares it), that after padToHugePage the
// next large object starts on a huge-page boundary, as adviseHeap needs
// of its ballast, in several runs.
func TestPadToHugePage(t *testing.T) {
	if os.Getenv("EVTXHUNT_TEST_PAD") == "1" {
		debug.SetGCPercent(-1)
		pad := padToHugePage()
		object := make([]byte, 16<<20)
		at := uintptr(unsafe.Pointer(unsafe.SliceData(object)))
		fmt.Printf("padding %d, object at %#x, %d bytes past a huge-page boundary\n", len(pad[0])+len(pad[1]), at, at%hugePageBytes)
		runtime.KeepAlive(pad)
		runtime.KeepAlive(object)
		os.Exit(0)
	}
	for range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPadToHugePage$")
		cmd.Env = append(os.Environ(), "EVTXHUNT_TEST_PAD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if !strings.Contains(string(out), ", 0 bytes past a huge-page boundary") {
			t.Errorf("the object after the padding is not aligned: %s", out)
		}
	}
}

// TestAdviseObjectTail checks that the last, partial huge page of an
// object is advised too, and that the range starts at its first whole one.
func TestAdviseObjectTail(t *testing.T) {
	if _, err := os.Stat(thpModeFile); err != nil {
		t.Skipf("this kernel has no transparent huge pages (%v)", err)
	}
	object := make([]byte, 16<<20+64<<10)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(object)))
	start, end := adviseObject(object)
	if end <= start {
		t.Skip("madvise(MADV_HUGEPAGE) was refused: transparent huge pages are not available here")
	}
	objectEnd := base + uintptr(len(object))
	if start < base || start-base >= hugePageBytes || start%hugePageBytes != 0 {
		t.Errorf("advised range starts at %#x for an object at %#x: want its first huge-page boundary", start, base)
	}
	if end < objectEnd || end-objectEnd >= hugePageBytes || end%hugePageBytes != 0 {
		t.Errorf("advised range ends at %#x for an object ending at %#x: want the huge-page boundary after it", end, objectEnd)
	}
	flags, err := vmaFlags(objectEnd - 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the mapping at %#x, the object's last byte, has VmFlags %q, without hg (MADV_HUGEPAGE)", objectEnd-1, flags)
	}
	runtime.KeepAlive(object)
}
