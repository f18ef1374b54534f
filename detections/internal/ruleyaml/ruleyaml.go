package ruleyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decode reads every YAML document of data (empty documents skipped) and
// checks each for duplicate keys, aliases, merge keys and nesting deeper
// than maxDepth.
func Decode(data []byte, maxDepth int) ([]*yaml.Node, error) {
	if docs, ok := decodeFast(data, maxDepth); ok {
		for _, d := range docs {
			if err := checkNode(d, 0, maxDepth); err != nil {
				return nil, err
			}
		}
		return docs, nil
	}
	return decodeSlow(data, maxDepth)
}

// decodeSlow reads data with the YAML decoder.
func decodeSlow(data []byte, maxDepth int) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	err := eachDocument(data, func(n *yaml.Node) error {
		if err := checkNode(n, 0, maxDepth); err != nil {
			return err
		}
		docs = append(docs, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// eachDocument gives fn, in order, the root node of every non-empty
// document the YAML decoder reads from data, stopping at the first error.
func eachDocument(data []byte, fn func(*yaml.Node) error) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(doc.Content) == 0 {
			continue
		}
		if err := fn(doc.Content[0]); err != nil {
			return err
		}
	}
}

// structureError is a structural YAML problem found after decoding.
type structureError struct {
	line int
	msg  string
}

func (e *structureError) Error() string { return fmt.Sprintf("yaml: line %d: %s", e.line, e.msg) }

func checkNode(n *yaml.Node, depth, maxDepth int) error {
	if depth > maxDepth {
		return &structureError{n.Line, "nested too deeply"}
	}
	switch n.Kind {
	case yaml.AliasNode:
		return &structureError{n.Line, "YAML aliases (*name) are not supported in rules"}
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			if k.Tag == "!!merge" || k.Value == "<<" && k.Style == 0 {
				return &structureError{k.Line, "YAML merge keys (<<) are not supported in rules"}
			}
			if first, dup := seen[k.Value]; dup {
				return &structureError{k.Line, fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, first)}
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if err := checkNode(c, depth+1, maxDepth); err != nil {
			return err
		}
	}
	return nil
}

var lineRE = regexp.MustCompile(`line (\d+)`)

// ErrorLine returns the line a decoding error names, or 0.
func ErrorLine(err error) int {
	var se *structureError
	if errors.As(err, &se) {
		return se.line
	}
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// ErrorText returns a decoding error's message without the "yaml: line
// N:" prefix the error's location already gives.
func ErrorText(err error) string {
	var se *structureError
	if errors.As(err, &se) {
		return se.msg
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if loc := lineRE.FindStringIndex(msg); loc != nil && loc[0] == 0 {
		msg = strings.TrimLeft(msg[loc[1]:], ": ")
	}
	return "invalid YAML: " + msg
}
