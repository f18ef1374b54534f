package correlation

import "unsafe"

// What the engine counts for its state (Options.MaxMemory): a held record
// and the slots of its group's buffer, a group with its key and map
// entry, and what records point to: value_count values and the findings
// of correlations a rule refers to.
const (
	recordBytes  = int(unsafe.Sizeof(obs{}))
	groupBytes   = int(unsafe.Sizeof(group{})) + 48
	findingBytes = int(unsafe.Sizeof(Finding{}))
	refBytes     = int(unsafe.Sizeof(Ref{}))
)

// extraBytes returns the bytes a held record points to.
func extraBytes(o *obs) int {
	n := len(o.value)
	if unsafe.StringData(o.vkey) != unsafe.StringData(o.value) {
		n += len(o.vkey)
	}
	if o.inner != nil {
		n += findingBytes + len(o.inner.Refs)*refBytes
	}
	return n
}

// account brings the bytes counted for g in e.used up to date.
func (e *Engine) account(g *group) {
	c := groupBytes + len(g.key) + g.extra
	if cap(g.buf) > len(g.first) { // not the group's own one-record buffer
		c += cap(g.buf) * recordBytes
	}
	e.used += c - g.cost
	g.cost = c
}
