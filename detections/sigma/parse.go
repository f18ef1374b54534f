package sigma

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/internal/ruleyaml"
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
		return nil, nil, []*LoadError{{File: source, Line: ruleyaml.ErrorLine(err), Reason: ruleyaml.ErrorText(err)}}
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

// maxYAMLDepth bounds the nesting of a rule document.
const maxYAMLDepth = 64

// decodeDocuments reads the YAML documents of a rule file strictly.
func decodeDocuments(data []byte) ([]*yaml.Node, error) { return ruleyaml.Decode(data, maxYAMLDepth) }

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
