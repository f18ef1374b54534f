//go:build linux

package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Transparent huge pages for the heap.
//
// Every 4 KiB page the heap touches for the first time costs a page fault,
// and on virtual machines that trap faults to the hypervisor a fault
// costs ten or more times what it does on bare metal (scripts/faultcost).
// A scan of 1 GiB grows a heap of about 60 MiB: some 12,000 faults, a
// tenth of the run, and two workers faulting at once slow each other.
// Where the kernel backs memory with huge pages only on request (THP mode
// "madvise", the default of several distributions), Go's heap gets none,
// as the runtime no longer asks. adviseHugePages asks for the range the
// heap grows into first: it allocates one large object, so that the
// runtime maps that much address space (untouched, it costs no memory),
// marks the object's memory MADV_HUGEPAGE and lets the object go. Later
// allocations reuse those addresses and each first touch maps 2 MiB at a
// time. Where THP is "always" the heap already has huge pages; where it is
// "never", or on other systems, nothing is done.

// hugeHeapBytes is the heap range offered huge pages: beyond a scan's
// peak heap and the timeline's default sort budget. It is address space,
// not memory: only the pages the heap then touches are backed.
const hugeHeapBytes = 256 << 20

// thpModeFile holds the system's transparent-huge-page mode;
// overcommitFile its policy for committing memory.
const (
	thpModeFile    = "/sys/kernel/mm/transparent_hugepage/enabled"
	overcommitFile = "/proc/sys/vm/overcommit_memory"
)

// adviseHugePages offers the heap huge pages where the system grants
// them only on request; it does nothing elsewhere.
func adviseHugePages() {
	mode, err := os.ReadFile(thpModeFile)
	if err != nil {
		return
	}
	overcommit, _ := os.ReadFile(overcommitFile)
	var as syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &as); err != nil {
		return
	}
	if hugePagesFit(string(mode), string(overcommit), as.Cur, strconv.IntSize) {
		adviseHeap(hugeHeapBytes)
	}
}

// noLimit is an rlimit's value for "unlimited" (RLIM_INFINITY).
const noLimit = ^uint64(0)

// hugePagesFit reports whether to ask: the THP mode is "madvise" (huge
// pages only for memory marked MADV_HUGEPAGE), and the large object
// cannot cost the run its memory. The kernel charges its address range in
// full where overcommit is strict (policy 2) and counts it against a
// limit on address space (ulimit -v), for as long as the heap lives; and
// 256 MiB in one piece is too much to ask of a 32-bit address space.
func hugePagesFit(mode, overcommit string, asLimit uint64, intSize int) bool {
	return strings.Contains(mode, "[madvise]") &&
		strings.TrimSpace(overcommit) != "2" &&
		asLimit == noLimit &&
		intSize == 64
}

// hugePageBytes is the size of an x86-64 and arm64 (4 KiB granule)
// transparent huge page; the range advised is aligned to it (elsewhere
// the kernel uses its own size within the range).
const hugePageBytes = 2 << 20

// adviseHeap allocates size bytes, marks their whole huge pages
// MADV_HUGEPAGE, drops them and collects them, so that the heap's next
// allocations land in the advised range. It returns the range advised
// (start and end addresses; equal when nothing was), for tests.
func adviseHeap(size int) (start, end uintptr) {
	ballast := make([]byte, size)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(ballast)))
	start = (base + hugePageBytes - 1) &^ (hugePageBytes - 1)
	end = (base + uintptr(size)) &^ (hugePageBytes - 1)
	if end <= start {
		return start, start
	}
	// A hint: an error (no THP support) leaves the heap as it was.
	if err := syscall.Madvise(ballast[start-base:end-base], syscall.MADV_HUGEPAGE); err != nil {
		end = start
	}
	// The object is dead past this point; free it now. Left to the next
	// collection, which its own size would put far off, it would make the
	// heap grow into fresh memory outside the advised range.
	runtime.KeepAlive(ballast)
	runtime.GC()
	return start, end
}
