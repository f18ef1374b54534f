// Command faultcost measures what a page fault costs on this machine: it
// maps fresh anonymous memory and touches one byte of every 4 KiB page,
// first on one thread, then on two threads of the same process at once
// (each with a mapping of its own), and prints the time per fault. Given a
// FILE, it also reads it twice, by pread in 64 KiB pieces and through a
// read-only memory mapping, and prints the time of each (pread first: on
// a file not in the page cache that first time is the disk's; run twice).
//
//	faultcost [MIB [FILE]]
//
// MIB is the memory touched in each round (default 256). On a virtual
// machine whose page faults trap to the hypervisor, a fault costs far more
// than on bare metal, and every fresh page a program touches (a growing
// heap, a memory-mapped file) pays it; the README's performance notes
// quote this command's figures.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

const pageSize = 4096

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	mib := 256
	if len(args) > 0 {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 1 || n > 1<<16 {
			fmt.Fprintln(os.Stderr, "faultcost: MIB must be a whole number from 1 to 65536")
			return 2
		}
		mib = n
	}
	for _, threads := range []int{1, 2} {
		perFault, err := measure(threads, mib<<20)
		if err != nil {
			fmt.Fprintln(os.Stderr, "faultcost:", err)
			return 1
		}
		fmt.Printf("threads=%d mib=%d us_per_fault=%.2f\n", threads, mib, perFault.Seconds()*1e6)
	}
	if len(args) > 1 {
		if err := readBothWays(args[1]); err != nil {
			fmt.Fprintln(os.Stderr, "faultcost:", err)
			return 1
		}
	}
	return 0
}

// readBothWays times reading path by pread and by memory mapping; each
// reader sums one byte in 512 so that both touch every page.
func readBothWays(path string) error {
	f, err := os.Open(path) //nolint:gosec // the file to time is the point
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := int(st.Size())
	if size == 0 {
		return fmt.Errorf("%s is empty", path)
	}
	var sum byte
	touch := func(b []byte) {
		for i := 0; i < len(b); i += 512 {
			sum += b[i]
		}
	}
	start := time.Now()
	buf := make([]byte, 64<<10)
	for off := int64(0); off < int64(size); off += int64(len(buf)) {
		n, err := f.ReadAt(buf, off)
		if n == 0 && err != nil {
			return err
		}
		touch(buf[:n])
	}
	pread := time.Since(start)
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return err
	}
	defer func() { _ = syscall.Munmap(m) }()
	start = time.Now()
	for off := 0; off < size; off += len(buf) {
		touch(m[off:min(off+len(buf), size)])
	}
	mapped := time.Since(start)
	fmt.Printf("file=%q mib=%d pread_seconds=%.3f mmap_seconds=%.3f (checksum %d)\n", path, size>>20, pread.Seconds(), mapped.Seconds(), sum)
	return nil
}

// measure touches size bytes of fresh memory split over threads threads
// and returns the wall time per fault of one thread.
func measure(threads, size int) (time.Duration, error) {
	per := size / threads / pageSize * pageSize
	maps := make([][]byte, threads)
	for i := range maps {
		m, err := syscall.Mmap(-1, 0, per, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return 0, err
		}
		maps[i] = m
	}
	defer func() {
		for _, m := range maps {
			_ = syscall.Munmap(m)
		}
	}()
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	start := time.Now()
	var wg sync.WaitGroup
	for _, m := range maps {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for i := 0; i < len(m); i += pageSize {
				m[i] = 1
			}
		})
	}
	wg.Wait()
	return time.Since(start) / time.Duration(per/pageSize), nil
}
