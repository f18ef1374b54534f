// Package event defines the events every part of evtxhunt speaks.
//
// Event is the general record: the System values of any event record
// (provider, event id, level, task, opcode, keywords, time, record id,
// channel, computer, security user id, logging process and thread) and its
// payload in document order, EventData items by their Name or UserData
// leaf elements by element name. The decoders fill it for the records a
// run selects (Selection): those the loaded rules, the context features
// and the output ask for. Its items share storage per chunk (Builder), so
// decoding costs next to no allocation.
//
// Process is the typed view of a process creation (Security 4688 and
// Sysmon EventID 1), built by the decoders from the same decoded items:
// the readers produce it for every process creation, the rule engine
// matches it, ancestry and context are built from it, and the reports
// print it. Its field names follow Sigma's process_creation taxonomy
// (Image, CommandLine, ParentImage, ...), so a rule written for Sysmon
// works on 4688 unchanged. The table in fields.go is the single list of
// those names: JSON, CSV, the rule engine and the EVTX writer all walk it.
package event
