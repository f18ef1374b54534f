package shard

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func hostSet(names ...string) map[string]struct{} {
	set := map[string]struct{}{}
	for _, n := range names {
		set[n] = struct{}{}
	}
	return set
}

// loads returns the bytes each shard (1 to n) reads under a: the inputs
// holding one of its hosts, hostless inputs going to shard 1.
func loads(held []holding, a *Assignment, n int) []int64 {
	out := make([]int64, n+1)
	for _, h := range held {
		readers := map[int]bool{}
		for name := range h.hosts {
			readers[a.Of(name, n)] = true
		}
		if len(h.hosts) == 0 {
			readers[1] = true
		}
		for k := range readers {
			out[k] += h.size
		}
	}
	return out[1:]
}

func TestAssign(t *testing.T) {
	cases := []struct {
		name      string
		held      []holding
		n         int
		moved     int  // hosts off their hash shard
		overBound bool // some shard may exceed the capacity (a host alone does)
	}{
		{"one small host per input stays on its hash", []holding{
			{size: 10, hosts: hostSet("ws01")}, {size: 10, hosts: hostSet("a")}, {size: 10, hosts: hostSet("rootdc1.offsec.lan")},
		}, 3, 0, false},
		{"heavy hosts hashing together are spread", []holding{
			{size: 1000, hosts: hostSet("a")}, {size: 1000, hosts: hostSet("b")}, {size: 1000, hosts: hostSet("d")},
			{size: 10, hosts: hostSet("ws01")},
		}, 3, 1, false}, // capacity 1004+1000: a and b fit shard 2, d moves
		{"a host larger than the capacity stays home", []holding{
			{size: 500, hosts: hostSet("a")}, {size: 500, hosts: hostSet("a")}, {size: 500, hosts: hostSet("a")},
			{size: 10, hosts: hostSet("ws01")},
		}, 3, 0, true},
		{"hostless inputs load shard 1", []holding{
			{size: 1000}, {size: 1000, hosts: hostSet("c")}, {size: 1000, hosts: hostSet("e")}, {size: 10, hosts: hostSet("g")},
		}, 2, 1, false},
		{"an input of several hosts is shared", []holding{
			{size: 900, hosts: hostSet("a", "b", "c")}, {size: 300, hosts: hostSet("a")}, {size: 300, hosts: hostSet("d")},
			{size: 300, hosts: hostSet("h")},
		}, 2, -1, false},
		{"more shards than hosts", []holding{
			{size: 100, hosts: hostSet("a")}, {size: 100, hosts: hostSet("b")},
		}, 1000, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := assign(tc.held, tc.n)
			if tc.moved >= 0 && a.Moved() != tc.moved {
				t.Errorf("moved %d hosts, want %d", a.Moved(), tc.moved)
			}
			for k, l := range loads(tc.held, a, tc.n) {
				if l > a.Capacity() && !tc.overBound {
					t.Errorf("shard %d reads %d bytes, capacity %d", k+1, l, a.Capacity())
				}
			}
			// The same inputs in another order give the same owners.
			rev := slices.Clone(tc.held)
			slices.Reverse(rev)
			b := assign(rev, tc.n)
			for _, h := range tc.held {
				for name := range h.hosts {
					if a.Of(name, tc.n) != b.Of(name, tc.n) {
						t.Errorf("%q: shard %d, %d with the inputs reversed", name, a.Of(name, tc.n), b.Of(name, tc.n))
					}
				}
			}
		})
	}
}

// TestAssignManyHosts: a fleet of equal hosts mostly stays on the hash,
// and no shard exceeds its share plus one input.
func TestAssignManyHosts(t *testing.T) {
	var held []holding
	for i := range 2000 {
		held = append(held, holding{size: int64(1000 + i%7*100), hosts: hostSet(fmt.Sprintf("ws%04d.corp.example", i))})
	}
	for _, n := range []int{2, 3, 8, 64} {
		a := assign(held, n)
		for k, l := range loads(held, a, n) {
			if l > a.Capacity() {
				t.Errorf("%d shards: shard %d reads %d, capacity %d", n, k+1, l, a.Capacity())
			}
		}
		if a.Hosts() != len(held) || a.Moved() > len(held)/4 {
			t.Errorf("%d shards: placed %d hosts, moved %d; want %d placed, most on their hash", n, a.Hosts(), a.Moved(), len(held))
		}
		t.Logf("%d shards: %d of %d hosts moved", n, a.Moved(), a.Hosts())
	}
}

// TestPlacementFingerprint: the jobs of one scan compute the same
// placement and fingerprint; other inputs give another fingerprint, and
// the placement file lists every host.
func TestPlacementFingerprint(t *testing.T) {
	held := []holding{
		{size: 1000, hosts: hostSet("a")}, {size: 1000, hosts: hostSet("b")},
		{size: 10, hosts: hostSet("rootdc1.offsec.lan")}, {size: 10, hosts: hostSet("ws01")},
	}
	first := assign(held, 3).Fingerprint()
	rev := slices.Clone(held)
	slices.Reverse(rev)
	if again := assign(rev, 3).Fingerprint(); again != first {
		t.Errorf("the same inputs in another order: fingerprint %s, then %s", first, again)
	}
	if other := assign(held[:3], 3).Fingerprint(); other == first {
		t.Error("an input left out gives the same fingerprint")
	}
	if other := assign(held, 4).Fingerprint(); other == first {
		t.Error("another shard count gives the same fingerprint")
	}
	var b strings.Builder
	plan := &Plan{Spec: Spec{2, 3}, Owners: assign(held, 3)}
	if err := plan.WritePlacement(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 6 || !strings.Contains(lines[0], "fingerprint "+first) || lines[1] != "host\tbytes\thash_shard\tshard" ||
		lines[2] != "a\t1000\t2\t2" || lines[3] != "b\t1000\t2\t3" {
		t.Errorf("placement file:\n%s", b.String())
	}
}
