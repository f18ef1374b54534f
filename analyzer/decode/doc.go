// Package decode defines the contract between the reading pipeline and the
// chunk decoders: a Chunk (one 64 KiB chunk's bytes and where they came
// from), the Result a decoder fills for it, Problem (a located, reported
// defect in the input) and the Decoder interface itself.
//
// A decoder is given a chunk whose header and record chain have already
// been validated by package evtxfile; it must never panic on the record
// contents (the pipeline recovers anyway and reports it), must bound its own
// work, and must report every record it could not decode as a Problem
// rather than drop it silently.
//
// A Result's event values are strings of their own unless the caller gives
// it a Text block (Result.KeepText): the reading pipeline does, and hands
// the block to a later chunk once the consumer promised to keep nothing of
// the events it did not copy (event.Process.Own).
package decode
