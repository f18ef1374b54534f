package sigma

import (
	"fmt"
	"sort"
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
// its detection. It returns the rule, or every problem found in it (a
// rule for another log source gives only a note).
func buildRule(root *yaml.Node, source string, opts *Options) (*Rule, []*LoadError) {
	r := &Rule{Source: source, Line: root.Line}
	var errs []*LoadError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &LoadError{File: source, Line: line, RuleID: r.ID, Reason: fmt.Sprintf(format, args...)})
	}
	if v := mapValue(root, "id"); v != nil && v.Kind == yaml.ScalarNode {
		r.ID = v.Value
	}
	logsource, det := readAttributes(r, root, fail)
	for _, a := range []struct{ key, value, why string }{
		{"title", r.Title, ""},
		{"id", r.ID, " (evtxhunt needs it to report, allowlist and deduplicate findings)"},
	} {
		switch v := mapValue(root, a.key); {
		case v == nil:
			fail(root.Line, "missing %s%s", a.key, a.why)
		case a.value == "" && v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			fail(v.Line, "%s is empty%s", a.key, a.why)
		}
	}
	if logsource == nil {
		fail(root.Line, "missing logsource")
	} else if lerr := checkLogsource(logsource); lerr != nil {
		if lerr.note {
			return nil, []*LoadError{{File: source, Line: lerr.line, RuleID: r.ID, Reason: lerr.msg, Note: true}}
		}
		fail(lerr.line, "%s", lerr.msg)
	}
	if det == nil {
		fail(root.Line, "missing detection")
	} else {
		d, derrs := compileDetection(det, opts)
		for _, e := range derrs {
			fail(e.line, "%s", e.msg)
		}
		r.det = d
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return nil, errs
	}
	return r, nil
}

// readAttributes reads the rule's attributes into r, reporting each bad
// one through fail, and returns the logsource and detection nodes.
func readAttributes(r *Rule, root *yaml.Node, fail func(int, string, ...any)) (logsource, det *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			fail(k.Line, "attribute names must be strings")
			continue
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
			fail(err.line, "%s", err.msg)
		}
	}
	return logsource, det
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
