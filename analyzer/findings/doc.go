// Package findings turns detection hits on process events into findings:
// each with a stable id, the rule's metadata, the event itself and the
// files it was read from. A Scanner consumes events in input order, keeps
// the per-host state that enriches them (a 4688 event's ParentCommandLine
// from its parent's own 4688 event), runs the detections and collects the
// findings; Sort orders them for reports.
package findings
