// Package builtin holds evtxhunt's own detection rules, embedded in the
// binary so a scan needs no rule files on disk.
//
// The rules are Sigma YAML, one rule per file under
// rules/<class>/<short_name>.yml, where the class folder groups them by
// the analyst's question. Most classes hold process_creation rules
// (applocker_bypass, download, powershell_hidden, suspicious_path,
// persistence, credential_access, ...): they match fields Security 4688
// and Sysmon EventID 1 both carry (Image, CommandLine, ParentImage, User,
// IntegrityLevel) and use OriginalFileName only as an alternative, since
// 4688 lacks it.
//
// Other classes read the records a responder looks at first in the
// Security, System, TaskScheduler and WMI-Activity logs, by their
// EventData or UserData names: log_tampering (1102, 104, 1100, 7040, 7036,
// 4719, 4907, 4826, FilterManager 1, SQL Server 33205), account (4720,
// 4722, 4724, 4738, 4728/4732/4756, 4781, 4798/4799, 4765/4766, 4794,
// 4704, 4673, next to the process rules of that class), services (7045,
// 4697), kerberos (4769, 4768, 4662, 4742, 5136, 5137), logons (4624,
// 4648, 4673/4674, 4703) and tasks_wmi (4698/4702, TaskScheduler
// 200/201/129, WMI 5861), and powershell_logs (4103, 4104, classic
// 400/800), sysmon_events (Sysmon 3, 7, 8, 10, 11, 12-14, 17/18, 20, 22)
// and defender (1116/1117, 5001, 5007, 5010/5012/5013). Rules on SMB
// auditing (5140/5142/5145), object access (4656/4663) and service logs
// (Application 3001, ESENT, SQL Server 15457, DNS Server 150/770, Windows
// Firewall 2004/2005, Bits-Client 3/59/60, MSExchange Management,
// Winsock, PrintService) sit in the class of their technique
// (lateral_movement, credential_access, persistence, ...). Each pins its
// event ids so other records are never decoded for it, compares SIDs
// rather than localized names, and excludes the benign look-alikes of an
// ordinary day; administrative events (an account created, a password
// reset) are low unless something about them is suspicious.
//
// Each rule has its cases in tests/<short_name>.yml: events that must
// make it fire and near misses that must not, process events in the
// process shape and other records as {Channel, EventID, EventData or
// UserData}. The tests in this package load every rule through the
// detections/sigma engine, run the cases, replay samples/demo to check
// that every planted attack is found and nothing else (its logons
// included) raises a finding, and compare the hits on the shared attack
// corpus with testdata/corpus_hits.golden (process events) and
// testdata/corpus_records.golden (every other record).
//
// FS returns the rule files; detections/sigma.LoadFS compiles them.
package builtin
