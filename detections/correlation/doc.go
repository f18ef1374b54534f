// Package correlation implements the correlation rules of the Sigma
// specification v2 (event_count, value_count, temporal, temporal_ordered):
// rules over the matches of other rules, grouped by field values, within
// a timespan. It knows nothing of how base rules match: the Sigma loader
// hands it correlation documents (Parse, or ParseFile for a whole file)
// and says which base rule ids and names exist (Resolve); the scanner
// feeds it each base-rule match (Engine.Observe) and receives findings.
//
// # Rules
//
// A correlation rule is a YAML document with a correlation section; it
// may share a multi-document file with its base rules or refer to rules of
// other files. Parsing is strict: duplicate keys, YAML aliases, unknown
// correlation attributes, misspelt top-level attributes, bad levels,
// statuses, timespans and conditions are errors naming file, line and
// rule id. Supported: title (required), id (required: findings and the
// allowlist use it), name, status, description, author, references, date,
// modified, falsepositives, level, tags, generate (at the top or in the
// section), and in the section type, rules, group-by, timespan (a whole
// number and s, m, h or d, at most MaxTimespan), condition and aliases.
//
// rules refer to base rules or other correlations (chains) by id or by
// name. A condition is a map of gt, gte, lt, lte and eq combined with AND
// (a range), plus field for value_count. event_count and value_count need
// one; temporal and temporal_ordered default to "every rule matched".
// Boolean conditions over rule names (Sigma 2.1) are rejected.
//
// aliases map a name used in group-by (or as value_count's field) to the
// field it reads in the records of each referenced rule; a referenced
// rule the alias does not list is read under the alias name itself.
//
// # Windows
//
// Each rule keeps, per group (the folded values of its group-by fields),
// the records not yet decided, sorted by time. The window of the earliest
// record (the anchor) holds every record of the group from the anchor up
// to and including timespan after it: a record exactly timespan after the
// anchor is in (the specification leaves the edge open). When a window is
// decided, either its count satisfies the condition and the whole window
// becomes one finding (its records then belong to no other window of the
// rule), or the anchor alone is dropped and the next record becomes the
// anchor. So windows slide from record to record without fixed
// boundaries, as the specification asks, every time span holding enough
// records is found, and a long attack gives one finding per window, not
// one per record.
//
// A window is decided when it can no longer change: when its group
// receives a record more than timespan plus Lateness after the anchor,
// when the group has been idle while the watermark (the latest time seen)
// moved timespan plus Lateness past its last record, when a cap forces it
// (below), or at Flush. Every condition is therefore checked on the whole
// window: lt, lte and eq, which a growing window could still break, as
// well as gt and gte. Since a window holds at least one record, a
// condition that only zero satisfies (lt: 1) is rejected.
//
// The count a condition checks is the window's records for event_count,
// its distinct values of the condition's field for value_count, and for
// temporal the number of distinct referenced rules with a record in it.
// A temporal_ordered window starts with a record of the first listed
// rule, and its count is how many of the listed rules, from the first,
// matched in order (greedily, earliest record first); records of the same
// instant count as in the listed order.
//
// Values compare as Sigma values do, ignoring case: "Admin" and "admin"
// are one group and one distinct value; findings show the spelling first
// logged. A group-by field a record lacks reads as the empty value, so such
// records form their own group rather than being lost; a value_count
// record without the counted field is skipped (Stats.Skipped).
//
// # Input order and late records
//
// Records come in input order: roughly time order within a file, not
// across files. Out-of-order records join their window wherever they fall
// as long as the window is undecided: a record may be up to Lateness older
// than the latest record of its group. Windows are decided by the
// group's own later records, not by the global watermark alone, so an
// older log read after a newer one (an archive after the live log) is
// correlated within itself; only windows straddling the two are cut.
// A record falling in a window already decided in its group (more than
// Lateness late) still starts windows of its own and is counted in
// Stats.Late. A record dated far ahead of the rest moves the watermark:
// the groups open then are closed early, their windows decided as they
// stand, and memory stays bounded by the caps below.
//
// # Chains and generate
//
// A correlation may refer to other correlations. A finding of the inner
// one is fed to the outer one at the time its condition was first met
// (Finding.Completed: the tenth failure of "ten failures", the last rule
// of an ordered sequence), with its group-by values as fields, and counts
// in the outer finding with all its records. The outer rule's lateness is
// extended by the inner's timespan and lateness, since inner findings
// come when their window closes.
//
// generate says whether the referenced rules report their own findings
// too. It defaults to false (the specification's default): a base rule is
// suppressed when no correlation referring to it says generate: true, and
// the caller drops its findings (Set.Suppressed); the findings of a
// correlation referred to by others are likewise not reported unless one
// of them says generate: true.
//
// # Findings and memory
//
// A finding names the rule (id, title, level, tags, description), the
// group, the count, the window's first and last time, and its earliest
// MaxRefs records (DefaultMaxRefs, 20), all records being counted. Its id
// is a hash of the rule id, the group and the window's first record.
//
// Memory is bounded whatever the input: idle groups are closed as the
// watermark moves on; a rule keeps at most MaxGroups groups (past it the
// least recently fed group is closed early, its windows decided as they
// stand); a group holds at most MaxGroupRecords records (past it its
// earliest window is decided early: an extreme burst is split into
// several findings); and the engine counts the bytes of its state
// (records, buffers, values, groups and keys) and keeps them under
// MaxMemory (DefaultMaxMemory, 32 MiB) by closing the least recently fed
// group of any rule. Early decisions are counted in Stats.Evicted and
// Stats.Split. A held record costs 72 bytes and a group about 400, and
// the Go heap needs up to about twice what the engine counts: ten million
// logon failures at ten a second through the built-in rules hold 80,000
// records in 31,000 groups, counted 20 MiB, a heap of about 46 MiB.

// Built-in correlation rules and their base rules are embedded under
// builtin/ (see Builtin).
package correlation
