package shard

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// Assignment gives each host found by the pre-pass its shard among N. A
// host goes to its hash shard (Of) unless that shard would then read more
// than the capacity, ceil(total bytes / N) plus the largest input, or
// another shard with room already reads more of the host's inputs (hosts
// sharing an input go together, so fewer inputs are read twice): shards
// are tried from the hash shard on (K, K+1, ..., wrapping, at most
// maxProbes), and the one adding the fewest new bytes wins, the first on
// ties. A host no shard has room for (it alone holds more than the
// capacity) goes where the load ends least. Hosts are placed largest
// first (the bytes of the inputs holding them, then by name), so the
// large ones find room while the shards are empty; hosts the pre-pass did
// not see go by hash.
//
// Every shard computes the same assignment from the same inputs, so the
// shards still own every host exactly once: all the jobs of one sharded
// scan must be given the same inputs and reading flags (--parser,
// --carve); Fingerprint tells whether they were. A nil Assignment is the
// hash alone.
type Assignment struct {
	n        int
	owner    map[string]int // lower-cased name to shard, where it is not the hash shard
	placed   []Placed       // in the order they were placed
	moved    int            // hosts not on their hash shard
	capacity int64
}

// Placed is one host's place: its lower-cased name, the bytes of the
// inputs holding it, its hash shard and the shard it went to.
type Placed struct {
	Host             string
	Bytes            int64
	HashShard, Shard int
}

// maxProbes bounds the shards tried for one host; maxHosts bounds the
// (input, host) pairs the pre-pass remembers: past it, every shard reads
// every input and hosts go by hash alone, so that a crafted input of
// millions of names cannot make the plan grow without bound.
const (
	maxProbes = 256
	maxHosts  = 1 << 18
)

// Of returns the shard (1 to N) that owns computer.
func (a *Assignment) Of(computer string, n int) int {
	if a != nil && a.n == n && len(a.owner) > 0 {
		if k, ok := a.owner[strings.ToLower(computer)]; ok {
			return k
		}
	}
	return Of(computer, n)
}

// Hosts is the number of hosts placed; Moved how many of them are not on
// their hash shard; Capacity the bytes a shard may read before hosts
// move on; Placed every host's place, largest first.
func (a *Assignment) Hosts() int       { return len(a.placed) }
func (a *Assignment) Moved() int       { return a.moved }
func (a *Assignment) Capacity() int64  { return a.capacity }
func (a *Assignment) Placed() []Placed { return a.placed }

// Fingerprint identifies the placement: 16 hex digits of the FNV-1a 64
// hash of N, the capacity and every host's place. The jobs of one sharded
// scan must all print the same; jobs given different inputs place hosts
// differently, and their shards would then not add up to one scan.
func (a *Assignment) Fingerprint() string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d %d\n", a.n, a.capacity)
	for _, p := range a.placed {
		fmt.Fprintf(h, "%s\x00%d %d\n", p.Host, p.Bytes, p.Shard)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// holding is what the pre-pass learned about one input: its size and the
// lower-cased names of the hosts it holds.
type holding struct {
	size  int64
	hosts map[string]struct{}
}

// assign places the hosts of held among n shards. Inputs without hosts
// are read by shard 1 and count in its load from the start.
func assign(held []holding, n int) *Assignment {
	a := &Assignment{n: n, owner: map[string]int{}}
	var total, largest int64
	inputsOf := map[string][]int{}
	weight := map[string]int64{}
	for i, h := range held {
		total += h.size
		largest = max(largest, h.size)
		for name := range h.hosts {
			inputsOf[name] = append(inputsOf[name], i)
			weight[name] += h.size
		}
	}
	a.capacity = (total+int64(n)-1)/int64(n) + largest
	names := make([]string, 0, len(inputsOf))
	for name := range inputsOf {
		names = append(names, name)
	}
	slices.SortFunc(names, func(x, y string) int {
		if weight[x] != weight[y] {
			return cmp.Compare(weight[y], weight[x])
		}
		return strings.Compare(x, y)
	})
	// By shard, made on first use (N may be large, hosts few).
	load := map[int]int64{}
	reads := map[int]map[int]bool{}
	for i, h := range held {
		if len(h.hosts) == 0 {
			load[1] += h.size
			readsOf(reads, 1)[i] = true
		}
	}
	for _, name := range names {
		k := a.place(name, inputsOf[name], held, load, reads)
		for _, i := range inputsOf[name] {
			if r := readsOf(reads, k); !r[i] {
				r[i] = true
				load[k] += held[i].size
			}
		}
		home := Of(name, n)
		a.placed = append(a.placed, Placed{Host: name, Bytes: weight[name], HashShard: home, Shard: k})
		if k != home {
			a.owner[name] = k
			a.moved++
		}
	}
	return a
}

// place returns the shard for one host. Among the shards on whose load
// the host's inputs they do not read yet fit the capacity, it takes the
// one that adds the fewest bytes (hosts sharing inputs go together), the
// first from the hash shard on ties; when none has room, the one that
// ends with the least load.
func (a *Assignment) place(name string, inputs []int, held []holding, load map[int]int64, reads map[int]map[int]bool) int {
	home := Of(name, a.n)
	best, bestAdded, fits := home, int64(0), false
	least, leastLoad := home, int64(-1)
	for p := 0; p < min(a.n, maxProbes); p++ {
		k := (home-1+p)%a.n + 1
		added := int64(0)
		for _, i := range inputs {
			if !reads[k][i] {
				added += held[i].size
			}
		}
		if l := load[k] + added; leastLoad < 0 || l < leastLoad {
			least, leastLoad = k, l
		}
		if load[k]+added <= a.capacity && (!fits || added < bestAdded) {
			best, bestAdded, fits = k, added, true
			if added == 0 {
				break
			}
		}
	}
	if !fits {
		return least
	}
	return best
}

// readsOf returns shard k's set of inputs read, made on first use.
func readsOf(reads map[int]map[int]bool, k int) map[int]bool {
	if reads[k] == nil {
		reads[k] = map[int]bool{}
	}
	return reads[k]
}
