package corrupt

import (
	"fmt"
	"math/rand"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Mutation is one damaged copy of a file.
type Mutation struct {
	Name    string       // what was done, for messages
	Data    []byte       // the damaged copy
	Touched map[int]bool // chunk slots whose bytes changed or are gone
	// Moved maps a slot to the slot of the intact file whose bytes it now
	// holds whole (swapped chunks).
	Moved map[int]int
}

// Slots is the number of chunk slots of a file of n bytes.
func Slots(n int) int {
	if n <= evtxfile.FileHeaderSize {
		return 0
	}
	return (n - evtxfile.FileHeaderSize + evtxfile.ChunkSize - 1) / evtxfile.ChunkSize
}

// slotOf returns the chunk slot holding file offset off, or -1 for the
// file header.
func slotOf(off int) int {
	if off < evtxfile.FileHeaderSize {
		return -1
	}
	return (off - evtxfile.FileHeaderSize) / evtxfile.ChunkSize
}

func newMutation(name string, data []byte) Mutation {
	return Mutation{Name: name, Data: append([]byte(nil), data...), Touched: map[int]bool{}, Moved: map[int]int{}}
}

// Truncate cuts the file at off.
func Truncate(data []byte, off int) Mutation {
	m := newMutation(fmt.Sprintf("truncated at 0x%x", off), data[:off])
	for s := range Slots(len(data)) {
		if _, end := bounds(len(data), s); end > off {
			m.Touched[s] = true // cut inside, or gone
		}
	}
	return m
}

// Flip flips n random bytes chosen by seed.
func Flip(data []byte, n int, seed int64) Mutation {
	m := newMutation(fmt.Sprintf("%d bytes flipped (seed %d)", n, seed), data)
	rng := rand.New(rand.NewSource(seed)) //nolint:gosec // seeded on purpose: damage must be reproducible
	for range n {
		off := rng.Intn(len(data))
		m.Data[off] ^= byte(1 + rng.Intn(255))
		if s := slotOf(off); s >= 0 {
			m.Touched[s] = true
		}
	}
	return m
}

// ZeroChunk overwrites chunk slot s with zeros.
func ZeroChunk(data []byte, s int) Mutation {
	m := newMutation(fmt.Sprintf("chunk %d zeroed", s), data)
	clear(chunk(m.Data, s))
	m.Touched[s] = true
	return m
}

// GarbageChunk overwrites chunk slot s with seeded random bytes.
func GarbageChunk(data []byte, s int, seed int64) Mutation {
	m := newMutation(fmt.Sprintf("chunk %d overwritten with garbage (seed %d)", s, seed), data)
	rand.New(rand.NewSource(seed)).Read(chunk(m.Data, s)) //nolint:gosec // seeded on purpose: damage must be reproducible
	m.Touched[s] = true
	return m
}

// SwapChunks exchanges whole chunk slots a and b (both must be full).
func SwapChunks(data []byte, a, b int) Mutation {
	m := newMutation(fmt.Sprintf("chunks %d and %d swapped", a, b), data)
	copy(chunk(m.Data, a), chunk(data, b))
	copy(chunk(m.Data, b), chunk(data, a))
	m.Moved[a], m.Moved[b] = b, a
	return m
}

// DamageHeader overwrites the first 128 bytes of the file header (its
// signature and checksum included) with seeded random bytes.
func DamageHeader(data []byte, seed int64) Mutation {
	m := newMutation(fmt.Sprintf("file header overwritten (seed %d)", seed), data)
	rand.New(rand.NewSource(seed)).Read(m.Data[:min(128, len(data))]) //nolint:gosec // seeded on purpose: damage must be reproducible
	return m
}

// bounds returns the byte range of slot s in a file of n bytes.
func bounds(n, s int) (start, end int) {
	start = evtxfile.FileHeaderSize + s*evtxfile.ChunkSize
	return min(start, n), min(start+evtxfile.ChunkSize, n)
}

// chunk returns the bytes of slot s of b.
func chunk(b []byte, s int) []byte {
	start, end := bounds(len(b), s)
	return b[start:end]
}
