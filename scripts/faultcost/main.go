// Command faultcost measures what a page fault costs on this machine: it
// maps fresh anonymous memory and touches one byte of every 4 KiB page,
// first on one thread, then on two threads of the same process at once
// (each with a mapping of its own), and prints the time per fault. Then
// it measures how long a load from memory takes with working sets from
// 256 KiB to 16 MiB per thread, with one thread and with two (see
// chaseCost): where two threads slow each other down, the cores share
// that cache. Given a
// FILE, it also reads it by pread in 64 KiB and in 256 KiB pieces, each
// with one thread and with two threads taking pieces in turn (as the
// pipeline's workers take chunks), and through a read-only memory
// mapping, and prints the time of each (the first read of a file not in
// the page cache is the disk's; run twice). How the file came into the
// page cache matters: a file written in small pieces may sit there in
// 4 KiB pages, one read from disk sits in large folios, and reads of it
// cost less (scripts/grow.sh's cache_as_read puts a file in the second
// state).
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
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
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
	for _, kib := range []int{256, 1024, 2048, 4096, 8192, 16384} {
		fmt.Printf("cache kib=%d", kib)
		for _, threads := range []int{1, 2} {
			fmt.Printf(" ns_per_load_%dthreads=%.1f", threads, chaseCost(kib, threads))
		}
		fmt.Println()
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
// reader sums one byte in 512 so that all touch every page.
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
	fmt.Printf("file=%q mib=%d", path, size>>20)
	for _, piece := range []int{64 << 10, 256 << 10} {
		for _, threads := range []int{1, 2} {
			took, err := preadAll(f, size, piece, threads)
			if err != nil {
				return err
			}
			fmt.Printf(" pread_%dk_%dthreads_seconds=%.3f", piece>>10, threads, took.Seconds())
		}
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return err
	}
	defer func() { _ = syscall.Munmap(m) }()
	start := time.Now()
	var sum byte
	for off := 0; off < size; off += 512 {
		sum += m[off]
	}
	fmt.Printf(" mmap_seconds=%.3f (checksum %d)\n", time.Since(start).Seconds(), sum)
	return nil
}

// preadAll reads f's size bytes in pieces of piece bytes, threads threads
// taking the next piece in turn, and returns the wall time.
func preadAll(f *os.File, size, piece, threads int) (time.Duration, error) {
	var next atomic.Int64
	errs := make([]error, threads)
	start := time.Now()
	var wg sync.WaitGroup
	for t := range threads {
		wg.Go(func() {
			buf := make([]byte, piece)
			var sum byte
			for {
				off := next.Add(int64(piece)) - int64(piece)
				if off >= int64(size) {
					break
				}
				n, err := f.ReadAt(buf, off)
				if n == 0 && err != nil {
					errs[t] = err
					return
				}
				for i := 0; i < n; i += 512 {
					sum += buf[i]
				}
			}
			_ = sum
		})
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
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
	took := onThreads(threads, func(t int) {
		m := maps[t]
		for i := 0; i < len(m); i += pageSize {
			m[i] = 1
		}
	})
	return took / time.Duration(per/pageSize), nil
}

// onThreads runs work(0) ... work(threads-1) at once, each on an OS thread
// of its own with as many scheduler slots as threads, and returns the
// wall time.
func onThreads(threads int, work func(t int)) time.Duration {
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	start := time.Now()
	var wg sync.WaitGroup
	for t := range threads {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			work(t)
		})
	}
	wg.Wait()
	return time.Since(start)
}
