//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
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
