package sigma

import (
	"fmt"
	"strconv"
	"strings"
)

// condOp is the operation of one node of a compiled condition.
type condOp uint8

const (
	opSel condOp = iota // one search identifier
	opAnd
	opOr
	opNot
	opOf // "N of" / "all of" a set of search identifiers
)

// condNode is a node of a compiled condition.
type condNode struct {
	op   condOp
	sel  int         // opSel: index of the selection
	kids []*condNode // opAnd, opOr, opNot
	sels []int       // opOf: the selections the pattern named
	need int         // opOf: how many must match; 0 means all
}

func (n *condNode) eval(sels []*selection, rec record) bool {
	switch n.op {
	case opSel:
		return sels[n.sel].match(rec)
	case opAnd:
		for _, k := range n.kids {
			if !k.eval(sels, rec) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if k.eval(sels, rec) {
				return true
			}
		}
		return false
	case opNot:
		return !n.kids[0].eval(sels, rec)
	}
	need := n.need
	if need == 0 {
		need = len(n.sels)
	}
	got := 0
	for i, s := range n.sels {
		if sels[s].match(rec) {
			if got++; got >= need {
				return true
			}
		} else if n.need == 0 || len(n.sels)-i-1 < need-got {
			return false // not enough selections left
		}
	}
	return false
}

// ConditionError is a syntax or reference error in a condition, with the
// 1-based column it was found at.
type ConditionError struct {
	Column int
	Msg    string
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("condition, column %d: %s", e.Column, e.Msg)
}

// condToken is one lexical token of a condition.
type condToken struct {
	text string // lowercased for keywords
	raw  string
	pos  int // byte offset
}

// lexCondition splits a condition into words and parentheses.
func lexCondition(src string) ([]condToken, error) {
	var toks []condToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, condToken{text: string(c), raw: string(c), pos: i})
			i++
		case c == '|':
			return nil, &ConditionError{i + 1, "aggregations after | (count, near, ...) are not supported; use a correlation-free condition"}
		case isIdentByte(c):
			j := i
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			toks = append(toks, condToken{text: strings.ToLower(src[i:j]), raw: src[i:j], pos: i})
			i = j
		default:
			return nil, &ConditionError{i + 1, fmt.Sprintf("unexpected character %q", rune(c))}
		}
	}
	return toks, nil
}

func isIdentByte(c byte) bool {
	return isWordByte(c) || c == '*' || c == '-' || c == '.' || c == '?'
}

// condParser is a recursive-descent parser over the condition tokens:
//
//	or   := and ("or" and)*
//	and  := not ("and" not)*
//	not  := "not" not | atom
//	atom := "(" or ")" | quant "of" (pattern | "them") | identifier
//	quant := number | "all" | "any"
type condParser struct {
	src   string
	toks  []condToken
	i     int
	names []string
	index map[string]int
}

// parseCondition compiles a condition over the rule's search identifiers
// (names, in document order).
func parseCondition(src string, names []string) (*condNode, error) {
	toks, err := lexCondition(src)
	if err != nil {
		return nil, err
	}
	p := &condParser{src: src, toks: toks, names: names, index: map[string]int{}}
	for i, n := range names {
		p.index[n] = i
	}
	if len(toks) == 0 {
		return nil, &ConditionError{1, "empty condition"}
	}
	n, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, p.errorf("unexpected %q after a complete expression", p.toks[p.i].raw)
	}
	return n, nil
}

// maxConditionDepth bounds nesting so hostile input cannot exhaust the
// stack.
const maxConditionDepth = 200

func (p *condParser) errorf(format string, args ...any) error {
	col := len(p.src) + 1
	if p.i < len(p.toks) {
		col = p.toks[p.i].pos + 1
	}
	return &ConditionError{col, fmt.Sprintf(format, args...)}
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i].text
	}
	return ""
}

func (p *condParser) parseOr(depth int) (*condNode, error) {
	return p.parseBinary(depth, "or", opOr, p.parseAnd)
}

func (p *condParser) parseAnd(depth int) (*condNode, error) {
	return p.parseBinary(depth, "and", opAnd, p.parseNot)
}

func (p *condParser) parseBinary(depth int, word string, op condOp, next func(int) (*condNode, error)) (*condNode, error) {
	first, err := next(depth)
	if err != nil {
		return nil, err
	}
	kids := []*condNode{first}
	for p.peek() == word {
		p.i++
		k, err := next(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &condNode{op: op, kids: kids}, nil
}

func (p *condParser) parseNot(depth int) (*condNode, error) {
	if depth > maxConditionDepth {
		return nil, p.errorf("condition nested too deeply")
	}
	if p.peek() == "not" {
		p.i++
		k, err := p.parseNot(depth + 1)
		if err != nil {
			return nil, err
		}
		return &condNode{op: opNot, kids: []*condNode{k}}, nil
	}
	return p.parseAtom(depth)
}

func (p *condParser) parseAtom(depth int) (*condNode, error) {
	if p.i >= len(p.toks) {
		return nil, p.errorf("expected a search identifier, \"not\", \"(\" or \"1 of\" but the condition ends")
	}
	t := p.toks[p.i]
	switch t.text {
	case "(":
		p.i++
		n, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, p.errorf("expected \")\" to close the \"(\" at column %d", t.pos+1)
		}
		p.i++
		return n, nil
	case ")", "and", "or", "of", "them":
		return nil, p.errorf("expected a search identifier, \"not\", \"(\" or \"1 of\", found %q", t.raw)
	}
	if p.i+1 < len(p.toks) && p.toks[p.i+1].text == "of" {
		return p.parseOf()
	}
	p.i++
	if strings.ContainsAny(t.raw, "*?") {
		p.i--
		return nil, p.errorf("wildcard %q is only allowed after \"1 of\" or \"all of\"", t.raw)
	}
	idx, ok := p.index[t.raw]
	if !ok {
		p.i--
		return nil, p.errorf("unknown search identifier %q%s", t.raw, suggest(t.raw, p.names))
	}
	return &condNode{op: opSel, sel: idx}, nil
}

// parseOf reads "N of X", "all of X", "any of X" with X a name pattern or
// "them".
func (p *condParser) parseOf() (*condNode, error) {
	q := p.toks[p.i]
	n := &condNode{op: opOf}
	switch q.text {
	case "all":
		n.need = 0
	case "any":
		n.need = 1
	default:
		k, err := strconv.Atoi(q.text)
		if err != nil || k < 1 {
			return nil, p.errorf("expected a count of at least 1, \"all\" or \"any\" before \"of\", found %q", q.raw)
		}
		n.need = k
	}
	p.i += 2
	if p.i >= len(p.toks) || p.toks[p.i].text == "(" || p.toks[p.i].text == ")" {
		return nil, p.errorf("expected a search identifier pattern or \"them\" after \"of\"")
	}
	t := p.toks[p.i]
	for i, name := range p.names {
		if t.text == "them" && !strings.HasPrefix(name, "_") || t.text != "them" && globMatch(t.raw, name) {
			n.sels = append(n.sels, i)
		}
	}
	if len(n.sels) == 0 {
		return nil, p.errorf("%q matches no search identifier", t.raw)
	}
	if n.need > len(n.sels) {
		return nil, p.errorf("%d of %q can never match: it names only %d search identifiers", n.need, t.raw, len(n.sels))
	}
	p.i++
	return n, nil
}

// globMatch matches a search identifier against a pattern with * (any
// run) and ? (one byte), case-sensitively, in O(len(pat)*len(name)).
func globMatch(pat, name string) bool {
	pi, ni := 0, 0
	star, mark := -1, 0
	for ni < len(name) {
		switch {
		case pi < len(pat) && (pat[pi] == '?' || pat[pi] == name[ni]):
			pi++
			ni++
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, ni
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}
