// Package report writes evtxhunt's results: process-event timelines and
// per-file statistics, as a table for people or as CSV, JSON (one array) or
// JSONL (one object per line) for other tools. Every writer is
// deterministic: the same input gives byte-identical output.
//
// Timelines are written from a stream (EventStream), read once, so that a
// timeline larger than memory can be written as it comes out of an
// external sort. The table's column widths depend on every row: its
// layout (EventTable) is measured as the events are read, in any order,
// keeping a few numbers per column, and the rows are then written as they
// stream past, with the bytes of laying out all rows at once.
//
// Text from the evidence is attacker-controlled: the table writer shows
// control characters and terminal escape sequences escaped, and CSV cells
// that a spreadsheet would run as formulas are neutralized unless raw
// output is asked for. JSON stays verbatim (escaped as JSON requires).
//
// Findings JSONL can be read back (UnmarshalFinding, ReadFindingsJSONL):
// the reader accepts a line only when the finding it reads writes that
// line again byte for byte, so merging reports never alters a finding.
package report
