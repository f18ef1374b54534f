//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestTHPOnRequest(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want bool
	}{
		{"always [madvise] never\n", true},
		{"[always] madvise never\n", false},
		{"always madvise [never]\n", false},
		{"", false},
		{"madvise\n", false}, // no selection marked: not a mode file's text
	} {
		if got := thpOnRequest(tc.mode); got != tc.want {
			t.Errorf("thpOnRequest(%q) = %v, want %v", tc.mode, got, tc.want)
		}
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
