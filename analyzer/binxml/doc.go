// Package binxml is evtxhunt's own decoder of EVTX binary XML, the
// decode.Decoder named "fast". It is written from the format's public
// description (libyal's "Windows XML Event Log (EVTX) format") and is
// built for one job: finding the Security 4688 and Sysmon 1 records of a
// chunk, and the records the run selects (decode.Chunk.Want), as fast as
// possible, and reading every other record only as far as its time and
// computer name.
//
// # How a chunk is read
//
// Nearly every record is a template instance: a reference to a template
// definition (stored once per chunk, inside the first record that uses it)
// plus an array of typed substitution values. The decoder compiles each
// template definition once per chunk into a flat list of nodes (elements,
// attributes, literal text, substitutions), kept in a table keyed by the
// definition's chunk offset, and notes at compile time which substitution
// or literal holds each System value (Provider/@Name and @Guid, EventID,
// Version, Level, Task, Opcode, Keywords, TimeCreated/@SystemTime,
// EventRecordID, Execution/@ProcessID and @ThreadID, Channel, Computer,
// Security/@UserID) and each payload item: a "shape" of the template.
//
// For each record the hot path then reads the value descriptors of the
// instance, looks at the EventID value and, only for ids 4688 and 1, at
// the provider and channel, and only for ids the selection may want
// (Selection.MayWant), at the channel (Selection.WantsBytes), compared
// without converting them to strings. A record that is neither a process
// creation nor selected has its FILETIME and computer name read (the name
// is mapped to a cached string, so a known host costs no allocation) and
// nothing else: no XML is rendered, no map is built and nothing is
// allocated.
//
// Process-creation and selected records are read through their
// template's shape; records whose template the hot path cannot read
// (values written in several pieces, values that are themselves binary
// XML, records written as plain elements without a template) are walked
// node by node: the walker follows nested binary XML values, and collects
// the System values and the payload items. A process creation is then
// built with extract.Builder into Result.Events; a selected record becomes
// a general event (event.Event) in Result.Selected. Its payload is the
// EventData Data items by Name (a Data element without a name, or with an
// empty one, is Data_N and a Binary element Binary_N, N the item's 1-based
// position) or the leaf elements under UserData's wrapper element by
// element name (an element in which a child opens is a branch, not an
// item); an item whose value is one array is repeated once per array item,
// as event XML repeats its element. The values of one event are rendered
// into one string its items share, names are interned and items come from
// the blocks of an event.Builder, so a general event costs one allocation.
//
// Values are rendered as Windows writes them in event XML: strings as
// they are (trailing NULs dropped), integers in decimal, hex types as
// 0x..., SIDs as S-1-..., GUIDs as {UPPER}, FILETIME and SYSTEMTIME with
// seven fractional digits, booleans as true/false, binary as upper-case
// hex. Timestamps keep their full 100 ns precision.
//
// With Decoder.HostsOnly every record takes that path, process creations
// too: the decoder then only learns each record's time and host, which is
// what a sharded scan's pre-pass needs to know which hosts a file holds.
//
// Records written by exporting tools as plain elements lack the dependency
// identifier of element start tokens that template definitions carry; the
// decoder tells the two layouts apart by where the element's name is.
//
// # Concurrency
//
// A Decoder is safe for concurrent use: each Decode call borrows a
// reusable state (template table, value table, buffers, host and name
// caches) from an internal pool and returns it, so one Decoder may be
// shared by all workers or each worker may have its own; either way the
// steady state allocates nothing per skipped record.
//
// # Bounds and failures
//
// Every read is bounds-checked against the chunk. Element nesting, nested
// binary XML values, values per instance, templates, compiled nodes and
// template bytes per chunk, nodes visited per record, payload items and
// rendered bytes per record are all bounded (see the limits in tokens.go),
// so a hostile chunk costs at most a small multiple of a normal one. A
// record that breaks the format becomes a decode.Problem naming the chunk
// offset of the defect, and decoding goes on with the next record. A record
// with more payload items than the limit, or whose values render too
// large, is a problem only when its event is built: unselected, it still
// counts with its time and host.
//
// A construct the decoder does not handle (so far only a template instance
// inside a template definition) sends the whole chunk to the Fallback
// decoder, the Velocidex one when made with New, and counts one in
// Result.Fallbacks, but only when the chunk is intact: both checksums
// match and no record of it is malformed; the records of a damaged chunk
// are reported as problems rather than handed over. Checksums are no
// protection against a crafted chunk (anyone can recompute them): what
// bounds the fallback is the Velocidex decoder's own guard, which refuses
// the records whose decoding it estimates past velocidex.MaxChunkAlloc
// (16 MiB for the chunk) and reports them as problems.
package binxml
