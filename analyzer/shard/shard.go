package shard

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Spec names one shard: K of N, 1 <= K <= N. The zero Spec is no
// sharding: it owns every host.
type Spec struct {
	K, N int
}

// MaxShards bounds N, so a typing slip cannot ask for absurd counts.
const MaxShards = 1 << 20

// Parse reads "K/N": two decimal numbers, 1 <= K <= N <= MaxShards.
func Parse(s string) (Spec, error) {
	ks, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Spec{}, fmt.Errorf("%q is not K/N (e.g. 2/8)", s)
	}
	k, err1 := parseCount(ks)
	n, err2 := parseCount(ns)
	switch {
	case err1 != nil || err2 != nil:
		return Spec{}, fmt.Errorf("%q is not K/N with K and N positive whole numbers (e.g. 2/8)", s)
	case n > MaxShards:
		return Spec{}, fmt.Errorf("%q: at most %d shards", s, MaxShards)
	case k > n:
		return Spec{}, fmt.Errorf("%q: shard %d does not exist among %d (shards count from 1)", s, k, n)
	}
	return Spec{K: k, N: n}, nil
}

// parseCount reads a positive decimal number of at most 7 digits (no
// sign, no spaces).
func parseCount(s string) (int, error) {
	if s == "" || len(s) > 7 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("not a count: %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("not a positive count: %q", s)
	}
	return n, nil
}

// Active reports whether s selects a shard (it is not the zero Spec).
func (s Spec) Active() bool { return s.N > 0 }

// String returns "K/N".
func (s Spec) String() string { return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N) }

// HostHash is the FNV-1a 64 hash of the lower-cased computer name.
func HostHash(computer string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(computer)))
	return h.Sum64()
}

// Of returns the shard (1 to n) that owns computer among n shards.
func Of(computer string, n int) int {
	return int(HostHash(computer)%uint64(n)) + 1
}

// Keeper answers a plan's Owns for a stream of events, remembering the
// answer per computer name (events of a chunk mostly share one). It is not
// safe for concurrent use.
type Keeper struct {
	plan  *Plan
	known map[string]bool
}

// maxKnown bounds the Keeper's memory of names; past it, it starts over.
const maxKnown = 1 << 14

// NewKeeper returns a Keeper for plan's shard; a nil plan keeps all.
func NewKeeper(plan *Plan) *Keeper {
	return &Keeper{plan: plan, known: map[string]bool{}}
}

// Keep reports whether the shard owns computer.
func (k *Keeper) Keep(computer string) bool {
	if k.plan == nil || !k.plan.Spec.Active() {
		return true
	}
	if own, ok := k.known[computer]; ok {
		return own
	}
	if len(k.known) >= maxKnown {
		clear(k.known)
	}
	own := k.plan.Owns(computer)
	k.known[strings.Clone(computer)] = own
	return own
}
