// Package carve recovers event records that a chunk's record chain no
// longer reaches: records left in chunk slack (after the last record of
// the chain, where the older contents of a reused chunk survive), records
// after a break in a damaged chain, and records in chunk slots whose chunk
// header is gone (zeroed, overwritten or unallocated space that still
// holds a record signature).
//
// A candidate is any record signature whose size fits the region and
// whose trailing size copy matches (Scan). It is kept only when its
// binary XML is plausible (Check): a written time between 1990 and 2100,
// a fragment that starts with a template instance (or a plain element),
// and for every template instance, nested ones included, a template
// definition inside the chunk whose GUID begins with the identifier the
// instance names. That last test is what rejects a slack record whose
// template definition has been overwritten by newer records: decoding it
// against whatever bytes now sit at that offset would invent values.
//
// Surviving candidates are decoded one by one, with the whole chunk as
// context (templates defined earlier in the chunk are found by their
// offset), by the fast binary XML decoder, which resolves templates by
// chunk offset and bounds its work; a candidate it cannot decode is
// dropped. Process-creation events found this way, and the general events
// of the records the chunk's Want selects, are flagged Recovered.
//
// Carving never decides alone whether a record is new evidence: each
// recovered record carries its Key (header record number and written
// time), and the caller drops those equal to the key of an allocated
// record of the same file (a stale copy, as exporting tools leave in the
// slack of a reused chunk buffer) or of a record recovered already.
package carve
