package sigma

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// topLevelKeys are the attributes of the Sigma rule specification (and
// the SigmaHQ repository's own). Other keys are custom attributes the
// specification allows, unless they look like a typo of one of these.
var topLevelKeys = []string{
	"title", "id", "name", "related", "taxonomy", "status", "description",
	"license", "author", "references", "date", "modified", "logsource",
	"detection", "fields", "falsepositives", "level", "tags", "scope",
	"simulation", "regression_tests_path",
}

var statuses = []string{"stable", "test", "experimental", "deprecated", "unsupported"}

// buildRule reads a rule's attributes, checks its log source and compiles
// its detection.
func buildRule(root *yaml.Node, source string, opts *Options) (*Rule, *LoadError) {
	r := &Rule{Source: source, Line: root.Line}
	fail := func(line int, format string, args ...any) *LoadError {
		return &LoadError{File: source, Line: line, RuleID: r.ID, Reason: fmt.Sprintf(format, args...)}
	}
	if v := mapValue(root, "id"); v != nil && v.Kind == yaml.ScalarNode {
		r.ID = v.Value
	}
	var logsource, det *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, fail(k.Line, "attribute names must be strings")
		}
		var err *nodeError
		switch k.Value {
		case "title":
			r.Title, err = scalar(v, k.Value)
		case "id":
			r.ID, err = scalar(v, k.Value)
		case "status":
			if r.Status, err = scalar(v, k.Value); err == nil && !contains(statuses, r.Status) {
				err = errAt(v, "unknown status %q (want %s)", r.Status, strings.Join(statuses, ", "))
			}
		case "description":
			r.Description, err = scalar(v, k.Value)
		case "author":
			r.Author, err = scalar(v, k.Value)
		case "date":
			r.Date, err = scalar(v, k.Value)
		case "modified":
			r.Modified, err = scalar(v, k.Value)
		case "level":
			var s string
			if s, err = scalar(v, k.Value); err == nil {
				var lerr error
				if r.Level, lerr = ParseLevel(s); lerr != nil {
					err = errAt(v, "%v", lerr)
				}
			}
		case "tags":
			r.Tags, err = stringList(v, k.Value, false)
		case "references":
			r.References, err = stringList(v, k.Value, false)
		case "falsepositives":
			r.FalsePositives, err = stringList(v, k.Value, true)
		case "logsource":
			logsource = v
		case "detection":
			det = v
		case "name", "related", "taxonomy", "license", "fields", "scope", "simulation", "regression_tests_path":
		default:
			if hint := suggest(k.Value, topLevelKeys); hint != "" {
				err = errAt(k, "unknown attribute %q%s", k.Value, hint)
			}
		}
		if err != nil {
			return nil, fail(err.line, "%s", err.msg)
		}
	}
	switch {
	case r.Title == "":
		return nil, fail(root.Line, "missing title")
	case r.ID == "":
		return nil, fail(root.Line, "missing id (evtxhunt needs it to report, allowlist and deduplicate findings)")
	case logsource == nil:
		return nil, fail(root.Line, "missing logsource")
	case det == nil:
		return nil, fail(root.Line, "missing detection")
	}
	if lerr := checkLogsource(logsource); lerr != nil {
		e := fail(lerr.line, "%s", lerr.msg)
		e.Note = lerr.note
		return nil, e
	}
	d, err := compileDetection(det, opts)
	if err != nil {
		return nil, fail(err.line, "%s", err.msg)
	}
	r.det = d
	return r, nil
}

type logsourceError struct {
	nodeError
	note bool
}

// checkLogsource accepts category process_creation for product windows
// (or no product); any other log source is a note, not an error.
func checkLogsource(n *yaml.Node) *logsourceError {
	if n.Kind != yaml.MappingNode {
		return &logsourceError{nodeError: *errAt(n, "logsource must be a map")}
	}
	var category, product string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return &logsourceError{nodeError: *errAt(v, "logsource %s must be a string", k.Value)}
		}
		switch k.Value {
		case "category":
			category = v.Value
		case "product":
			product = v.Value
		}
	}
	if category != "process_creation" {
		what := "no category"
		if category != "" {
			what = "category " + category
		}
		return &logsourceError{nodeError: *errAt(n, "not a process_creation rule (logsource has %s); skipped", what), note: true}
	}
	if product != "" && product != "windows" {
		return &logsourceError{nodeError: *errAt(n, "not a Windows rule (logsource product %s); skipped", product), note: true}
	}
	return nil
}

func scalar(n *yaml.Node, key string) (string, *nodeError) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", errAt(n, "%s must be a string", key)
	}
	return n.Value, nil
}

// stringList reads a list of strings (or, when single is true, also one
// string).
func stringList(n *yaml.Node, key string, single bool) ([]string, *nodeError) {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" && single {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "%s must be a list of strings", key)
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			return nil, errAt(c, "%s must be a list of strings", key)
		}
		out = append(out, c.Value)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
