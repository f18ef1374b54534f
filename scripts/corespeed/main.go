//go:build linux

// Command corespeed measures how fast each CPU of this machine runs, and
// so how much parallel workers can gain on it at the moment.
//
//	go run ./scripts/corespeed [-d DURATION] [-n CPUS]
//
// It runs a fixed loop (integer steps, each adding into a random slot of
// a 1 MiB table) on one thread pinned to each of the first CPUS CPUs
// (sched_setaffinity; all of them by default), first on each CPU alone,
// then on all of them at once, and prints the rate of each; then the same
// with copies from a 64 MiB source, beyond the caches, 64 KiB at a time
// (as reading a log from the page cache does). On a shared virtual
// machine the host may run one virtual CPU slower than another for
// minutes at a time, or give it less of the memory's bandwidth; a worker
// pool then gains at most the sum of the CPUs' rates with all of them
// busy over the rate of the CPU a one-worker run gets (the fastest, at
// best). It prints that bound for each measure: "memory ceiling N.NN",
// then "ceiling N.NN" for the loop, last; scripts/bench.sh shows both
// beside its 1-to-2-worker ratios.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	d := flag.Duration("d", 500*time.Millisecond, "how long each measurement spins")
	n := flag.Int("n", runtime.NumCPU(), "how many CPUs to measure (the first ones)")
	flag.Parse()
	cpus := min(max(*n, 1), runtime.NumCPU())
	compute, err := measure(cpus, *d, loop, "loops/ms")
	if err != nil {
		fail(err)
	}
	memory, err := measure(cpus, *d, copyLoop, "MiB/s copied")
	if err != nil {
		fail(err)
	}
	fmt.Printf("memory ceiling %.2f (copying from memory)\n", memory)
	fmt.Printf("ceiling %.2f (most %d workers can gain over one now)\n", compute, cpus)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "corespeed: %v\n", err)
	os.Exit(1)
}

// measure runs work on each of the first cpus CPUs alone, then on all of
// them at once, prints the rates and returns their ceiling.
func measure(cpus int, d time.Duration, work func(time.Duration) float64, unit string) (float64, error) {
	alone := make([]float64, cpus)
	for c := range cpus {
		rates, err := spinWith([]int{c}, d, work)
		if err != nil {
			return 0, err
		}
		alone[c] = rates[0]
	}
	all := make([]int, cpus)
	for c := range all {
		all[c] = c
	}
	together, err := spinWith(all, d, work)
	if err != nil {
		return 0, err
	}
	for c := range cpus {
		fmt.Printf("cpu %d: %.0f %s alone, %.0f with all %d busy\n", c, alone[c], unit, together[c], cpus)
	}
	return ceiling(alone, together), nil
}

// ceiling is the most a pool of workers, one per CPU, can gain over one
// worker: the CPUs' rates with all of them busy, summed, over the fastest
// rate of one alone.
func ceiling(alone, together []float64) float64 {
	fastest, sum := 0.0, 0.0
	for c := range alone {
		fastest = max(fastest, alone[c])
		sum += together[c]
	}
	if fastest == 0 {
		return 0
	}
	return sum / fastest
}

// spinWith runs work on one thread pinned to each of cpus at once, for
// d, and returns each thread's rate.
func spinWith(cpus []int, d time.Duration, work func(time.Duration) float64) ([]float64, error) {
	rates := make([]float64, len(cpus))
	errs := make([]error, len(cpus))
	var ready, wg sync.WaitGroup
	ready.Add(len(cpus))
	start := make(chan struct{})
	for i, c := range cpus {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			errs[i] = pin(c)
			ready.Done()
			<-start
			rates[i] = work(d)
		})
	}
	ready.Wait()
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rates, nil
}

// pin binds the calling thread to cpu.
func pin(cpu int) error {
	var mask [16]uint64 // 1,024 CPUs
	if cpu >= len(mask)*64 {
		return fmt.Errorf("cpu %d: beyond the %d CPUs this can pin", cpu, len(mask)*64)
	}
	mask[cpu/64] |= 1 << (cpu % 64)
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask)))
	if errno != 0 {
		return fmt.Errorf("pinning a thread to cpu %d: %w", cpu, errno)
	}
	return nil
}

// loop runs batches of a dependent chain of integer operations (a
// xorshift step, which the compiler cannot fold), each step also adding
// to a random slot of a table of its own of tableBytes (what a chunk
// worker's decoding touches is of that order), until d has passed; it
// returns the batches done per millisecond.
func loop(d time.Duration) float64 {
	table := make([]uint64, tableBytes/8)
	x := uint64(time.Now().UnixNano()) | 1
	n := 0
	begin := time.Now()
	for time.Since(begin) < d {
		for range 1 << 12 {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			table[x%uint64(len(table))] += x
		}
		n++
	}
	if x == 0 || table[0] == 1 { // as good as never; keeps the work from being optimised away
		n++
	}
	return float64(n) / (float64(time.Since(begin)) / float64(time.Millisecond))
}

// tableBytes is the size of each thread's table.
const tableBytes = 1 << 20

// copyLoop copies a source of copySourceBytes, 64 KiB at a time, into a
// buffer of 64 KiB, over and over (as reading a log from the page cache
// does), until d has passed; it returns the MiB copied per second.
func copyLoop(d time.Duration) float64 {
	src := make([]byte, copySourceBytes)
	for i := range src {
		src[i] = byte(i)
	}
	dst := make([]byte, 64<<10)
	n := 0
	begin := time.Now()
	for time.Since(begin) < d {
		for off := 0; off+len(dst) <= len(src); off += len(dst) {
			copy(dst, src[off:])
		}
		n++
	}
	if dst[0] == 1 && dst[1] == 1 { // never so (the source counts up); keeps the copies
		n++
	}
	return float64(n*copySourceBytes>>20) * 1000 / float64(time.Since(begin)/time.Millisecond)
}

// copySourceBytes is the size of each thread's copy source: well beyond
// the last-level cache.
const copySourceBytes = 64 << 20
