package sigma

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// buildSelection returns the records the rules need decoded in full (see
// RuleSet.Selection). Process creations are left out: decoders always
// decode them, as event.Process.
func buildSelection(rules []*Rule) *event.Selection {
	sel := &event.Selection{}
	for _, r := range rules {
		if r.det == nil || r.isProcessCreation() {
			continue
		}
		for _, b := range r.binds {
			switch {
			case b.channel == "" && b.ids == nil:
				sel.AddAll()
			case b.ids == nil:
				sel.AddChannel(b.channel)
			default:
				var ids []uint32
				for _, id := range b.ids {
					if b.channel == "" || !isProcessCreationRecord(b.channel, id) {
						ids = append(ids, id)
					}
				}
				if len(ids) > 0 {
					sel.Add(b.channel, ids...)
				}
			}
		}
	}
	return sel
}

// isProcessCreationRecord reports whether records of this channel and id
// are the process creations decoders always decode.
func isProcessCreationRecord(channel string, id uint32) bool {
	return id == event.SecurityProcessCreate && strings.EqualFold(channel, chSecurity) ||
		id == event.SysmonProcessCreate && strings.EqualFold(channel, chSysmon)
}
