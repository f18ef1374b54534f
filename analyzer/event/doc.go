// Package event defines Process, the one normalized process-creation event
// that every part of evtxhunt speaks: the readers produce it from Security
// 4688 and Sysmon EventID 1 records, the rule engine matches it, and the
// reports print it.
//
// Field names follow Sigma's process_creation taxonomy (Image, CommandLine,
// ParentImage, ...), so a rule written for Sysmon works on 4688 unchanged.
// The table in fields.go is the single list of those names: JSON, CSV, the
// rule engine and the EVTX writer all walk it.
package event
