// Package logonstory writes, for tests, the generated logs of one day of
// logon sessions on two hosts (WS01's Security and Sysmon logs, WS02's
// Security log) from the JSON lines beside this file, with package synth:
// an RDP and a network session of the same user, a split token, a logon
// id reused after a reboot, a session whose 4624 is missing, processes of
// SYSTEM, Sysmon process creations, RDP disconnects and reconnects,
// explicit credentials and failed logons. The tests of package sessions
// list what each session and lookup must give.
package logonstory
