// Package detections assembles what evtxhunt detects with: the built-in
// Sigma rules (package builtin) and the user's (-r), compiled by package
// sigma into one indexed rule set, filtered by a minimum level. Set.Detect
// runs one process event through all of it and returns the hits;
// Set.DetectEvent does the same for any other record, and Set.Selection
// says which records the rules need decoded. Correlation rules (built in
// and -r) are resolved against the loaded rules' ids and names into
// Set.Correlations; the rules they refer to stay in the set whatever the
// minimum level, so their records are decoded and matched.
//
// Detection runs in the reading workers, in parallel, and the findings
// scanner completes it in input order: when it fills a 4688 event's
// ParentCommandLine from the parent's event, Set.DropDeferred and
// Set.DetectLate redo the few rules that read it (late.go). A Memo per
// goroutine gives an event equal to an earlier one in every value the
// rules read that event's hits without matching again (memo.go); its
// key holds what the rules that apply to process creations read, and a
// GUID or time only where a keyword search could match it (memokey.go).
//
// Sub-packages: sigma (the rule engine), builtin (the embedded rules and
// their tests), cmdline (command-line checks Sigma cannot express),
// allowlist (user suppressions), correlation (Sigma correlation rules
// and their engine).
package detections
