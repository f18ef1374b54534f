//go:build linux

package main

import (
	"testing"
	"time"
)

func TestCeiling(t *testing.T) {
	for _, tc := range []struct {
		name            string
		alone, together []float64
		want            float64
	}{
		{"equal CPUs", []float64{100, 100}, []float64{100, 100}, 2},
		{"second CPU at 57%", []float64{100, 57}, []float64{100, 57}, 1.57},
		{"slower together", []float64{100, 100}, []float64{95, 95}, 1.9},
		{"nothing measured", []float64{0}, []float64{0}, 0},
	} {
		if got := ceiling(tc.alone, tc.together); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("%s: ceiling = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSpinPinned checks that a thread pinned to the first CPU runs the
// loop at a positive rate.
func TestSpinPinned(t *testing.T) {
	rates, err := spinWith([]int{0}, 20*time.Millisecond, loop)
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 1 || rates[0] <= 0 {
		t.Errorf("rates %v, want one positive rate", rates)
	}
}

// TestCopyPinned checks the memory measure the same way.
func TestCopyPinned(t *testing.T) {
	rates, err := spinWith([]int{0}, 20*time.Millisecond, copyLoop)
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 1 || rates[0] <= 0 {
		t.Errorf("rates %v, want one positive rate", rates)
	}
}
