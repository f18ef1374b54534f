// Package builtin holds evtxhunt's own detection rules, embedded in the
// binary so a scan needs no rule files on disk.
//
// The rules are Sigma YAML for the process_creation log source, one rule
// per file under rules/<class>/<short_name>.yml, where the class folder
// groups them by the analyst's question (applocker_bypass, download,
// powershell_hidden, suspicious_path, persistence, credential_access, ...).
// Every rule is written for both sources evtxhunt reads: it matches on
// fields Security 4688 and Sysmon EventID 1 both carry (Image,
// CommandLine, ParentImage, User, IntegrityLevel) and uses
// OriginalFileName only as an alternative, since 4688 lacks it.
//
// Each rule has its cases in tests/<short_name>.yml: events that must
// make it fire and near misses that must not. The tests in this package
// load every rule through the detections/sigma engine, run the cases, and
// replay samples/demo to check that every planted attack is found and no
// look-alike is.
//
// FS returns the rule files; detections/sigma.LoadFS compiles them.
package builtin
