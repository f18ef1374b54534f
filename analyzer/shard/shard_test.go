package shard

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	good := map[string]Spec{"1/1": {1, 1}, "2/3": {2, 3}, "3/3": {3, 3}, "08/10": {8, 10}, "1048576/1048576": {MaxShards, MaxShards}}
	for in, want := range good {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := []string{"", "1", "/", "1/", "/3", "0/3", "4/3", "1/0", "-1/3", "+1/3", " 1/3", "1/3 ", "1/3/4",
		"a/b", "1.0/3", "1/99999999", "1048577/1048577", "2/1"}
	for _, in := range bad {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, got)
		}
	}
}

// TestHostHash: the documented hash, checked against values computed
// with an independent FNV-1a implementation.
func TestHostHash(t *testing.T) {
	tests := []struct {
		name       string
		hash       uint64
		of3, of7   int
		sameAsThis string
	}{
		{"", 0xcbf29ce484222325, 3, 3, ""},
		{"a", 0xaf63dc4c8601ec8c, 2, 6, "A"},
		{"WS01", 0xc3fb97f5d506c6c4, 1, 6, "ws01"},
		{"ws01.corp.local", 0x661b73899d5a6cd7, 1, 7, "WS01.CORP.LOCAL"},
		{"MSEdgeWIN10", 0xf5be15c1666c089f, 1, 2, "msedgewin10"},
		{"rootdc1.offsec.lan", 0xa8970abf3cc063a0, 3, 4, "RootDC1.offsec.lan"},
		{"IE8Win7", 0x0eccb3cd4efdd27e, 1, 7, "IE8WIN7"},
	}
	for _, tt := range tests {
		if got := HostHash(tt.name); got != tt.hash {
			t.Errorf("HostHash(%q) = %#x, want %#x", tt.name, got, tt.hash)
		}
		if got := Of(tt.name, 3); got != tt.of3 {
			t.Errorf("Of(%q, 3) = %d, want %d", tt.name, got, tt.of3)
		}
		if got := Of(tt.name, 7); got != tt.of7 {
			t.Errorf("Of(%q, 7) = %d, want %d", tt.name, got, tt.of7)
		}
		if HostHash(tt.sameAsThis) != tt.hash {
			t.Errorf("%q and %q hash differently", tt.name, tt.sameAsThis)
		}
	}
}

// TestOwnsPartition: every host is owned by exactly one shard, whether
// the assignment placed it (moved or not) or the pre-pass never saw it,
// and the zero Spec owns everything.
func TestOwnsPartition(t *testing.T) {
	names := []string{"", "WS01", "ws02.corp", "DC-01", "Ünïcode-Host", strings.Repeat("x", 300), "never-seen"}
	held := []holding{
		{size: 900, hosts: hostSet("ws01", "dc-01")},
		{size: 800, hosts: hostSet("ws02.corp")},
		{size: 700, hosts: hostSet("ünïcode-host", "")},
		{size: 100, hosts: hostSet(strings.Repeat("x", 300))},
	}
	for n := 1; n <= 5; n++ {
		owners := assign(held, n)
		for _, name := range names {
			count := 0
			for k := 1; k <= n; k++ {
				if (&Plan{Spec: Spec{k, n}, Owners: owners}).Owns(name) {
					count++
				}
			}
			if count != 1 {
				t.Errorf("%q among %d shards: %d owners", name, n, count)
			}
		}
	}
	if !(&Plan{}).Owns("anything") {
		t.Error("the zero Spec must own every host")
	}
}

func TestKeeper(t *testing.T) {
	// Two big hosts that hash to shard 2 of 3: "b" moves to shard 3.
	held := []holding{{size: 1000, hosts: hostSet("a")}, {size: 1000, hosts: hostSet("b")},
		{size: 10, hosts: hostSet("rootdc1.offsec.lan")}, {size: 10, hosts: hostSet("ws01")}}
	plan := &Plan{Spec: Spec{2, 3}, Owners: assign(held, 3)}
	if plan.Owners.Moved() != 1 || plan.Owners.Of("B", 3) != 3 {
		t.Fatalf("moved %d hosts, b to shard %d; want 1, shard 3", plan.Owners.Moved(), plan.Owners.Of("B", 3))
	}
	k := NewKeeper(plan)
	for range 2 { // the second round answers from memory
		for _, name := range []string{"WS01", "a", "B", "b", "", "rootdc1.offsec.lan", "ROOTDC1.offsec.lan"} {
			if got, want := k.Keep(name), plan.Owns(name); got != want {
				t.Errorf("Keep(%q) = %v, want %v", name, got, want)
			}
		}
	}
	for i := range maxKnown + 10 { // the memory stays bounded
		k.Keep(strings.Repeat("h", i%50) + string(rune('a'+i%26)) + strings.Repeat("x", i/1000))
	}
	if len(k.known) > maxKnown {
		t.Errorf("Keeper remembers %d names, bound %d", len(k.known), maxKnown)
	}
	if NewKeeper(nil).Keep("x") != true {
		t.Error("a Keeper without a plan keeps everything")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1/1", "2/3", "0/3", "4/3", "1/0", "a/b", "1/2/3", "999999/1000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := Parse(s)
		if err != nil {
			return
		}
		if spec.K < 1 || spec.K > spec.N || spec.N > MaxShards {
			t.Fatalf("Parse(%q) = %v", s, spec)
		}
		again, err := Parse(spec.String())
		if err != nil || again != spec {
			t.Fatalf("Parse(%q) = %v, but Parse(%q) = %v, %v", s, spec, spec.String(), again, err)
		}
	})
}
