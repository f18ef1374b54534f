package sigma

import (
	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/internal/ruleyaml"
)

// Selection is a compiled selection outside a rule: a map of field
// conditions in Sigma value syntax (AND), or a list of such maps (OR). The
// allowlist uses it for its "where" conditions.
type Selection struct{ sel *selection }

// Match reports whether the event satisfies the selection.
func (s *Selection) Match(p *event.Process) bool { return s.sel.match(record{p: p}) }

// MatchEvent reports whether the general event e satisfies the selection:
// fields resolve by name against e (payload item first, then System value).
func (s *Selection) MatchEvent(e *event.Event) bool { return s.sel.match(record{e: e}) }

// CompileSelection compiles a YAML map (or list of maps) of field
// conditions, with the same fields, modifiers and checks as a rule's
// detection. The error names file and the offending line.
func CompileSelection(n *yaml.Node, file string, opts Options) (*Selection, *LoadError) {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return nil, &LoadError{File: file, Line: n.Line, Reason: "conditions must be a map of fields, or a list of such maps"}
	}
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			if c.Kind != yaml.MappingNode {
				return nil, &LoadError{File: file, Line: c.Line, Reason: "conditions must be a map of fields, or a list of such maps"}
			}
		}
	}
	sel, errs := compileSelection("where", n, &compileCtx{opts: &opts})
	if len(errs) > 0 {
		return nil, &LoadError{File: file, Line: errs[0].line, Reason: errs[0].msg}
	}
	return &Selection{sel: sel}, nil
}

// DecodeYAML decodes every document of data with the checks rule files
// get (no duplicate keys, aliases or merge keys). The error names file and
// line.
func DecodeYAML(data []byte, file string) ([]*yaml.Node, *LoadError) {
	docs, err := decodeDocuments(data)
	if err != nil {
		return nil, &LoadError{File: file, Line: ruleyaml.ErrorLine(err), Reason: ruleyaml.ErrorText(err)}
	}
	return docs, nil
}

// Suggest returns ` (did you mean "x"?)` when name is a near miss of one
// of known, or "".
func Suggest(name string, known []string) string { return suggest(name, known) }
