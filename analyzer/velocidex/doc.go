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
//
// # General events
//
// The records decode.Chunk.Want selects (process creations aside) become
// general events built from the tree the parser returns (general.go): an
// element's attributes and child elements are keys of one dictionary, its
// text is under "Value" (or is the element's value when it has nothing
// else), repeated elements become lists, and EventData whose Data elements
// all have a name and a value is rewritten as a dictionary of name to
// value. The payload follows the fast decoder's naming (Data_N, Binary_N,
// UserData leaves by element name; a string array repeats its item), but
// the parser loses information the adapter cannot restore:
//   - HexInt32 and HexInt64 values are plain integers: they render in
//     decimal; GUID values render without braces (Provider/@Guid, always a
//     GUID, gets them back); FILETIME values are times to the microsecond;
//   - values of types it does not decode (signed integers, floats,
//     SYSTEMTIME, size_t, arrays other than of strings) are their raw bytes
//     as text, trailing NULs dropped;
//   - an element whose only content is a null value is dropped (so later
//     Data_N and Binary_N positions shift), and so is an EventData or
//     UserData element without content;
//   - EventData rewritten as a dictionary loses its Binary element;
//   - an empty element takes the value of the instance's first
//     substitution, and a UserData element with text and children looks
//     like a leaf (its text under "Value"); attributes of UserData elements
//     other than xmlns declarations look like child elements.
//
// The differential tests of package binxml model each loss and count it.
package velocidex
