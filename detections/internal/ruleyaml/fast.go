package ruleyaml

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The fast path. Rule files use a small part of YAML: block mappings and
// sequences, one-line plain and quoted scalars, one-line flow sequences
// and literal or folded block scalars. decodeFast reads exactly that part
// into the nodes the YAML decoder would give (kind, style, tag, value,
// line and column; comments are left out, as rules never read them), and
// gives up on anything else, which the YAML decoder then reads: anchors,
// tags, flow mappings, multi-line plain or quoted scalars, empty values,
// tabs, carriage returns, unusual characters. Giving up is always safe;
// the tests hold the fast path to the decoder's output on every rule file
// at hand and under fuzzing. It reads rules about ten times faster, which
// matters for the thousands of a SigmaHQ checkout.

// fastParser reads the lines of one file.
type fastParser struct {
	lines    []fastLine
	i        int // the next line
	maxDepth int
}

type fastLine struct {
	raw    string // without its line break
	indent int    // leading spaces
	text   string // raw[indent:]
	blank  bool   // only spaces, or a comment
}

// decodeFast returns the documents of data, or false where the fast path
// does not apply.
func decodeFast(data []byte, maxDepth int) (docs []*yaml.Node, ok bool) {
	if !plainText(data) || !bytes.HasSuffix(data, []byte("\n")) {
		return nil, false
	}
	p := &fastParser{maxDepth: maxDepth}
	p.lines = make([]fastLine, 0, bytes.Count(data, []byte("\n")))
	for line := range strings.SplitSeq(string(data[:len(data)-1]), "\n") {
		p.lines = append(p.lines, splitLine(line))
	}
	defer func() {
		if r := recover(); r != nil {
			if _, fell := r.(fallback); !fell {
				panic(r)
			}
			docs, ok = nil, false
		}
	}()
	for {
		p.skipBlank()
		if p.i >= len(p.lines) {
			return docs, true
		}
		if p.lines[p.i].raw == "---" {
			p.i++
			p.emptyDocument()
			continue
		}
		docs = append(docs, p.node(-1, 0))
		p.skipBlank()
		if p.i < len(p.lines) && p.lines[p.i].raw != "---" {
			panic(fallback{})
		}
	}
}

// emptyDocument gives up on an explicit document (after "---") that holds
// nothing but blank lines and comments, which the decoder reads as a null
// node.
func (p *fastParser) emptyDocument() {
	for j := p.i; j < len(p.lines) && p.lines[j].raw != "---"; j++ {
		if !p.lines[j].blank {
			return
		}
	}
	giveUp()
}

// fallback is the panic by which the parser gives up.
type fallback struct{}

func giveUp() { panic(fallback{}) }

// plainText reports whether data is valid UTF-8 without a byte order mark,
// carriage returns, tabs, control characters, C1 controls or the Unicode
// line and paragraph separators, and without directives or document end
// markers.
func plainText(data []byte) bool {
	if !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return false
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c < 0x20 && c != '\n', c == 0x7f:
			return false
		case c >= 0x80:
			r, size := utf8.DecodeRune(data[i:])
			if r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r >= 0xfffe && r <= 0xffff {
				return false
			}
			i += size - 1
		}
	}
	return !bytes.Contains(data, []byte("\n%")) && !bytes.HasPrefix(data, []byte("%")) &&
		!bytes.Contains(data, []byte("\n...")) && !bytes.HasPrefix(data, []byte("..."))
}

func splitLine(raw string) fastLine {
	l := fastLine{raw: raw}
	for l.indent < len(raw) && raw[l.indent] == ' ' {
		l.indent++
	}
	l.text = raw[l.indent:]
	l.blank = l.text == "" || l.text[0] == '#'
	return l
}

// skipBlank moves past blank and comment lines.
func (p *fastParser) skipBlank() {
	for p.i < len(p.lines) && p.lines[p.i].blank {
		p.i++
	}
}

// next returns the next line that is not blank, or nil at the end of the
// file or of the document.
func (p *fastParser) next() *fastLine {
	p.skipBlank()
	if p.i >= len(p.lines) || p.lines[p.i].raw == "---" || strings.HasPrefix(p.lines[p.i].raw, "--- ") {
		return nil
	}
	return &p.lines[p.i]
}

// node reads the block node starting on the next line, which is indented
// more than parent (the indentation of the enclosing collection).
func (p *fastParser) node(parent, depth int) *yaml.Node {
	if depth > p.maxDepth {
		giveUp()
	}
	l := p.next()
	if l == nil || l.indent <= parent {
		giveUp()
	}
	if isEntry(l.text) {
		return p.sequence(l.indent, depth)
	}
	if _, _, isKey := splitKey(l.text); isKey {
		return p.mapping(l.indent, depth)
	}
	giveUp()
	return nil
}

// isEntry reports whether text starts a sequence entry ("-" alone or
// followed by a space).
func isEntry(text string) bool {
	return text == "-" || strings.HasPrefix(text, "- ")
}

// splitKey splits "key: value" (or "key:") at its mapping colon; the key
// must be a plain scalar.
func splitKey(text string) (key, rest string, ok bool) {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ':':
			if i+1 == len(text) || text[i+1] == ' ' {
				key = text[:i]
				// YAML bounds an implicit key's length (1,024 characters).
				if !plainStart(key) || strings.Contains(key, " #") || strings.HasSuffix(key, " ") || len(key) > 1000 {
					return "", "", false
				}
				return key, text[i+1:], true
			}
		case '#':
			if i > 0 && text[i-1] == ' ' {
				return "", "", false
			}
		}
	}
	return "", "", false
}

// plainStart reports whether s may be (the start of) a plain scalar the
// fast path reads: not empty, and not starting with an indicator.
func plainStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-':
		return len(s) > 1 && s[1] != ' '
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// mapping reads a block mapping whose keys are indented by indent.
func (p *fastParser) mapping(indent, depth int) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for {
		l := p.next()
		if l == nil || l.indent < indent {
			return m
		}
		if l.indent > indent || isEntry(l.text) {
			giveUp()
		}
		key, rest, ok := splitKey(l.text)
		if !ok {
			giveUp()
		}
		if len(m.Content) == 0 {
			m.Line, m.Column = p.i+1, l.indent+1
		}
		k := plainNode(key, p.i+1, l.indent+1)
		m.Content = append(m.Content, k, p.value(l, len(l.raw)-len(rest), indent, depth+1, true))
	}
}

// sequence reads a block sequence whose entries are indented by indent.
func (p *fastParser) sequence(indent, depth int) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for {
		l := p.next()
		if l == nil || l.indent < indent || l.indent == indent && !isEntry(l.text) {
			return s
		}
		if l.indent > indent {
			giveUp()
		}
		if len(s.Content) == 0 {
			s.Line, s.Column = p.i+1, l.indent+1
		}
		s.Content = append(s.Content, p.entry(l, indent, depth+1))
	}
}

// entry reads one sequence entry from line l, which starts with "-".
func (p *fastParser) entry(l *fastLine, indent, depth int) *yaml.Node {
	at := indent + 1
	for at < len(l.raw) && l.raw[at] == ' ' {
		at++
	}
	item := l.raw[at:]
	if item == "" || item[0] == '#' {
		p.i++
		return p.node(indent, depth)
	}
	if _, _, isKey := splitKey(item); isKey {
		// "- key: value": a mapping indented to the key's column; read its
		// first line as if it stood there alone.
		*l = splitLine(strings.Repeat(" ", at) + item)
		return p.mapping(at, depth)
	}
	if isEntry(item) || item[0] == '|' || item[0] == '>' {
		giveUp()
	}
	return p.value(l, at, indent, depth, false)
}

// value reads the value that starts at byte from of line l (after a key's
// colon, or a sequence entry's dash), in a collection indented by indent.
func (p *fastParser) value(l *fastLine, from, indent, depth int, afterKey bool) *yaml.Node {
	line := p.i + 1
	for from < len(l.raw) && l.raw[from] == ' ' {
		from++
	}
	text := l.raw[from:]
	col := utf8.RuneCountInString(l.raw[:from]) + 1
	p.i++
	if text == "" || text[0] == '#' {
		if !afterKey {
			giveUp()
		}
		// A nested collection, or a sequence at the key's own indentation.
		if n := p.next(); n != nil && n.indent == indent && isEntry(n.text) {
			return p.sequence(indent, depth)
		}
		return p.node(indent, depth)
	}
	var n *yaml.Node
	var rest string
	switch text[0] {
	case '"':
		n, rest = doubleQuoted(text, line, col)
	case '\'':
		n, rest = singleQuoted(text, line, col)
	case '[':
		n, rest = flowSequence(text, line, col)
	case '|', '>':
		if !afterKey {
			giveUp()
		}
		return p.blockScalar(text, line, col, indent)
	default:
		if !plainStart(text) {
			giveUp()
		}
		v, comment := text, false
		if i := strings.Index(v, " #"); i >= 0 {
			v, comment = v[:i], true
		}
		v = strings.TrimRight(v, " ")
		if strings.Contains(v, ": ") || strings.HasSuffix(v, ":") {
			giveUp()
		}
		if !comment { // a comment ends the scalar
			v = p.continuePlain(v, indent)
		}
		n = plainNode(v, line, col)
	}
	if rest = strings.TrimLeft(rest, " "); rest != "" && rest[0] != '#' {
		giveUp()
	}
	// A more indented line after a one-line value continues it (a
	// multi-line scalar) or is an error: either way, not the fast path's.
	if next := p.next(); next != nil && next.indent > indent {
		giveUp()
	}
	return n
}

// continuePlain adds to the plain scalar v the lines that continue it:
// the lines right after it indented more than indent, each joined with a
// space. A blank or comment line, or a comment, ends it.
func (p *fastParser) continuePlain(first string, indent int) string {
	if p.i >= len(p.lines) || p.lines[p.i].blank || p.lines[p.i].indent <= indent {
		return first
	}
	var v strings.Builder
	v.WriteString(first)
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		if l.blank || l.indent <= indent {
			return v.String()
		}
		text, comment := l.text, false
		if i := strings.Index(text, " #"); i >= 0 {
			text, comment = text[:i], true // a comment ends the scalar
		}
		text = strings.TrimRight(text, " ")
		if !plainStart(text) || strings.Contains(text, ": ") || strings.HasSuffix(text, ":") {
			giveUp()
		}
		v.WriteByte(' ')
		v.WriteString(text)
		if comment {
			p.i++
			return v.String()
		}
	}
	return v.String()
}

// plainNode is a plain scalar, tagged as the YAML decoder resolves it. A
// scalar whose first character cannot start a null, boolean, number,
// timestamp or merge key is a string without asking.
func plainNode(v string, line, col int) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: line, Column: col}
	if v == "" || strings.IndexByte(maybeTyped, v[0]) >= 0 {
		n.Tag = ""
		n.Tag = n.ShortTag()
		if v == "<<" {
			n.Tag = "!!merge"
		}
	}
	return n
}

// maybeTyped holds the first characters of the plain scalars the YAML
// decoder may resolve to something other than a string.
const maybeTyped = "+-.0123456789<yYnNtTfFoO~"
