package correlation

import "testing"

// TestValueCounter checks the distinct count through the switch from the
// list to the map and back to empty.
func TestValueCounter(t *testing.T) {
	var c valueCounter
	keys := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, string(rune('a'+i%26))+string(rune('a'+i/26)))
		}
		return out
	}
	for _, n := range []int{1, fewValues, fewValues + 1, 100} {
		for _, k := range keys(n) {
			c.add(k)
			c.add(k)
		}
		if got := c.distinct(); got != n {
			t.Fatalf("%d values added twice: distinct %d", n, got)
		}
		for i, k := range keys(n) {
			c.remove(k)
			if got := c.distinct(); got != n {
				t.Fatalf("%d values, one removal of %d: distinct %d", n, i, got)
			}
		}
		for i, k := range keys(n) {
			c.remove(k)
			if got := c.distinct(); got != n-i-1 {
				t.Fatalf("%d values, %d removed: distinct %d", n, i+1, got)
			}
		}
		c.remove("absent")
		c.reset()
		if c.distinct() != 0 || c.many != nil {
			t.Fatalf("reset left %d", c.distinct())
		}
	}
}
