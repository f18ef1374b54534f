package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// SortKeys are the orders reports can use.
var SortKeys = []string{"time", "level", "host", "user", "rule"}

// Order is a total, deterministic order of findings: optionally grouped by
// host and user first (as the table report shows them), then by a sort key
// (one of SortKeys), then by time, host, record id, channel, record
// content and rule id.
type Order struct {
	Key   string
	Group bool
}

// check validates the key.
func (o Order) check() error {
	if o.Key == "" || slices.Contains(SortKeys, o.Key) {
		return nil
	}
	return fmt.Errorf("unknown sort key %q (want %s)", o.Key, strings.Join(SortKeys, ", "))
}

// sortKey holds what Order compares, computed once per finding.
type sortKey struct {
	groupHost, groupUser string
	level                sigma.Level
	primary              string
	sec                  int64
	nsec                 int
	computer             string
	recordID             uint64
	channel              string
	key                  recordKey
	ruleID               string
}

func (o Order) keyOf(f *Finding) sortKey {
	k := sortKey{
		sec: f.Event.Timestamp.Unix(), nsec: f.Event.Timestamp.Nanosecond(),
		computer: f.Event.Computer, recordID: f.Event.EventRecordID, channel: f.Event.Channel,
		key: f.key, ruleID: f.RuleID,
	}
	if o.Group {
		k.groupHost, k.groupUser = strings.ToLower(f.Event.Computer), strings.ToLower(f.Event.User)
	}
	switch o.Key {
	case "level":
		k.level = f.Level
	case "host":
		k.primary = strings.ToLower(f.Event.Computer)
	case "user":
		k.primary = strings.ToLower(f.Event.User)
	case "rule":
		k.primary = f.Title
	}
	return k
}

func compareKeys(a, b *sortKey) int {
	if c := cmp.Compare(a.groupHost, b.groupHost); c != 0 {
		return c
	}
	if c := cmp.Compare(a.groupUser, b.groupUser); c != 0 {
		return c
	}
	if c := cmp.Compare(b.level, a.level); c != 0 { // most critical first
		return c
	}
	if c := cmp.Compare(a.primary, b.primary); c != 0 {
		return c
	}
	if c := cmp.Compare(a.sec, b.sec); c != 0 {
		return c
	}
	if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
		return c
	}
	if c := cmp.Compare(a.computer, b.computer); c != 0 {
		return c
	}
	if c := cmp.Compare(a.recordID, b.recordID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.channel, b.channel); c != 0 {
		return c
	}
	if c := cmp.Compare(a.key[0], b.key[0]); c != 0 {
		return c
	}
	if c := cmp.Compare(a.key[1], b.key[1]); c != 0 {
		return c
	}
	return cmp.Compare(a.ruleID, b.ruleID)
}

// Sort orders findings by key (one of SortKeys), then by time, host,
// record id and rule id, so the order is total and deterministic.
func Sort(fs []Finding, key string) error {
	return Order{Key: key}.Sort(fs)
}

// Sort orders fs by o.
func (o Order) Sort(fs []Finding) error {
	if err := o.check(); err != nil {
		return err
	}
	keys := make([]sortKey, len(fs))
	idx := make([]int, len(fs))
	for i := range fs {
		keys[i] = o.keyOf(&fs[i])
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return compareKeys(&keys[a], &keys[b]) })
	sorted := make([]Finding, len(fs))
	for i, j := range idx {
		sorted[i] = fs[j]
	}
	copy(fs, sorted)
	return nil
}
