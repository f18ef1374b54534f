// Package findings turns detection hits on process events into findings,
// each with a stable id, the rule's metadata, the event itself, every file
// the record was read from, and its context: the events of the same user
// session just before and after it, its chain of parents and its children.
//
// # Design: one pass, bounded state, context computed late
//
// A Scanner consumes events in input order, which is roughly time order
// within one file but not across files: a host's Security and Sysmon logs
// are separate inputs covering the same weeks, and archives hold copies.
// Context computed as events stream past (ring buffers closed when a
// window passes) would miss every event of the second file. A second pass
// over the inputs would double the decoding cost, and ancestry chains
// would need a pass per generation. So the scanner makes one pass and
// computes each finding's context as late as it can:
//
//   - The history keeps one compact record per distinct process event of
//     every host (copies of a record in several files are kept once),
//     indexed by logon session, user, process id, parent process id and
//     Sysmon GUID. Index lists are sorted lazily, so out-of-order arrival
//     costs one sort when a list is read. Context only depends on the set
//     of events, not on the order the files were read in.
//   - A flagged record waits, pending, until the end of the input; then its
//     context is computed from the history: timeline neighbours, parents
//     (a Sysmon ParentProcessGuid names the parent; otherwise the latest
//     process with the parent's id that started no later than the child,
//     unless the child's recorded parent image or GUID rules it out) and
//     children (events whose parent, found the same way, is the flagged
//     process).
//   - Finished findings are encoded into a spool that spills sorted runs
//     to temporary files past a memory limit; Results.Each merges them in
//     report order, so the report needs one decoded finding per run.
//
// Memory is bounded by three limits (Options): the records in the history
// (past it, the older half of the largest host is evicted, after
// finishing the pending findings whose window reaches into it), the
// pending records (past it, the older half is finished early, from the
// history as it is then), and the spool's memory. Within those limits the
// context is exact whatever the reading order; beyond them it degrades to
// what a streaming window would give. An input made of the same chunks
// repeated (such as a grown benchmark file) keeps the history at the size
// of one copy, since repeated events are the same records.
//
// # Parallel detection
//
// Rule matching, the costly part, does not need the scanner's state: a
// Detector runs it in the reading pipeline's workers (a worker step) and
// hands each chunk's hits over with the chunk; ScanDetected and
// ScanEventDetected then only complete them in input order (the rules on
// a 4688's ParentCommandLine, filled from the history) and do the rest.
// The findings are those of Scan on one goroutine, for any -j.
//
// # Deduplication
//
// A record is identified by its Computer, Channel, EventRecordID,
// Timestamp and its whole content (not its file): the same record read
// from several files (copies, backups, shadow copies) gives one finding
// listing every source file, and counts once.
//
// # Correlations
//
// When the detection set has correlation rules, the scanner, the single
// in-order consumer, feeds each new record's hits (after the allowlist;
// copies of a record are not fed twice) to a correlation.Engine, with the
// record's fields by name (event.Event.Value, or the Process field of that
// name), and drops the hits of base rules whose own findings the
// correlations suppress (generate: false) before they are counted. The
// engine's findings become Findings with Correlation set (see
// CorrelationFinding): identity in Event, no context, a record key derived
// from the finding id so merging keeps one copy. The allowlist sees them
// as a record whose fields are the group-by values. Finish flushes the
// engine before the results are read.
//
// # Merging reports
//
// A Merger gives the findings of several reports read back (the JSONL of
// the shards of one scan, see package shard) as Results, deduplicated and
// ordered exactly as one scan of everything would: Order's tie-breaks
// include the record key, which reports carry (Finding.RecordKey), so the
// order does not depend on the reports' order. A finding read back from
// JSON whose event the reader could not fully type keeps that event's
// JSON (Finding.RawEvent) so it is written out again unchanged.
package findings
