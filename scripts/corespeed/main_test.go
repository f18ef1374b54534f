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

// TestPinnedRates checks that a thread pinned to the first CPU runs each
// measure at a positive rate.
func TestPinnedRates(t *testing.T) {
	for name, work := range map[string]func(time.Duration) float64{"loop": loop, "copy": copyLoop} {
		rates, err := spinWith([]int{0}, 20*time.Millisecond, work)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rates) != 1 || rates[0] <= 0 {
			t.Errorf("%s: rates %v, want one positive rate", name, rates)
		}
	}
}
