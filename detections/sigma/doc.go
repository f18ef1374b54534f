// Package sigma loads Sigma detection rules for every Windows log source
// and matches them against event records: process creations as normalized
// event.Process values, every other record as a general event.Event.
//
// Rules are YAML documents decoded strictly into yaml.v3 nodes, so every
// error names its file and line. Each rule is validated and compiled once at
// load: values become matchers (wildcards, modifiers, regular expressions),
// the condition becomes an expression tree over the rule's selections. A
// compiled rule never fails at match time; a field the event does not carry
// makes the selection item that names it false (only null and exists:false
// are true for it).
//
// Supported syntax, following the Sigma specification v2:
//   - selections as maps (AND of fields) or lists of maps (OR), field value
//     lists (OR, or AND with the all modifier), keyword lists matched
//     against every string field of a process event or every payload value
//     of a general event, null and empty-string values;
//   - wildcards * and ? with backslash escapes \*, \? and \\ (a backslash
//     before any other character is literal);
//   - case-insensitive matching by default (ASCII letters fold to each
//     other, non-ASCII letters by their Unicode lower case), cased for exact;
//   - modifiers contains, startswith, endswith, all, windash, re (with the
//     i, m and s flags), base64, base64offset, utf16le, utf16be, utf16,
//     wide, cased, exists, cidr, lt, lte, gt, gte, neq, fieldref and expand
//     (placeholders from a YAML file, see LoadPlaceholders);
//   - conditions with and, or, not, parentheses, "1 of" / "any of" /
//     "all of" over a name pattern or "them" (which skips names starting
//     with an underscore), and lists of conditions (OR).
//
// Regular expressions are compiled with Go's regexp; a pattern it rejects
// (lookarounds, backreferences) is compiled with the backtracking
// github.com/dlclark/regexp2 engine and run with a match timeout instead.
//
// Log sources (logsource.go): a rule's logsource (product, category,
// service) is resolved to the channels and event ids its records are
// logged with: a service to its channels, a category to its Sysmon event
// ids (or PowerShell channels and ids), plus, for some categories, a
// Security-log equivalent read through a field mapping (equivalents.go:
// registry from 4657, network_connection from 5156, process_termination
// from 4689). The EventID values a rule's condition requires narrow them
// further (eventids.go); a rule then runs only on records of those
// channels and ids. Product windows alone means every record.
// Correlation documents (a correlation: section) are handed to
// correlation.Parse and returned apart by ParseFile, LoadFS and LoadPaths
// (ParseRules notes them as skipped); rules keep their name: for
// correlations to refer to. Rules of other products, aggregations (and
// timeframes) and Sigma filter documents are skipped with a note (a LoadError with Note
// set and a SkipReason); a Windows log source the table lacks is a note
// with SkipUnmapped, which rules lint reports as an error.
//
// Records: a process_creation rule is matched against event.Process only
// (Rule.Match). Other rules are matched against event.Event
// (Rule.MatchEvent), their fields resolved by name: the payload item of
// that name (exact, then ignoring case, then ignoring case and spaces),
// else the System value of that name (EventID, Channel, Computer,
// Provider_Name, Level, Keywords, Security_UserID, ...); a Data field also
// matches the unnamed Data_N items. Rules of other log sources that include
// Security 4688 or Sysmon 1 (service security or sysmon with that
// EventID, or none) are matched against process events too, through the
// Process fields and the 4688 aliases. Plain numbers compare numerically
// in every field of a general event.
//
// Loading is strict where a mistake would silently change what a rule
// detects: unknown modifiers, misspelt attributes and, in process_creation
// rules, field names (a near miss of a known name; records of other log
// sources have fields of any name), EventID values the rule's log source
// never logs, search identifiers the condition never uses,
// duplicate YAML keys, YAML aliases, unresolved placeholders and invalid
// levels or statuses are errors naming file, line and rule id, and every
// problem of a rule is reported, not only the first. Attributes the
// specification does not define are accepted (it allows custom ones). A
// rule must have a title, an id (findings, the allowlist and duplicate
// checks use it) and a detection; without a level it is informational.
// A field name that is neither a Sigma name of event.Process nor a 4688
// alias (GrandParentImage, say) is accepted: the event never has it.
//
// Field names are Sigma's (Image, CommandLine, ParentImage, User, ...); the
// Security 4688 names (NewProcessName, ParentProcessName, SubjectUserName,
// SubjectDomainName, SubjectLogonId, NewProcessId, ...) are accepted as
// aliases of the same fields, see fields.go. Numbers (process ids, logon
// ids) compare numerically, whatever their decimal or hex rendering.
//
// RuleSet indexes a set of rules by literal prerequisites (prefilter.go):
// for each rule, up to four clauses of (field, text) needles, each clause
// needing one of its needles in the event for the rule to have any chance
// to match. One Aho-Corasick automaton per field (and one for keywords,
// run over every string field) finds the needles of an event in a single
// pass; only the rules whose clauses are all satisfied, plus the few rules
// without any, are evaluated. Process events go through one such
// prefilter; general events first to the bucket of their (channel, event
// id), which lists the rules that can apply to it (generalindex.go), and
// through the bucket's own prefilter when it holds many rules.
// RuleSet.Selection says which records the rules need decoded.
package sigma
