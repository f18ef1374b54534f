// Package sigma loads Sigma detection rules for the process_creation log
// source and matches them against normalized process events.
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
//     against every string field of the event, null and empty-string values;
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
// Only rules whose logsource is category process_creation (product windows
// or no product) are loaded; other rules are skipped with a note (a
// LoadError whose Note field is set), not an error.
//
// Loading is strict where a mistake would silently change what a rule
// detects: unknown modifiers, misspelt field names and attributes (a near
// miss of a known name), search identifiers the condition never uses,
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
// RuleSet indexes a set of rules by literal prerequisites: for each rule,
// up to four clauses of (field, text) needles, each clause needing one of
// its needles in the event for the rule to have any chance to match. One
// Aho-Corasick automaton per field (and one for keywords, run over every
// string field) finds the needles of an event in a single pass; only the
// rules whose clauses are all satisfied, plus the few rules without any,
// are evaluated.
package sigma
