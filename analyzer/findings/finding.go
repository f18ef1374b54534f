package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Finding is one rule firing on one process event.
type Finding struct {
	ID          string // stable across runs: derived from the rule and the record
	RuleID      string
	Title       string
	Level       sigma.Level
	Tags        []string // ATT&CK tags
	Description string
	RuleSource  string // file:line of the rule, or builtin:<path>:line
	Reason      string // for checks that explain themselves; empty for Sigma rules
	Decoded     string // decoded payload (e.g. an encoded PowerShell command)
	Event       event.Process
	Sources     []string // every file the record was read from
}

// newID derives a finding's id from the rule and the record it fired on,
// so the same finding keeps its id between runs and worker counts.
func newID(ruleID string, p *event.Process) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%d", ruleID, p.Computer, p.Channel, p.EventRecordID, p.Timestamp.UnixNano())
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Message is the one-line description of a finding used by timeline tools.
func (f *Finding) Message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s", f.Level, f.Title, f.Event.Image)
	if f.Event.CommandLine != "" {
		b.WriteString(" | ")
		b.WriteString(f.Event.CommandLine)
	}
	return b.String()
}

// SortKeys are the orders reports can use.
var SortKeys = []string{"time", "level", "host", "user", "rule"}

// Sort orders findings by key (one of SortKeys), then by time, host,
// record id and rule id, so the order is total and deterministic.
func Sort(fs []Finding, key string) error {
	var primary func(a, b *Finding) int
	switch key {
	case "time", "":
		primary = func(*Finding, *Finding) int { return 0 }
	case "level":
		primary = func(a, b *Finding) int { return int(b.Level) - int(a.Level) }
	case "host":
		primary = func(a, b *Finding) int {
			return strings.Compare(strings.ToLower(a.Event.Computer), strings.ToLower(b.Event.Computer))
		}
	case "user":
		primary = func(a, b *Finding) int {
			return strings.Compare(strings.ToLower(a.Event.User), strings.ToLower(b.Event.User))
		}
	case "rule":
		primary = func(a, b *Finding) int { return strings.Compare(a.Title, b.Title) }
	default:
		return fmt.Errorf("unknown sort key %q (want %s)", key, strings.Join(SortKeys, ", "))
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if c := primary(a, b); c != 0 {
			return c < 0
		}
		if event.Less(&a.Event, &b.Event) || event.Less(&b.Event, &a.Event) {
			return event.Less(&a.Event, &b.Event)
		}
		return a.RuleID < b.RuleID
	})
	return nil
}

// CountByLevel counts findings per level, most critical first.
func CountByLevel(fs []Finding) []LevelCount {
	var n [sigma.Critical + 1]int
	for i := range fs {
		if fs[i].Level >= 0 && fs[i].Level <= sigma.Critical {
			n[fs[i].Level]++
		}
	}
	var out []LevelCount
	for l := sigma.Critical; l >= sigma.Informational; l-- {
		if n[l] > 0 {
			out = append(out, LevelCount{l, n[l]})
		}
	}
	return out
}

// LevelCount is a number of findings of one level.
type LevelCount struct {
	Level sigma.Level
	Count int
}

func (c LevelCount) String() string { return strconv.Itoa(c.Count) + " " + c.Level.String() }
