package allowlist

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Entry is one allowlist entry.
type Entry struct {
	Rules  []string // rule ids; empty means any rule
	Reason string
	File   string
	Line   int // where the entry starts

	where *sigma.Selection // nil means any event
	hits  atomic.Int64
}

// Hits returns how many findings the entry has suppressed so far.
func (e *Entry) Hits() int64 { return e.hits.Load() }

// Location renders where the entry is, "file:line".
func (e *Entry) Location() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// matches reports whether the entry covers a finding of rule r on p.
func (e *Entry) matches(r *sigma.Rule, p *event.Process) bool {
	return e.coversRule(r) && (e.where == nil || e.where.Match(p))
}

// matchesEvent reports whether the entry covers a finding of rule r on
// the general event ev.
func (e *Entry) matchesEvent(r *sigma.Rule, ev *event.Event) bool {
	return e.coversRule(r) && (e.where == nil || e.where.MatchEvent(ev))
}

// coversRule reports whether the entry's rule ids (if any) include r.
func (e *Entry) coversRule(r *sigma.Rule) bool {
	if len(e.Rules) > 0 {
		found := false
		for _, id := range e.Rules {
			if id == r.ID {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// List is a loaded allowlist. It is safe for concurrent use.
type List struct {
	Entries []*Entry
}

// Suppressed returns the first entry that suppresses the finding of rule
// r on event p, counting the finding on it, or nil. A nil List
// suppresses nothing.
func (l *List) Suppressed(r *sigma.Rule, p *event.Process) *Entry {
	if l == nil {
		return nil
	}
	for _, e := range l.Entries {
		if e.matches(r, p) {
			e.hits.Add(1)
			return e
		}
	}
	return nil
}

// SuppressedEvent is Suppressed for a finding on a general event (any
// record other than a process creation): where conditions name the
// record's fields as rules do (payload item, then System value such as
// EventID, Channel or Computer).
func (l *List) SuppressedEvent(r *sigma.Rule, ev *event.Event) *Entry {
	if l == nil {
		return nil
	}
	for _, e := range l.Entries {
		if e.matchesEvent(r, ev) {
			e.hits.Add(1)
			return e
		}
	}
	return nil
}

// Total returns how many findings the list has suppressed.
func (l *List) Total() int64 {
	if l == nil {
		return 0
	}
	var n int64
	for _, e := range l.Entries {
		n += e.Hits()
	}
	return n
}

// UnknownRules returns one message per rule id an entry names that is not
// among rules: usually a typo, or a rule left out by --min-level or
// --no-builtin.
func (l *List) UnknownRules(rules []*sigma.Rule) []string {
	if l == nil {
		return nil
	}
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	var out []string
	for _, e := range l.Entries {
		for _, id := range e.Rules {
			if !known[id] {
				out = append(out, fmt.Sprintf("%s: allowlist entry names rule %s, which is not loaded", e.Location(), id))
			}
		}
	}
	return out
}

// Error is a defect of an allowlist file.
type Error struct {
	File   string
	Line   int
	Reason string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Load reads an allowlist file. Rule conditions are compiled with opts
// (placeholders of the expand modifier).
func Load(path string, opts sigma.Options) (*List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path, opts)
}

var entryKeys = []string{"rule", "where", "reason"}

// Parse reads an allowlist from data; file names it in errors. It stops
// at the first error.
func Parse(data []byte, file string, opts sigma.Options) (*List, error) {
	docs, lerr := sigma.DecodeYAML(data, file)
	if lerr != nil {
		return nil, &Error{File: file, Line: lerr.Line, Reason: lerr.Reason}
	}
	l := &List{}
	switch {
	case len(docs) == 0:
		return l, nil
	case len(docs) > 1:
		return nil, &Error{File: file, Line: docs[1].Line, Reason: "an allowlist is one YAML document"}
	case docs[0].Kind != yaml.SequenceNode:
		return nil, &Error{File: file, Line: docs[0].Line, Reason: "an allowlist is a list of entries (- rule: ..., where: ..., reason: ...)"}
	}
	for _, n := range docs[0].Content {
		e, err := parseEntry(n, file, opts)
		if err != nil {
			return nil, err
		}
		l.Entries = append(l.Entries, e)
	}
	return l, nil
}

func parseEntry(n *yaml.Node, file string, opts sigma.Options) (*Entry, error) {
	fail := func(line int, format string, args ...any) error {
		return &Error{File: file, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if n.Kind != yaml.MappingNode {
		return nil, fail(n.Line, "an entry is a map with rule, where and reason")
	}
	e := &Entry{File: file, Line: n.Line}
	hasReason := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "rule":
			ids, err := ruleIDs(v)
			if err != nil {
				return nil, fail(v.Line, "rule: %v", err)
			}
			e.Rules = ids
		case "where":
			sel, lerr := sigma.CompileSelection(v, file, opts)
			if lerr != nil {
				return nil, fail(lerr.Line, "where: %s", lerr.Reason)
			}
			e.where = sel
		case "reason":
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
				return nil, fail(v.Line, "reason must say why these findings are allowed")
			}
			e.Reason, hasReason = v.Value, true
		default:
			return nil, fail(k.Line, "unknown key %q%s (an entry has rule, where and reason)", k.Value, sigma.Suggest(k.Value, entryKeys))
		}
	}
	switch {
	case !hasReason:
		return nil, fail(n.Line, "entry has no reason: say why these findings are allowed")
	case len(e.Rules) == 0 && e.where == nil:
		return nil, fail(n.Line, "entry has neither rule nor where: it would suppress every finding")
	}
	return e, nil
}

// ruleIDs reads one id or a non-empty list of ids.
func ruleIDs(n *yaml.Node) ([]string, error) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag != "!!null" && n.Value != "":
		return []string{n.Value}, nil
	case n.Kind == yaml.SequenceNode && len(n.Content) > 0:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode || c.Tag == "!!null" || c.Value == "" {
				return nil, fmt.Errorf("rule ids must be strings")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, fmt.Errorf("give a rule id or a list of rule ids")
}
