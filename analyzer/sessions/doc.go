// Package sessions rebuilds the logon sessions of every host from its
// Security log, so that a process creation can be tied to the logon that
// started it: who logged on, how (interactive, network, RDP, ...), from
// which address and workstation, with which package, with what rights, and
// when the session began and ended.
//
// # Records
//
// A Builder reads Security 4624 (a logon: the session's account, type,
// source, package, elevation and linked logon), 4672 (special privileges
// assigned to the new logon, SubjectLogonId being that logon), 4634 and
// 4647 (logoff), 4648 (explicit credentials used inside a session), 4778
// and 4779 (RDP session reconnected and disconnected, with the client's
// name and address) and 4625 (failed logons, summarized per host, target
// user and source address). Selection lists these records for the
// decoders; Add ignores any other record. AddProcess counts the process
// creations (Security 4688 SubjectLogonId, Sysmon LogonId) of each logon
// id.
//
// # Matching
//
// Logon ids are unique per boot only. A record naming a logon id belongs
// to the latest 4624 of that id on that host that is not after the record
// and whose session had not ended before it; a session ends at its logoff
// (its first 4634, else its first 4647) or, failing that, at the next 4624
// of the same id (after a reboot). Windows writes a 4672 a moment before
// the 4624 it belongs to, so a 4672 may precede its 4624 by up to
// PrivilegeSlack. The same record read from several files (copies of a
// log) counts once. The built-in logon ids 0x3e7 (SYSTEM), 0x3e4 (NETWORK
// SERVICE) and 0x3e5 (LOCAL SERVICE) are no sessions of their own: every
// service start logs a 4624 with the account's fixed id, so those 4624s
// and the records naming those ids are skipped, and Lookup names the
// account instead. LookupKey names the row of the report (a session, or
// a logon id's process creations no session explains) a record falls in,
// by the same rule, so that things can be counted per session.
//
// # Order and memory
//
// Input arrives in file order, not time order, and a host's Security log
// may be split across files: the Builder only collects, and sorts each
// host's records once, when Finish is called (or when a host must be
// trimmed). Lookups happen on the finished Index. Memory is bounded: the
// Builder holds at most Options.MaxSessions logons (DefaultMaxSessions);
// past that, the busiest host loses a quarter of its sessions, ended ones
// first, the oldest first, with the records tied to them; records that
// name no session held are bounded the same way (MaxRecordsPerSession per
// session held), and the failed-logon summary keeps at most
// MaxFailedGroups groups (later groups are counted in one "(others)"
// group per host). A session evicted early is then unknown to lookups.
package sessions
