//go:build linux

package main

import (
	"os"
	"runtime"
	"runtime/debug"
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

// adviseHeap allocates size bytes, marks their huge pages MADV_HUGEPAGE,
// drops them, collects them and gives their memory back, so that the
// heap's next allocations land in the advised range. It returns the range advised (start and end
// addresses; equal when nothing was), for tests.
//
// The heap's first pages, where package initialisation left its objects,
// already hold 4 KiB pages, and the kernel maps a huge page only where no
// page of its 2 MiB is mapped yet: a ballast starting inside such a 2 MiB
// left the rest of it, the lowest free memory and so the first reused,
// to be faulted in 4 KiB at a time (one recording put 1,082 of the
// start's faults in the heap below the advised range). So the
// heap is first padded up to the next 2 MiB boundary with an object that
// is kept and never touched (address space only), and the ballast starts
// there. Its last, partial 2 MiB is advised too: nothing else uses it yet.
// The collector is paused meanwhile, so that the ballast's allocation
// starts no collection of its own: the one that frees it is the only one.
func adviseHeap(size int) (start, end uintptr) {
	gc := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(gc)
	heapPad = padToHugePage()
	ballast := make([]byte, size)
	start, end = adviseObject(ballast)
	// The object is dead past this point; free it now. Left to the next
	// collection, which its own size would put far off, it would make the
	// heap grow into fresh memory outside the advised range. Its memory
	// goes back to the system at once (it was never touched, so that is
	// cheap): left counted as the heap's, it put a scan over its memory
	// limit, the runtime gave it back while the rules loaded, and the
	// rule files, parsed on two cores, took nearly as long as on one.
	runtime.KeepAlive(ballast)
	debug.FreeOSMemory()
	return start, end
}

// adviseObject marks the whole huge pages of heap object b
// MADV_HUGEPAGE, and its last, partial one too where the runtime mapped
// the memory past b with it (as it does, 4 MiB at a time). It returns the
// range advised (equal addresses when nothing was): a hint, which an
// error (no THP support) leaves unheeded.
func adviseObject(b []byte) (start, end uintptr) {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start = (base + hugePageBytes - 1) &^ (hugePageBytes - 1)
	end = (base + uintptr(len(b))) &^ (hugePageBytes - 1)
	if end <= start {
		return start, start
	}
	if err := syscall.Madvise(b[start-base:end-base], syscall.MADV_HUGEPAGE); err != nil {
		return start, start
	}
	if end < base+uintptr(len(b)) {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, end, hugePageBytes, syscall.MADV_HUGEPAGE); errno == 0 {
			end += hugePageBytes
		}
	}
	return start, end
}

// heapPad holds the objects that pad the heap to a huge-page boundary
// before the ballast (see adviseHeap). They are never read or written,
// so they cost address space, not memory; kept, they leave no free pages
// below the boundary to be reused first.
var heapPad [2][]byte //nolint:unused // written only: it keeps the padding reachable for the life of the process

// padToHugePage allocates, and returns, the objects that make the heap's
// next large allocation start on a 2 MiB boundary. A probe finds the page
// heap's next free address; the padding then fills the rest up to a
// boundary (none where the probe ends on one). Both are large enough to
// be placed straight by the page heap, at the lowest free address that
// fits, rather than from a processor's cache of pages (allocations under
// 128 KiB).
func padToHugePage() [2][]byte {
	probe := make([]byte, padMinBytes)
	next := uintptr(unsafe.Pointer(unsafe.SliceData(probe))) + padMinBytes
	gap := ((next + hugePageBytes - 1) &^ (hugePageBytes - 1)) - next
	if gap == 0 {
		return [2][]byte{probe, nil}
	}
	if gap < padMinBytes {
		gap += hugePageBytes
	}
	return [2][]byte{probe, make([]byte, gap)}
}

// padMinBytes is the least size the page heap places itself (16 pages of
// 8 KiB; smaller spans come from a per-processor cache).
const padMinBytes = 128 << 10
