// Package evtxwriter writes Windows XML Event Log (EVTX) files the way the
// Windows event log service does, so that every EVTX parser reads them like
// logs taken from a real machine.
//
// A file is a 4096-byte header followed by 64 KiB chunks. Records are
// packed into a chunk until the next one does not fit; the last 8 bytes of
// a chunk stay free, since libevtx ignores a record that ends exactly at
// the chunk's end. Each record is a
// binary XML fragment holding one template instance: the first record of a
// chunk that uses a template carries its definition inline, later records
// refer to it by its chunk offset. As in Windows logs there are two
// templates per record: the System template (one per computer, with the
// Computer name as literal text and every other System value substituted)
// whose last substitution is a binary XML value holding the EventData
// template instance (one template per list of Data names and types).
// Element and attribute names are stored once per chunk and referenced
// afterwards; the chunk's 64-bucket string table and 32-bucket template
// table point at them, chained newest first, as Windows chains them.
// Both chunk checksums and the file header checksum are written.
//
// Layout facts follow the libyal "Windows XML Event Log (EVTX)" format
// document and [MS-EVEN6] (BinXml); the value types of each System element
// and the chain order of the tables were checked against logs written by
// Windows. Where the format leaves a choice open (template GUIDs, the
// template table bucket) this package documents its own rule.
package evtxwriter
