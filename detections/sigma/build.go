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

// buildRule reads a rule's attributes, resolves its log source and
// compiles its detection. It returns the rule, or every problem found in
// it (a rule skipped on purpose gives only a note, see SkipReason).
func buildRule(root *yaml.Node, source string, opts *Options) (*Rule, []*LoadError) {
	r := &Rule{Source: source, Line: root.Line}
	var errs []*LoadError
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &LoadError{File: source, Line: line, RuleID: r.ID, Reason: fmt.Sprintf(format, args...)})
	}
	if v := mapValue(root, "id"); v != nil && v.Kind == yaml.ScalarNode {
		r.ID = v.Value
	}
	if skip := skippedDocument(root); skip != nil {
		skip.File, skip.RuleID = source, r.ID
		return nil, []*LoadError{skip}
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
	var srcs []eventSource
	if logsource == nil {
		fail(root.Line, "missing logsource")
	} else if ls, lerr := readLogsource(logsource); lerr != nil {
		fail(lerr.line, "%s", lerr.msg)
	} else {
		var skip SkipReason
		var msg string
		if srcs, skip, msg = resolveLogSource(ls); skip != NotSkipped {
			return nil, []*LoadError{{File: source, Line: logsource.Line, RuleID: r.ID, Reason: msg, Note: true, Skip: skip}}
		}
		r.ls, r.procCreation = ls, strings.EqualFold(ls.Category, "process_creation")
	}
	if det == nil {
		fail(root.Line, "missing detection")
	} else if line, ok := aggregation(det); ok {
		return nil, []*LoadError{{File: source, Line: line, RuleID: r.ID, Note: true, Skip: SkipAggregation,
			Reason: "aggregation or timeframe: evtxhunt matches single events, not counts or correlations over time; skipped"}}
	} else {
		d, derrs := compileDetection(det, &compileCtx{opts: opts, general: logsource != nil && !r.procCreation})
		for _, e := range derrs {
			fail(e.line, "%s", e.msg)
		}
		r.det = d
	}
	if r.det != nil && srcs != nil && !r.procCreation {
		if r.binds = bindSources(srcs, r.det.eventIDs()); len(r.binds) == 0 {
			fail(logsource.Line, "the condition's EventID values are never logged by log source %s", r.ls)
		}
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
		case "name":
			r.Name, err = scalar(v, k.Value)
		case "related", "taxonomy", "license", "fields", "scope", "simulation", "regression_tests_path":
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

// readLogsource reads the logsource map; keys other than product,
// category and service (definition, ...) are documentation.
func readLogsource(n *yaml.Node) (LogSource, *nodeError) {
	var ls LogSource
	if n.Kind != yaml.MappingNode {
		return ls, errAt(n, "logsource must be a map")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return ls, errAt(v, "logsource %s must be a string", k.Value)
		}
		switch k.Value {
		case "category":
			ls.Category = v.Value
		case "product":
			ls.Product = v.Value
		case "service":
			ls.Service = v.Value
		}
	}
	return ls, nil
}

// skippedDocument returns the note for a document that is not a
// detection rule: a Sigma filter. (Correlation documents never get here:
// ParseFile hands them to package correlation.)
func skippedDocument(root *yaml.Node) *LoadError {
	if v := mapValue(root, "filter"); v != nil && mapValue(root, "detection") == nil {
		return &LoadError{Line: root.Line, Note: true, Skip: SkipFilter,
			Reason: "Sigma filter document (filter:), not a rule; evtxhunt has its own allowlist; skipped"}
	}
	return nil
}

// aggregation finds what makes a detection count or correlate events: a
// timeframe, or a condition with a pipe (| count() ...), and its line.
func aggregation(det *yaml.Node) (int, bool) {
	if det.Kind != yaml.MappingNode {
		return 0, false
	}
	for i := 0; i+1 < len(det.Content); i += 2 {
		k, v := det.Content[i], det.Content[i+1]
		switch k.Value {
		case "timeframe":
			return k.Line, true
		case "condition":
			conds := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				conds = v.Content
			}
			for _, c := range conds {
				if c.Kind == yaml.ScalarNode && strings.Contains(c.Value, "|") {
					return c.Line, true
				}
			}
		}
	}
	return 0, false
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
