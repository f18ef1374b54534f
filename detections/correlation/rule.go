package correlation

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Type is the kind of a correlation rule.
type Type uint8

// The correlation types of the Sigma specification v2.
const (
	EventCount      Type = iota + 1 // records in the window
	ValueCount                      // distinct values of Condition.Field in the window
	Temporal                        // distinct referenced rules matched in the window
	TemporalOrdered                 // referenced rules matched in the listed order
)

var typeNames = map[Type]string{
	EventCount: "event_count", ValueCount: "value_count",
	Temporal: "temporal", TemporalOrdered: "temporal_ordered",
}

// String returns the Sigma name of the type ("event_count").
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Levels are the Sigma levels, least to most critical.
var Levels = []string{"informational", "low", "medium", "high", "critical"}

// Rule is one parsed correlation rule. Its references are resolved into a
// Set by Resolve.
type Rule struct {
	ID, Name, Title, Status, Description, Author, Date, Modified string
	Level                                                        string // one of Levels; "informational" when the rule names none
	Tags, References, FalsePositives                             []string

	Type      Type
	Rules     []string      // the referenced rules, by id or name, as written
	GroupBy   []string      // field (or alias) names; empty: one group for all
	Timespan  time.Duration // the longest time between a window's first and last record
	Condition Condition
	// Aliases maps an alias used in GroupBy (or Condition.Field) to the
	// field it stands for in the records of each referenced rule, keyed
	// by the reference as written in Rules.
	Aliases  map[string]map[string]string
	Generate bool // the referenced rules also report their own findings

	// Source is the file the rule came from (or "builtin:<path>"), Line
	// the line its document starts on.
	Source string
	Line   int
}

// Location renders where the rule was defined, "file:line".
func (r *Rule) Location() string {
	if r.Line <= 0 {
		return r.Source
	}
	return fmt.Sprintf("%s:%d", r.Source, r.Line)
}

// AttackTags returns the rule's tags in the MITRE ATT&CK namespace, in rule
// order.
func (r *Rule) AttackTags() []string {
	var out []string
	for _, t := range r.Tags {
		if strings.HasPrefix(strings.ToLower(t), "attack.") {
			out = append(out, t)
		}
	}
	return out
}

// fieldFor returns the field a group-by (or condition) name stands for in
// the records of the i-th referenced rule: the alias' field for that rule,
// else the name itself.
func (r *Rule) fieldFor(name string, i int) string {
	if m, ok := r.Aliases[name]; ok {
		if f, ok := m[r.Rules[i]]; ok {
			return f
		}
	}
	return name
}

// Condition is a correlation rule's condition: a whole-number range the
// count of its window must fall in (gt, gte, lt, lte and eq combined with
// AND), and for value_count the field whose distinct values are counted.
type Condition struct {
	Field    string
	Min, Max int64 // inclusive; Max is math.MaxInt64 when there is no upper bound
	text     string
}

// anyCount is the unbounded range conditions start from; a temporal rule
// that writes no condition gets it with Min set to its number of rules.
var anyCount = Condition{Min: 0, Max: math.MaxInt64}

// Holds reports whether a window with count n satisfies the condition.
func (c Condition) Holds(n int64) bool { return n >= c.Min && n <= c.Max }

// Bounded reports whether the condition has an upper bound (lt, lte, eq).
func (c Condition) Bounded() bool { return c.Max != math.MaxInt64 }

// String renders the condition as the rule wrote it ("gte 10", "gt 100
// and lte 200"), or its range when it was built in code.
func (c Condition) String() string {
	if c.text != "" {
		return c.text
	}
	if !c.Bounded() {
		return "gte " + strconv.FormatInt(c.Min, 10)
	}
	return "gte " + strconv.FormatInt(c.Min, 10) + " and lte " + strconv.FormatInt(c.Max, 10)
}

// Error is a problem found in a correlation rule (or its file, when RuleID
// is empty): the rule was not loaded.
type Error struct {
	File   string
	Line   int // 0 when unknown
	RuleID string
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.RuleID != "" {
		fmt.Fprintf(&b, "correlation %s: ", e.RuleID)
	}
	b.WriteString(e.Reason)
	return b.String()
}
