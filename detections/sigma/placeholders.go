package sigma

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/detections/internal/ruleyaml"
)

// maxExpansions bounds the values one expanded rule value may produce.
const maxExpansions = 4096

// PlaceholderError is a problem in a placeholders file.
type PlaceholderError struct {
	File   string
	Line   int
	Reason string
}

func (e *PlaceholderError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// LoadPlaceholders reads the values of the expand modifier's placeholders
// from a YAML file: a map from placeholder name (without the % signs) to a
// value or a list of values. Values use Sigma value syntax (wildcards).
//
//	Administrators: ['Administrator', 'adm-*']
//	userdomain: '%userdomain%'
func LoadPlaceholders(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePlaceholders(data, path)
}

// ParsePlaceholders is LoadPlaceholders on data read from file.
func ParsePlaceholders(data []byte, file string) (map[string][]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &PlaceholderError{File: file, Line: ruleyaml.ErrorLine(err), Reason: ruleyaml.ErrorText(err)}
	}
	out := map[string][]string{}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &PlaceholderError{File: file, Line: root.Line, Reason: "placeholders must be a map of name to values"}
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name := strings.Trim(k.Value, "%")
		if k.Kind != yaml.ScalarNode || name == "" {
			return nil, &PlaceholderError{File: file, Line: k.Line, Reason: "placeholder name must be a non-empty string"}
		}
		if first, dup := lines[name]; dup {
			return nil, &PlaceholderError{File: file, Line: k.Line, Reason: fmt.Sprintf("placeholder %q defined twice (first at line %d)", name, first)}
		}
		lines[name] = k.Line
		vals, err := scalarList(v)
		if err != nil {
			return nil, &PlaceholderError{File: file, Line: err.line, Reason: fmt.Sprintf("placeholder %q: %s", name, err.msg)}
		}
		out[name] = vals
	}
	return out, nil
}

// scalarList reads a string or a non-empty list of strings.
func scalarList(n *yaml.Node) ([]string, *nodeError) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, errAt(n, "no value")
		}
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
				return nil, errAt(c, "values must be strings")
			}
			out = append(out, c.Value)
		}
		if len(out) == 0 {
			return nil, errAt(n, "empty list of values")
		}
		return out, nil
	}
	return nil, errAt(n, "must be a string or a list of strings, not a %s", kindName(n))
}

// expandPlaceholders replaces every %name% of a value with each value of
// the placeholder (several placeholders give every combination). \% is a
// plain percent sign and \\ a plain backslash (so \\%name% is a backslash
// before a placeholder). An unknown placeholder is an error.
func expandPlaceholders(raw string, values map[string][]string) ([]string, error) {
	parts, found, err := splitPlaceholders(raw, values)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("expand is given but %q has no %%placeholder%%", raw)
	}
	out := []string{""}
	for _, choices := range parts {
		if len(out)*len(choices) > maxExpansions {
			return nil, fmt.Errorf("placeholders of %q expand to more than %d values", raw, maxExpansions)
		}
		next := make([]string, 0, len(out)*len(choices))
		for _, o := range out {
			for _, c := range choices {
				next = append(next, o+c)
			}
		}
		out = next
	}
	return out, nil
}

// splitPlaceholders cuts raw into a sequence of choices: plain text (one
// choice) and placeholders (their values). found says whether raw has a
// placeholder.
func splitPlaceholders(raw string, values map[string][]string) (parts [][]string, found bool, err error) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, []string{lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(raw); i++ {
		switch {
		case raw[i] == '\\' && i+1 < len(raw) && raw[i+1] == '%':
			lit.WriteByte('%')
			i++
		case raw[i] == '\\' && i+1 < len(raw) && raw[i+1] == '\\':
			lit.WriteString(`\\`) // an escaped backslash, for the value parser
			i++
		case raw[i] == '%' && strings.IndexByte(raw[i+1:], '%') >= 0:
			end := strings.IndexByte(raw[i+1:], '%')
			name := raw[i+1 : i+1+end]
			vals, ok := lookupPlaceholder(values, name)
			if !ok {
				return nil, false, fmt.Errorf("placeholder %%%s%% has no value (%s); give it in a placeholders file", name, keysOf(values))
			}
			flush()
			parts = append(parts, vals)
			found = true
			i += end + 1
		default:
			lit.WriteByte(raw[i])
		}
	}
	flush()
	return parts, found, nil
}

// lookupPlaceholder finds a placeholder by exact name, then ignoring case.
func lookupPlaceholder(values map[string][]string, name string) ([]string, bool) {
	if v, ok := values[name]; ok {
		return v, true
	}
	for k, v := range values {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
