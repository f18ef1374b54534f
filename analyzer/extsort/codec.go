package extsort

import "encoding"

// Codec turns items into the bytes of a run file and back, and says how
// much memory an item holds.
type Codec[T any] interface {
	// Append appends the encoding of item to dst.
	Append(dst []byte, item *T) ([]byte, error)
	// Decode fills item from one encoding written by Append. The decoded
	// item must not share memory with src, which is reused.
	Decode(src []byte, item *T) error
	// Size estimates the bytes item keeps alive while it is held in
	// memory; the budget is counted with it.
	Size(item *T) int
	// Key is a number that orders items as the sort's compare function
	// does, as far as it goes: Key(a) < Key(b) must mean that a sorts
	// before b; equal keys leave the order to compare. Sorting compares
	// keys first, which spares reading most items (a codec with no useful
	// key returns 0).
	Key(item *T) uint64
}

// Record is a type that can be sorted through BinaryCodec: its pointer
// encodes and decodes it and reports its size.
type Record[T any] interface {
	*T
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
	// MemSize estimates the bytes the item keeps alive (Codec.Size).
	MemSize() int
	// SortKey is the item's Codec.Key.
	SortKey() uint64
}

// BinaryCodec is the Codec of a type whose pointer implements Record,
// e.g. BinaryCodec[event.Process]().
func BinaryCodec[T any, P Record[T]]() Codec[T] { return binaryCodec[T, P]{} }

type binaryCodec[T any, P Record[T]] struct{}

func (binaryCodec[T, P]) Append(dst []byte, item *T) ([]byte, error) {
	return P(item).AppendBinary(dst)
}

func (binaryCodec[T, P]) Decode(src []byte, item *T) error { return P(item).UnmarshalBinary(src) }

func (binaryCodec[T, P]) Size(item *T) int { return P(item).MemSize() }

func (binaryCodec[T, P]) Key(item *T) uint64 { return P(item).SortKey() }
