package findings

import (
	"time"
)

// ContextEvent is one process event shown around a finding: a timeline
// neighbour, an ancestor or a child.
type ContextEvent struct {
	Timestamp         time.Time
	EventID           uint32
	EventRecordID     uint64
	ProcessId         uint64
	ParentProcessId   uint64
	ProcessGuid       string
	ParentProcessGuid string
	Image             string
	CommandLine       string
	User              string
	LogonId           string
	SourceFile        string
	// Unknown marks the last ancestor of a chain: the first parent no
	// event describes. Only what its child recorded about it is known:
	// ProcessId, and Image and ProcessGuid when the child's event has them.
	Unknown bool
}

// Context is what an analyst needs around a finding.
type Context struct {
	// Before and After are the process events of the same user on the same
	// host (the same logon session when the finding's logon id is known)
	// just before and after the finding's event, in time order.
	Before, After []ContextEvent
	// Ancestry is the chain of parents, the direct parent first, ending
	// with an Unknown entry when the chain stops at a parent no event
	// describes.
	Ancestry []ContextEvent
	// Children are the processes the flagged process started, in time
	// order, at most MaxChildren of them; MoreChildren counts the rest.
	Children     []ContextEvent
	MoreChildren int
}

// Relations name the kinds of context rows, in the order reports list them.
const (
	RelBefore   = "before"
	RelAfter    = "after"
	RelAncestor = "ancestor"
	RelChild    = "child"
)

// ContextRow is one context event with its relation to the finding and its
// position: 1-based within Before/After/Children, the depth for ancestors
// (1 is the parent).
type ContextRow struct {
	Relation string
	Index    int
	Event    *ContextEvent
}

// Rows lists the context as rows: ancestors (farthest first), events
// before, events after, then children.
func (c *Context) Rows() []ContextRow {
	var rows []ContextRow
	for i := len(c.Ancestry) - 1; i >= 0; i-- {
		rows = append(rows, ContextRow{RelAncestor, i + 1, &c.Ancestry[i]})
	}
	for i := range c.Before {
		rows = append(rows, ContextRow{RelBefore, i + 1, &c.Before[i]})
	}
	for i := range c.After {
		rows = append(rows, ContextRow{RelAfter, i + 1, &c.After[i]})
	}
	for i := range c.Children {
		rows = append(rows, ContextRow{RelChild, i + 1, &c.Children[i]})
	}
	return rows
}

// Empty reports whether there is no context at all.
func (c *Context) Empty() bool {
	return len(c.Before)+len(c.After)+len(c.Ancestry)+len(c.Children) == 0
}

// MaxChildren bounds the children listed per finding.
const MaxChildren = 32

// contextOf computes the context of record ref: n timeline events each
// side within window, the ancestry and the children.
func (h *hostHistory) contextOf(hs *history, ref int32, n int, window time.Duration) Context {
	var c Context
	if n > 0 {
		c.Before, c.After = h.timeline(hs, ref, n, int64(window))
	}
	c.Ancestry = h.ancestry(ref)
	c.Children, c.MoreChildren = h.children(ref, MaxChildren)
	return c
}

// timeline returns up to n events each side of record ref in its logon
// session (or, without a logon id, its user), within window nanoseconds.
// Other records of the same process (its Sysmon twin) are left out, and
// so is a second record of a process already listed.
func (h *hostHistory) timeline(hs *history, ref int32, n int, window int64) (before, after []ContextEvent) {
	f := &h.recs[ref]
	a := h.arena
	user := hs.lowerBytes(a.bytes(f.user))
	var l *refList
	if f.logonID != 0 {
		l = h.bySession[sessionKey{user, hs.lowerBytes(a.bytes(f.logonID))}]
	} else {
		l = h.byUser[user]
	}
	return h.around(h.sorted(l), f, f, n, window)
}
