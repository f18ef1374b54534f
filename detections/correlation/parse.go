package correlation

import (
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// topLevelKeys are the attributes of a correlation rule in the
// specification (and those every Sigma document may carry). Other keys
// are custom attributes, accepted unless they look like a typo of these.
var topLevelKeys = []string{
	"title", "id", "name", "status", "description", "author", "references",
	"date", "modified", "falsepositives", "level", "tags", "correlation",
	"generate", "taxonomy", "license", "related", "scope", "fields",
}

var statuses = []string{"stable", "test", "experimental", "deprecated", "unsupported"}

// maxTitle is the longest title the specification allows.
const maxTitle = 256

// Parse reads one correlation rule from its YAML document (a map with a
// correlation key, see IsCorrelation), validating every attribute. file
// names the rule's source in the rule and in errors. It returns the rule
// or every problem found in it, in line order.
func Parse(file string, doc *yaml.Node) (*Rule, []*Error) {
	if doc == nil || doc.Kind != yaml.MappingNode {
		line := 0
		if doc != nil {
			line = doc.Line
		}
		return nil, []*Error{{File: file, Line: line, Reason: "a correlation rule must be a YAML map"}}
	}
	r := &Rule{Source: file, Line: doc.Line, Level: Levels[0]}
	if v := mapValue(doc, "id"); v != nil && v.Kind == yaml.ScalarNode {
		r.ID = v.Value
	}
	var errs []*Error
	fail := func(e *nodeError) {
		errs = append(errs, &Error{File: file, Line: e.line, RuleID: r.ID, Reason: e.msg})
	}
	section, generate := readAttributes(r, doc, fail)
	for _, a := range []struct{ key, value, why string }{
		{"title", r.Title, ""},
		{"id", r.ID, " (evtxhunt needs it to report, allowlist and deduplicate findings)"},
	} {
		switch v := mapValue(doc, a.key); {
		case v == nil:
			fail(&nodeError{doc.Line, "missing " + a.key + a.why})
		case a.value == "" && v.Kind == yaml.ScalarNode && !isNull(v):
			fail(errAt(v, "%s is empty%s", a.key, a.why))
		}
	}
	if len(r.Title) > maxTitle {
		fail(errAt(mapValue(doc, "title"), "title is longer than %d characters", maxTitle))
	}
	switch v := mapValue(doc, "correlation"); {
	case v == nil:
		fail(&nodeError{doc.Line, "missing correlation"})
	case section != nil:
		readSection(r, section, generate, fail)
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return nil, errs
	}
	return r, nil
}

// readAttributes reads the rule's top-level attributes into r, reporting
// each bad one through fail, and returns the correlation section and the
// top-level generate node (nil when absent).
func readAttributes(r *Rule, doc *yaml.Node, fail func(*nodeError)) (section, generate *yaml.Node) {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			fail(errAt(k, "attribute names must be strings"))
			continue
		}
		var err *nodeError
		switch k.Value {
		case "title":
			r.Title, err = scalar(v, k.Value)
		case "id":
			r.ID, err = scalar(v, k.Value)
		case "name":
			if r.Name, err = scalar(v, k.Value); err == nil && r.Name == "" {
				err = errAt(v, "name is empty")
			}
		case "status":
			if r.Status, err = scalar(v, k.Value); err == nil && !slices.Contains(statuses, r.Status) {
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
				if i := slices.Index(Levels, strings.ToLower(s)); i >= 0 {
					r.Level = Levels[i]
				} else {
					err = errAt(v, "unknown level %q (want %s)", s, strings.Join(Levels, ", "))
				}
			}
		case "tags":
			r.Tags, err = stringList(v, k.Value, false)
		case "references":
			r.References, err = stringList(v, k.Value, false)
		case "falsepositives":
			r.FalsePositives, err = stringList(v, k.Value, true)
		case "correlation":
			if v.Kind != yaml.MappingNode {
				err = errAt(v, "correlation must be a map (type, rules, group-by, timespan, condition, aliases)")
			} else {
				section = v
			}
		case "generate":
			generate = v
		case "type", "rules", "group-by", "timespan", "condition", "aliases":
			err = errAt(k, "%s belongs in the correlation section", k.Value)
		case "logsource", "detection":
			err = errAt(k, "a correlation rule has no %s: put the rule it refers to in a document of its own (--- between documents)", k.Value)
		case "taxonomy", "license", "related", "scope", "fields":
		default:
			if hint := suggest(k.Value, topLevelKeys); hint != "" {
				err = errAt(k, "unknown attribute %q%s", k.Value, hint)
			}
		}
		if err != nil {
			fail(err)
		}
	}
	return section, generate
}

// readBool reads a YAML boolean.
func readBool(n *yaml.Node, key string) (bool, *nodeError) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, errAt(n, "%s must be true or false", key)
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		return false, errAt(n, "%s must be true or false", key)
	}
	return b, nil
}
