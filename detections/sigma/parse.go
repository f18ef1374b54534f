package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/detections/correlation"
)

// Options tune rule loading.
type Options struct {
	// Placeholders gives the values of the expand modifier's %name%
	// placeholders; see LoadPlaceholders.
	Placeholders map[string][]string
}

// ParseRules parses and compiles every rule of one file (all its YAML
// documents; Sigma rule collections with action: global, reset and repeat
// are supported). source names the file in rules and errors. A rule with
// an error is left out; the others are returned. Correlation documents
// are reported as notes (SkipCorrelation); ParseFile returns them parsed.
func ParseRules(data []byte, source string, opts Options) ([]*Rule, []*LoadError) {
	rules, corrs, errs := ParseFile(data, source, opts)
	for _, c := range corrs {
		errs = append(errs, &LoadError{File: source, Line: c.Line, RuleID: c.ID, Note: true, Skip: SkipCorrelation,
			Reason: "correlation rule: not run by this caller; skipped"})
	}
	return rules, errs
}

// ParseFile is ParseRules returning the correlation documents too, parsed
// by correlation.Parse (after collection actions are applied); their
// errors are load errors naming file, line and rule id.
func ParseFile(data []byte, source string, opts Options) ([]*Rule, []*correlation.Rule, []*LoadError) {
	docs, err := decodeDocuments(data)
	if err != nil {
		return nil, nil, []*LoadError{{File: source, Line: yamlErrorLine(err), Reason: cleanYAMLError(err)}}
	}
	var rules []*Rule
	var corrs []*correlation.Rule
	var errs []*LoadError
	var global, prev *yaml.Node
	for _, root := range docs {
		if root.Kind != yaml.MappingNode {
			errs = append(errs, &LoadError{File: source, Line: root.Line, Reason: "a rule must be a YAML map"})
			continue
		}
		action, rest := splitAction(root)
		switch action {
		case "global":
			global = mergeNodes(global, rest)
			continue
		case "reset":
			global = nil
			continue
		case "repeat":
			if prev == nil {
				errs = append(errs, &LoadError{File: source, Line: root.Line, Reason: "action: repeat without a rule before it"})
				continue
			}
			rest = mergeNodes(prev, rest)
		case "":
			rest = mergeNodes(global, rest)
		default:
			errs = append(errs, &LoadError{File: source, Line: root.Line, Reason: fmt.Sprintf("unknown collection action %q (want global, reset or repeat)", action)})
			continue
		}
		prev = rest
		if correlation.IsCorrelation(rest) {
			c, cerrs := correlation.Parse(source, rest)
			errs = append(errs, CorrelationErrors(cerrs)...)
			if c != nil && len(cerrs) == 0 {
				corrs = append(corrs, c)
			}
			continue
		}
		r, rerrs := buildRule(rest, source, &opts)
		if len(rerrs) > 0 {
			errs = append(errs, rerrs...)
			continue
		}
		rules = append(rules, r)
	}
	return rules, corrs, errs
}

// CorrelationErrors converts the errors of the correlation package into
// load errors.
func CorrelationErrors(cerrs []*correlation.Error) []*LoadError {
	out := make([]*LoadError, 0, len(cerrs))
	for _, e := range cerrs {
		out = append(out, &LoadError{File: e.File, Line: e.Line, RuleID: e.RuleID, Reason: e.Reason})
	}
	return out
}

// decodeDocuments reads every YAML document of data and checks them for
// what the YAML decoder lets through into nodes: duplicate keys, aliases
// and merge keys.
func decodeDocuments(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 {
			continue
		}
		if err := checkNode(doc.Content[0], 0); err != nil {
			return nil, err
		}
		docs = append(docs, doc.Content[0])
	}
}

// strictError is a structural YAML problem found after decoding.
type strictError struct {
	line int
	msg  string
}

func (e *strictError) Error() string { return fmt.Sprintf("yaml: line %d: %s", e.line, e.msg) }

const maxYAMLDepth = 64

func checkNode(n *yaml.Node, depth int) error {
	if depth > maxYAMLDepth {
		return &strictError{n.Line, "nested too deeply"}
	}
	switch n.Kind {
	case yaml.AliasNode:
		return &strictError{n.Line, "YAML aliases (*name) are not supported in rules"}
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode {
				if k.Tag == "!!merge" || k.Value == "<<" && k.Style == 0 {
					return &strictError{k.Line, "YAML merge keys (<<) are not supported in rules"}
				}
				if first, dup := seen[k.Value]; dup {
					return &strictError{k.Line, fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, first)}
				}
				seen[k.Value] = k.Line
			}
		}
	}
	for _, c := range n.Content {
		if err := checkNode(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine extracts the line a YAML error names, or 0.
func yamlErrorLine(err error) int {
	var se *strictError
	if errors.As(err, &se) {
		return se.line
	}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// cleanYAMLError drops the "yaml: line N:" prefix the error's location
// already gives.
func cleanYAMLError(err error) string {
	var se *strictError
	if errors.As(err, &se) {
		return se.msg
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if loc := yamlLineRE.FindStringIndex(msg); loc != nil && loc[0] == 0 {
		msg = strings.TrimLeft(msg[loc[1]:], ": ")
	}
	return "invalid YAML: " + msg
}

// splitAction removes a collection "action" key from a document.
func splitAction(root *yaml.Node) (string, *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "action" {
			rest := *root
			rest.Content = append(append([]*yaml.Node{}, root.Content[:i]...), root.Content[i+2:]...)
			return root.Content[i+1].Value, &rest
		}
	}
	return "", root
}

// mergeNodes returns base overlaid with top: maps merge key by key,
// anything else in top replaces base. Neither input is modified.
func mergeNodes(base, top *yaml.Node) *yaml.Node {
	if base == nil {
		return top
	}
	if top == nil {
		return base
	}
	if base.Kind != yaml.MappingNode || top.Kind != yaml.MappingNode {
		return top
	}
	out := *top
	out.Content = nil
	used := map[string]bool{}
	for i := 0; i+1 < len(base.Content); i += 2 {
		k, v := base.Content[i], base.Content[i+1]
		if tv := mapValue(top, k.Value); tv != nil {
			v = mergeNodes(v, tv)
			used[k.Value] = true
		}
		out.Content = append(out.Content, k, v)
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if !used[top.Content[i].Value] {
			out.Content = append(out.Content, top.Content[i], top.Content[i+1])
		}
	}
	return &out
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
