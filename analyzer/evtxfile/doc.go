// Package evtxfile reads the container layer of an EVTX file: the file
// header, the 64 KiB chunk headers, their CRC32 checksums and the chain of
// event records inside a chunk. It knows nothing of binary XML; decoders in
// other packages turn a record's bytes into events.
//
// Layout facts follow the libyal "Windows XML Event Log (EVTX)" format
// document. Every read is bounds-checked; a malformed structure yields a
// *FormatError naming what is wrong and where.
package evtxfile
