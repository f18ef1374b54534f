// Package velocidex adapts the Velocidex EVTX parser
// (www.velocidex.com/golang/evtx v0.2.0) to the decode.Decoder contract.
// It is the reference decoder and the fallback of the fast one.
//
// The parser's traps and how this package guards them:
//   - Chunk.Parse seeks the reader it was given, so every chunk is parsed
//     from its own bytes.Reader, never a shared file handle.
//   - It walks records by the header's record numbers and trusts record
//     sizes (a zero size loops forever), so it is given a chunk header whose
//     record numbers cover exactly the chain evtxfile validated.
//   - It returns partial results with a nil error on a bad record; records
//     it did not return are reported as problems.
//   - It has no bounds on hostile input: an argument count read past the
//     chunk end (where it reads zeros without moving) loops up to 2^32
//     times, nesting is unlimited, and memory grows with the expansion of
//     templates, with the square of a SID's declared size (it is rendered
//     by string concatenation) and with repeated keys (each ten compact a
//     dictionary). Guard follows its reads beforehand, estimates what the
//     parse, the expansion and the decoder's reading allocate (cost.go),
//     and hands it only the records that stay within the chunk, a step
//     budget and MaxChunkAlloc (16 MiB, 256 times the chunk size) for the
//     chunk; the first record past a bound is reported as a problem at
//     its chunk offset, with the number of records not decoded after it.
//     The fast decoder's fallback goes through the same Decoder, hence the
//     same Guard. Panics are recovered and reported.
//   - Its dictionaries print as JSON at a cost that grows with the square
//     of their nesting depth, and parts of the expanded tree are shared:
//     the decoder renders a dictionary or list found as an EventData
//     value as empty (no process field is one).
//   - It renders TimeCreated as float Unix seconds computed from a float64
//     FILETIME (spacing 16 ticks, 1.6 µs, near today's dates); times are
//     rounded to the microsecond and may be off by up to 1.6 µs.
package velocidex
