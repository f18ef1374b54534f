package ruleyaml

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The scalars and flow sequences of the fast path (fast.go).

// doubleQuoted reads a one-line double-quoted scalar at the start of text
// and returns it with what follows it.
func doubleQuoted(text string, line, col int) (*yaml.Node, string) {
	var b strings.Builder
	for i := 1; i < len(text); i++ {
		c := text[i]
		switch c {
		case '"':
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle,
				Value: b.String(), Line: line, Column: col}, text[i+1:]
		case '\\':
			if i+1 == len(text) {
				giveUp()
			}
			i++
			if e, ok := simpleEscapes[text[i]]; ok {
				b.WriteString(e)
				continue
			}
			b.WriteRune(hexEscape(text, i))
			i += escapeWidth[text[i]]
		default:
			b.WriteByte(c)
		}
	}
	giveUp() // no closing quote on the line
	return nil, ""
}

// simpleEscapes are the one-character escapes the fast path reads (the
// YAML decoder knows no "\/").
var simpleEscapes = map[byte]string{
	'\\': "\\", '"': "\"", ' ': " ", 'n': "\n", 't': "\t", 'r': "\r",
	'0': "\x00", 'a': "\a", 'b': "\b", 'e': "\x1b", 'f': "\f", 'v': "\v",
}

// escapeWidth is the number of hex digits after \x, \u and \U.
var escapeWidth = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// hexEscape reads the hex digits of the escape whose letter is text[i];
// it gives up on other escapes and on characters that are not printable.
func hexEscape(text string, i int) rune {
	width := escapeWidth[text[i]]
	if width == 0 || i+width >= len(text) {
		giveUp()
	}
	r := rune(0)
	for _, h := range text[i+1 : i+1+width] {
		d := strings.IndexRune("0123456789abcdef", h|0x20)
		if d < 0 || h == ' ' {
			giveUp()
		}
		r = r<<4 | rune(d)
	}
	if r >= 0xd800 && r <= 0xdfff || r > utf8.MaxRune || r < 0x20 || r >= 0x7f && r < 0xa0 {
		giveUp()
	}
	return r
}

// singleQuoted reads a one-line single-quoted scalar at the start of text
// and returns it with what follows it.
func singleQuoted(text string, line, col int) (*yaml.Node, string) {
	var b strings.Builder
	for i := 1; i < len(text); i++ {
		if text[i] != '\'' {
			b.WriteByte(text[i])
			continue
		}
		if i+1 < len(text) && text[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.SingleQuotedStyle,
			Value: b.String(), Line: line, Column: col}, text[i+1:]
	}
	giveUp()
	return nil, ""
}

// flowSequence reads a one-line flow sequence of scalars at the start of
// text and returns it with what follows it.
func flowSequence(text string, line, col int) (*yaml.Node, string) {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: line, Column: col}
	i := 1
	skip := func() {
		for i < len(text) && text[i] == ' ' {
			i++
		}
	}
	skip()
	if i < len(text) && text[i] == ']' {
		return s, text[i+1:]
	}
	for {
		skip()
		if i == len(text) {
			giveUp()
		}
		at := col + utf8.RuneCountInString(text[:i])
		var item *yaml.Node
		var rest string
		switch text[i] {
		case '"':
			item, rest = doubleQuoted(text[i:], line, at)
		case '\'':
			item, rest = singleQuoted(text[i:], line, at)
		default:
			end := strings.IndexAny(text[i:], ",]")
			if end < 0 {
				giveUp()
			}
			v := strings.TrimRight(text[i:i+end], " ")
			// Flow plain scalars end at more indicators than block ones.
			if !plainStart(v) || strings.ContainsAny(v, "[]{}#:,?\"'") {
				giveUp()
			}
			item, rest = plainNode(v, line, at), text[i+end:]
		}
		s.Content = append(s.Content, item)
		i = len(text) - len(rest)
		skip()
		if i == len(text) {
			giveUp()
		}
		switch text[i] {
		case ']':
			return s, text[i+1:]
		case ',':
			i++
			skip()
			if i < len(text) && text[i] == ']' {
				giveUp() // a trailing comma
			}
		default:
			giveUp()
		}
	}
}

// blockScalar reads a literal (|) or folded (>) scalar whose header is
// text, in a mapping indented by indent; its content starts on the
// parser's current line.
func (p *fastParser) blockScalar(text string, line, col, indent int) *yaml.Node {
	style := yaml.LiteralStyle
	if text[0] == '>' {
		style = yaml.FoldedStyle
	}
	header := text[1:]
	chomp := byte(0)
	if header != "" && (header[0] == '-' || header[0] == '+') {
		chomp, header = header[0], header[1:]
	}
	if h := strings.TrimLeft(header, " "); h != "" && (h[0] != '#' || len(h) == len(header)) {
		giveUp() // an indentation indicator, or anything else
	}
	content := p.blockLines(indent)
	last := len(content) - 1
	for last >= 0 && content[last] == "" {
		last--
	}
	if last < 0 {
		giveUp()
	}
	trailing := len(content) - 1 - last
	body := content[:last+1]
	var v string
	if style == yaml.LiteralStyle {
		v = strings.Join(body, "\n")
	} else {
		v = fold(body)
	}
	switch chomp {
	case 0:
		v += "\n"
	case '+':
		v += strings.Repeat("\n", 1+trailing)
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: v, Line: line, Column: col}
}

// blockLines returns the lines of a block scalar in a mapping indented by
// indent, without their indentation, that of the first line holding more
// than spaces; blank lines are "".
func (p *fastParser) blockLines(indent int) []string {
	block := -1
	for j := p.i; j < len(p.lines) && block < 0; j++ {
		if strings.TrimLeft(p.lines[j].raw, " ") != "" {
			block = p.lines[j].indent
		}
	}
	if block <= indent {
		giveUp()
	}
	var content []string
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		if strings.TrimLeft(l.raw, " ") == "" {
			if len(l.raw) > block {
				giveUp() // spaces past the indentation are content
			}
			content = append(content, "")
			continue
		}
		if l.indent < block {
			break
		}
		content = append(content, l.raw[block:])
	}
	return content
}

// fold joins the lines of a folded scalar: a line break between two lines
// becomes a space, and each empty line between them a line break. Lines
// indented further (kept as they are in YAML) are not the fast path's.
func fold(lines []string) string {
	var b strings.Builder
	blanks := 0
	for i, l := range lines {
		if l == "" {
			blanks++
			continue
		}
		if l[0] == ' ' {
			giveUp()
		}
		if i > 0 {
			if blanks == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteString(strings.Repeat("\n", blanks))
			}
		}
		blanks = 0
		b.WriteString(l)
	}
	return b.String()
}
