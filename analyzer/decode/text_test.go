package decode

import (
	"strings"
	"testing"
	"unsafe"
)

// TestKeepText: with a Text block, the strings KeepText returns hold what
// they were given however the blocks fill, a full block is replaced by
// one twice its size up to MaxReusedText, and a value longer than
// maxBlockValue is not put in a block; without one, every value gets
// storage of its own and Text stays nil.
func TestKeepText(t *testing.T) {
	values := []string{"", "cmd.exe /c whoami", strings.Repeat("a", maxBlockValue), "next", strings.Repeat("b", maxBlockValue+1), "after the long one"}
	for _, given := range []bool{true, false} {
		var r Result
		if given {
			r.Text = make([]byte, 0, TextBlock)
		}
		var got, want []string
		caps := []int{cap(r.Text)}
		for round := 0; round < 40; round++ {
			for _, v := range values {
				b := []byte(v)
				got = append(got, r.KeepText(b))
				want = append(want, v)
				clear(b) // KeepText copied it
				if c, prev := cap(r.Text), caps[len(caps)-1]; c != prev {
					if c != min(2*prev, MaxReusedText) {
						t.Errorf("a block of %d bytes followed one of %d", c, prev)
					}
					caps = append(caps, c)
				}
				if given && len(v) > maxBlockValue && len(r.Text) >= len(v) && string(r.Text[len(r.Text)-len(v):]) == v {
					t.Errorf("a value of %d bytes was put in a block", len(v))
				}
			}
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("block given %v: value %d changed: %.20q, want %.20q", given, i, got[i], want[i])
			}
		}
		last := got[len(got)-1]
		shares := len(r.Text) > 0 && unsafe.StringData(last) == &r.Text[len(r.Text)-len(last)]
		if given != shares {
			t.Errorf("block given %v: the last value shares Text's storage: %v", given, shares)
		}
		if !given && r.Text != nil {
			t.Errorf("no block given, yet Text holds %d bytes", len(r.Text))
		}
		r.Reset()
		if r.Text != nil {
			t.Errorf("Reset kept Text")
		}
	}
}
