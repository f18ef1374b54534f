package findings

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSpoolBlocks: findings spread over several blocks, one larger than a
// block, with and without spilled runs, come back whole and in order, and
// the blocks are reused after a spill rather than grown.
func TestSpoolBlocks(t *testing.T) {
	base := time.Date(2024, 3, 12, 8, 0, 0, 0, time.UTC)
	var in []*Finding
	for i := range 400 {
		f := &Finding{ID: fmt.Sprintf("f%03d", i), RuleID: "r", Title: "t", Description: strings.Repeat("d", 10_000+i)}
		if i == 123 {
			f.Description = strings.Repeat("big", spoolBlock) // 3 MiB: a block of its own
		}
		f.Event.Timestamp = base.Add(time.Duration((i*7919)%400) * time.Second) // added out of order
		f.Event.Computer = "WS01"
		f.Event.EventRecordID = uint64(i)
		in = append(in, f)
	}
	for _, limit := range []int{1 << 30, 2 * spoolBlock, 64 << 10} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			s := newSpool(Order{}, t.TempDir(), limit)
			defer s.close()
			for _, f := range in {
				if err := s.add(f); err != nil {
					t.Fatal(err)
				}
			}
			if limit == 1<<30 && (len(s.runs) != 0 || len(s.blocks) < 4) {
				t.Errorf("%d runs, %d blocks; want no run and the findings over several blocks", len(s.runs), len(s.blocks))
			}
			if limit < 1<<30 && len(s.blocks) > 2+3*spoolBlock/limit+1 {
				t.Errorf("%d blocks after %d runs: blocks are not reused", len(s.blocks), len(s.runs))
			}
			var got []*Finding
			err := s.each(func(f *Finding) error {
				c := *f
				got = append(got, &c)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(in) {
				t.Fatalf("%d findings back, want %d", len(got), len(in))
			}
			seen := map[string]bool{}
			for i, f := range got {
				if i > 0 && f.Event.Timestamp.Before(got[i-1].Event.Timestamp) {
					t.Fatalf("finding %d (%s) is out of order", i, f.ID)
				}
				var want *Finding
				for _, w := range in {
					if w.ID == f.ID {
						want = w
					}
				}
				if want == nil || seen[f.ID] || f.Description != want.Description || f.Event.EventRecordID != want.Event.EventRecordID {
					t.Fatalf("finding %d (%s) does not come back as it went in", i, f.ID)
				}
				seen[f.ID] = true
			}
			t.Logf("limit %d: %d runs, %d blocks", limit, len(s.runs), len(s.blocks))
		})
	}
}
