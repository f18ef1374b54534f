package correlation

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/detections/internal/ruleyaml"
)

// IsCorrelation reports whether a YAML document is a correlation rule: a
// map with a top-level correlation key.
func IsCorrelation(doc *yaml.Node) bool {
	return doc != nil && doc.Kind == yaml.MappingNode && mapValue(doc, "correlation") != nil
}

// ParseFile parses the correlation rules of one rule file, all its YAML
// documents; the other documents (base rules, filters) are left to the
// Sigma loader. Collection actions (action: global) are not applied here:
// a loader that applies them passes the merged documents to Parse
// instead. source names the file in rules and errors.
func ParseFile(data []byte, source string) ([]*Rule, []*Error) {
	docs, err := decodeDocuments(data)
	if err != nil {
		return nil, []*Error{{File: source, Line: ruleyaml.ErrorLine(err), Reason: ruleyaml.ErrorText(err)}}
	}
	var rules []*Rule
	var errs []*Error
	for _, doc := range docs {
		if !IsCorrelation(doc) {
			continue
		}
		r, rerrs := Parse(source, doc)
		if len(rerrs) > 0 {
			errs = append(errs, rerrs...)
			continue
		}
		rules = append(rules, r)
	}
	return rules, errs
}

// maxDepth bounds the nesting of a rule document; correlation rules need
// four levels.
const maxDepth = 32

// decodeDocuments reads the YAML documents of a rule file strictly.
func decodeDocuments(data []byte) ([]*yaml.Node, error) { return ruleyaml.Decode(data, maxDepth) }

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// nodeError is a problem at one node of a document.
type nodeError struct {
	line int
	msg  string
}

func errAt(n *yaml.Node, format string, args ...any) *nodeError {
	return &nodeError{n.Line, fmt.Sprintf(format, args...)}
}

// isNull reports whether a node is a YAML null (~, null or nothing).
func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// scalar reads a string attribute.
func scalar(n *yaml.Node, key string) (string, *nodeError) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return "", errAt(n, "%s must be a string", key)
	}
	return n.Value, nil
}

// stringList reads a list of strings (or, when single is true, also one
// string).
func stringList(n *yaml.Node, key string, single bool) ([]string, *nodeError) {
	if single && n.Kind == yaml.ScalarNode && !isNull(n) {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "%s must be a list of strings", key)
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || isNull(c) {
			return nil, errAt(c, "%s must be a list of strings", key)
		}
		out = append(out, c.Value)
	}
	return out, nil
}

// suggest returns ` (did you mean "x"?)` when name is a near miss of one
// of the known names (a case difference or up to two edits; the closest
// wins), else "".
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		d := 0
		if !strings.EqualFold(name, k) {
			if len(name) <= 3 {
				continue
			}
			d = editDistance(strings.ToLower(name), k, 2)
		}
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b, or limit+1 as soon
// as it exceeds limit (names are short; longer ones are cut off early).
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
