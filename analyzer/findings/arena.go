package findings

import (
	"bytes"
	"strings"
	"unsafe"
)

// strRef locates a string kept in a host's arena: the chunk (high 20
// bits), the offset in it (next 24 bits) and the length (low 20 bits). The
// zero strRef is the empty string.
type strRef uint64

const (
	arenaChunk   = 1 << 20 // bytes per ordinary chunk
	maxStringLen = 1<<20 - 1
)

func makeRef(chunk, off, n int) strRef {
	return strRef(uint64(chunk)<<44 | uint64(off)<<20 | uint64(n))
}

func (r strRef) parts() (chunk, off, n int) {
	return int(r >> 44), int(r >> 20 & (1<<24 - 1)), int(r & maxStringLen)
}

// arena stores the strings of a host's records as bytes in large chunks,
// so that the records themselves hold no pointers and the garbage
// collector never scans them. Low-variety strings (images, users, logon
// ids, file names) are interned: stored once. Chunks are only appended to.
type arena struct {
	chunks [][]byte
	intern map[string]strRef
}

// maxInterned bounds the intern table; past it strings are stored plainly
// (hostile input with endless distinct images cannot grow the table).
const maxInterned = 1 << 16

func newArena() *arena {
	// Chunk 0 starts with one byte, so no stored string has the zero ref.
	return &arena{chunks: [][]byte{make([]byte, 1, arenaChunk)}, intern: map[string]strRef{}}
}

// put stores s (cut to maxStringLen bytes) and returns its reference.
func (a *arena) put(s string) strRef {
	if s == "" {
		return 0
	}
	if len(s) > maxStringLen {
		s = s[:maxStringLen]
	}
	last := len(a.chunks) - 1
	c := a.chunks[last]
	if len(c)+len(s) > cap(c) {
		c = make([]byte, 0, max(arenaChunk, len(s)))
		a.chunks = append(a.chunks, c)
		last++
	}
	off := len(c)
	a.chunks[last] = append(c, s...)
	return makeRef(last, off, len(s))
}

// putInterned stores s once however often it is put.
func (a *arena) putInterned(s string) strRef {
	if s == "" {
		return 0
	}
	if r, ok := a.intern[s]; ok {
		return r
	}
	r := a.put(s)
	if len(a.intern) < maxInterned {
		a.intern[strings.Clone(s)] = r
	}
	return r
}

// bytes returns the bytes of r; they must not be modified.
func (a *arena) bytes(r strRef) []byte {
	if r == 0 {
		return nil
	}
	chunk, off, n := r.parts()
	return a.chunks[chunk][off : off+n : off+n]
}

// str returns r as a new string.
func (a *arena) str(r strRef) string { return string(a.bytes(r)) }

// view returns the bytes of r as a string without copying them. The
// arena never changes a byte once stored, so the string stays valid; but
// it keeps r's whole chunk alive, so a view must not outlive the event it
// is put in, unless the event is owned first (event.Process.Own, as
// Scanner.record does).
func (a *arena) view(r strRef) string {
	b := a.bytes(r)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// is reports whether r holds s.
func (a *arena) is(r strRef, s string) bool { return string(a.bytes(r)) == s }

// equalFold reports whether r and q hold the same text ignoring case.
func (a *arena) equalFold(r, q strRef) bool {
	return r == q || bytes.EqualFold(a.bytes(r), a.bytes(q))
}
