package velociraptor

import (
	"fmt"
	"strings"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokName
	tokString
	tokNumber
	tokPunct
	tokSubquery
)

type token struct {
	kind tokKind
	text string // a string's value, unquoted; a subquery's inside
	pos  int
}

// maxDepth bounds the nesting of brackets and calls the parser follows.
const maxDepth = 64

// parser reads VQL expressions: literals, names with members, [lists],
// {subqueries}, calls with named arguments, and + between terms.
type parser struct {
	src   string
	pos   int
	depth int
	peek  *token
}

func newParser(src string) *parser { return &parser{src: src} }

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *parser) next() token {
	if p.peek != nil {
		t := *p.peek
		p.peek = nil
		return t
	}
	return p.lex()
}

func (p *parser) unread(t token) { p.peek = &t }

// lex reads one token, skipping blanks and "--" comments.
func (p *parser) lex() token {
	for p.pos < len(p.src) {
		switch {
		case strings.HasPrefix(p.src[p.pos:], "--"):
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case strings.ContainsRune(" \t\r\n", rune(p.src[p.pos])):
			p.pos++
		default:
			return p.lexToken()
		}
	}
	return token{kind: tokEOF, pos: p.pos}
}

func (p *parser) lexToken() token {
	start, c := p.pos, p.src[p.pos]
	switch {
	case strings.HasPrefix(p.src[p.pos:], "'''"):
		end := strings.Index(p.src[p.pos+3:], "'''")
		if end < 0 {
			return token{kind: tokPunct, text: "unterminated '''", pos: start}
		}
		p.pos += 3 + end + 3
		return token{kind: tokString, text: p.src[start+3 : start+3+end], pos: start}
	case c == '"' || c == '\'':
		return p.lexQuoted(c)
	case c == '{':
		return p.lexSubquery()
	case c >= '0' && c <= '9':
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		return token{kind: tokNumber, text: p.src[start:p.pos], pos: start}
	case isNameByte(c):
		for p.pos < len(p.src) && (isNameByte(p.src[p.pos]) || p.src[p.pos] == '.') {
			p.pos++
		}
		return token{kind: tokName, text: p.src[start:p.pos], pos: start}
	}
	p.pos++
	return token{kind: tokPunct, text: string(c), pos: start}
}

// lexQuoted reads a "..." or '...' string with backslash escapes.
func (p *parser) lexQuoted(q byte) token {
	start := p.pos
	var b strings.Builder
	for p.pos++; p.pos < len(p.src); p.pos++ {
		c := p.src[p.pos]
		switch {
		case c == q:
			p.pos++
			return token{kind: tokString, text: b.String(), pos: start}
		case c == '\\' && p.pos+1 < len(p.src):
			p.pos++
			switch e := p.src[p.pos]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return token{kind: tokPunct, text: "unterminated string", pos: start}
}

// lexSubquery reads a balanced {...} block, braces in strings ignored.
func (p *parser) lexSubquery() token {
	start, depth := p.pos, 0
	var quote byte
	for ; p.pos < len(p.src); p.pos++ {
		c := p.src[p.pos]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				p.pos++
				return token{kind: tokSubquery, text: p.src[start+1 : p.pos-1], pos: start}
			}
		}
	}
	return token{kind: tokPunct, text: "unterminated {", pos: start}
}

func (p *parser) expect(punct string) error {
	if t := p.next(); t.kind != tokPunct || t.text != punct {
		return fmt.Errorf("offset %d: want %q, found %q", t.pos, punct, t.text)
	}
	return nil
}

// expr reads term ('+' term)*.
func (p *parser) expr() (Expr, error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	terms := Concat{first}
	for {
		t := p.next()
		if t.kind != tokPunct || t.text != "+" {
			p.unread(t)
			break
		}
		e, err := p.term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
	}
	if len(terms) == 1 {
		return first, nil
	}
	return terms, nil
}

func (p *parser) term() (Expr, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, fmt.Errorf("offset %d: nested more than %d deep", p.pos, maxDepth)
	}
	defer func() { p.depth-- }()
	t := p.next()
	switch t.kind {
	case tokString:
		return Str(t.text), nil
	case tokNumber:
		return Num(t.text), nil
	case tokSubquery:
		return Subquery(t.text), nil
	case tokName:
		return p.nameOrCall(t)
	case tokPunct:
		if t.text == "[" {
			return p.list()
		}
	}
	return nil, fmt.Errorf("offset %d: unexpected %q", t.pos, t.text)
}

func (p *parser) nameOrCall(name token) (Expr, error) {
	t := p.next()
	if t.kind != tokPunct || t.text != "(" {
		p.unread(t)
		return Ref(name.text), nil
	}
	call := Call{Fn: name.text}
	for {
		t := p.next()
		if t.kind == tokPunct && t.text == ")" && len(call.Args) == 0 {
			return call, nil
		}
		if t.kind != tokName {
			return nil, fmt.Errorf("offset %d: %s(): want an argument name, found %q", t.pos, name.text, t.text)
		}
		if err := p.expect("="); err != nil {
			return nil, fmt.Errorf("%s(%s): %w", name.text, t.text, err)
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		call.Args = append(call.Args, Arg{Name: t.text, Value: v})
		switch sep := p.next(); {
		case sep.kind == tokPunct && sep.text == ")":
			return call, nil
		case sep.kind != tokPunct || sep.text != ",":
			return nil, fmt.Errorf("offset %d: %s(): want , or ), found %q", sep.pos, name.text, sep.text)
		}
	}
}

func (p *parser) list() (Expr, error) {
	var l List
	for {
		t := p.next()
		if t.kind == tokPunct && t.text == "]" && len(l) == 0 {
			return l, nil
		}
		p.unread(t)
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		l = append(l, e)
		switch sep := p.next(); {
		case sep.kind == tokPunct && sep.text == "]":
			return l, nil
		case sep.kind != tokPunct || sep.text != ",":
			return nil, fmt.Errorf("offset %d: in a list, want , or ], found %q", sep.pos, sep.text)
		}
	}
}
