// Package truth compares extracted process events with the independent
// ground truth of ../shared/corpus/truth (4688.jsonl and sysmon1.jsonl),
// field by field: hex values as numbers, GUIDs case-insensitively, account
// parts joined as DOMAIN\name, and the record time to a given precision.
// Its mapping from raw EventData names to Process fields is written out
// here independently of package extract, so the two check each other.
package truth
