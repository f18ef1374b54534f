// Package allowlist reads the allowlist file (scan --allowlist) and tells
// which findings it suppresses.
//
// The file is a YAML list of entries. Each entry names rule ids (rule: one
// id or a list), field conditions in Sigma value syntax (where: a map of
// "Field|modifiers: values", AND; or a list of such maps, OR), or both, and
// must say why (reason). A finding is suppressed by the first entry whose
// rule ids include the finding's rule (when given) and whose conditions
// match the event (when given):
//
//	# The nightly inventory script runs whoami as the service account.
//	- rule: 7c2b7a7e-0b1e-4d0c-9d4a-000000000001
//	  where:
//	    User: 'CORP\svc_inventory'
//	    ParentImage|endswith: '\inventory.exe'
//	  reason: nightly inventory job (ticket IT-4711)
//	- where:
//	    Image|startswith: 'C:\Program Files\Backup\'
//	  reason: backup agent, reviewed 2024-05
//
// Conditions work on any event: on process creations with the process
// fields (and the 4688 names), on other records (List.SuppressedEvent) by
// the record's own field names, payload item first, then System value
// (EventID, Channel, Computer, Provider_Name, Level, ...).
//
// Loading is strict: unknown keys, a missing reason, an entry with
// neither rule nor where, and every Sigma error in the conditions are
// errors naming the file and line. Suppression is never silent: every
// entry counts the findings it suppressed (Entry.Hits), for the report.
package allowlist
