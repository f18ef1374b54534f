// Package synth turns process events (and other events) given as JSON
// lines into EVTX files, through package evtxwriter, and adds realistic
// background records around them.
//
// A line is one event in the shape `evtxhunt timeline -f jsonl` prints:
// Timestamp, the identity fields (Computer, Channel, Provider, EventID,
// Version, EventRecordID) and Sigma field names. EventID 4688 lines become
// Security-Auditing 4688 records (version 2 unless the line says 0 or 1),
// EventID 1 lines Sysmon EventID 1 version 5 records, each with the
// EventData layout and value types Windows and Sysmon use. The Security
// logon records (4624 version 2 unless the line says 0 or 1, 4625, 4634,
// 4647, 4648, 4672, 4778, 4779) take the values of the line's "EventData"
// object and are written with Windows' whole layout (logon.go): its names
// in its order and its value types, the values the line leaves out
// derived from the kind of logon (logon_defaults.go). Any other event id
// becomes a generic record of the given Provider and Channel whose
// EventData is the line's "EventData" object, in order. Fields a
// line leaves out get values derived deterministically from the ones it
// has (see process.go); a line that cannot be written is an error naming
// its line number.
//
// The noise generator (noise.go) simulates the hosts and users it finds in
// the input (World, in world.go, models their processes and logons) and adds
// background records: logons and logoffs, special privileges, firewall
// connections and benign process creations with real parent chains. It is
// deterministic for a given seed.
//
// Output is atomic (output.go): the file is written beside its target and
// renamed into place when complete, so it appears whole or not at all.
package synth
