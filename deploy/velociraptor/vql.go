package velociraptor

import (
	"fmt"
	"strings"
)

// Expr is a parsed VQL expression of the subset the contract test reads:
// Str, Num, Ref, List, Concat, Call and Subquery.
type Expr interface{ vql() string }

// Str is a string literal, unquoted.
type Str string

// Num is a number literal, as written.
type Num string

// Ref names a variable, possibly with members: "LogPaths.Path".
type Ref string

// List is an array literal [a, b, ...].
type List []Expr

// Concat is a + b + ... (VQL concatenates arrays).
type Concat []Expr

// Subquery is a {...} block, kept as text.
type Subquery string

// Call is a function call with VQL's named arguments.
type Call struct {
	Fn   string
	Args []Arg
}

// Arg is one name=value argument of a Call.
type Arg struct {
	Name  string
	Value Expr
}

func (s Str) vql() string      { return fmt.Sprintf("%q", string(s)) }
func (n Num) vql() string      { return string(n) }
func (r Ref) vql() string      { return string(r) }
func (s Subquery) vql() string { return "{" + string(s) + "}" }
func (l List) vql() string     { return "[" + join(l, ", ") + "]" }
func (c Concat) vql() string   { return join(c, " + ") }
func (c Call) vql() string {
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = a.Name + "=" + a.Value.vql()
	}
	return c.Fn + "(" + strings.Join(parts, ", ") + ")"
}

func join[E Expr](es []E, sep string) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.vql()
	}
	return strings.Join(parts, sep)
}

// Arg returns the value of the argument named name, or nil.
func (c Call) Arg(name string) Expr {
	for _, a := range c.Args {
		if a.Name == name {
			return a.Value
		}
	}
	return nil
}

// Statement is one top-level statement of a source's query: a LET (Name
// set) or the final SELECT (Name empty), with its expression text.
type Statement struct {
	Name string
	Text string
}

// Statements splits a query into its top-level statements: a line that
// starts, unindented, with "LET " or "SELECT " begins one; "--" comment
// lines are left out. A LET's Text is what follows "<=" or "=".
func Statements(query string) ([]Statement, error) {
	var out []Statement
	var cur *Statement
	for i, line := range strings.Split(query, "\n") {
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), "--"):
			continue
		case strings.HasPrefix(line, "LET "):
			name, text, err := splitLet(line[len("LET "):])
			if err != nil {
				return nil, fmt.Errorf("query line %d: %w", i+1, err)
			}
			out = append(out, Statement{Name: name, Text: text})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "SELECT "):
			out = append(out, Statement{Text: line})
			cur = &out[len(out)-1]
		case cur != nil:
			cur.Text += "\n" + line
		case strings.TrimSpace(line) != "":
			return nil, fmt.Errorf("query line %d: text before the first statement: %q", i+1, line)
		}
	}
	for i := range out {
		out[i].Text = strings.TrimSpace(out[i].Text)
	}
	return out, nil
}

// splitLet splits "Name <= expr" (or "Name = expr").
func splitLet(s string) (name, text string, err error) {
	end := strings.IndexAny(s, " <=")
	if end <= 0 {
		return "", "", fmt.Errorf("LET without a name: %q", s)
	}
	name, rest := s[:end], strings.TrimSpace(s[end:])
	switch {
	case strings.HasPrefix(rest, "<="):
		return name, strings.TrimSpace(rest[2:]), nil
	case strings.HasPrefix(rest, "="):
		return name, strings.TrimSpace(rest[1:]), nil
	}
	return "", "", fmt.Errorf("LET %s: no <= or = after the name", name)
}

// Lets returns the LET statements by name; a name bound twice is an error.
func Lets(stmts []Statement) (map[string]string, error) {
	lets := make(map[string]string)
	for _, s := range stmts {
		if s.Name == "" {
			continue
		}
		if _, dup := lets[s.Name]; dup {
			return nil, fmt.Errorf("LET %s is bound twice", s.Name)
		}
		lets[s.Name] = s.Text
	}
	return lets, nil
}

// Calls finds every call of the function fn in text (at any depth, inside
// subqueries too) and parses it.
func Calls(text, fn string) ([]Call, error) {
	var calls []Call
	for from := 0; ; {
		i := indexCall(text[from:], fn)
		if i < 0 {
			return calls, nil
		}
		at := from + i
		p := newParser(text[at:])
		e, err := p.term()
		if err != nil {
			return nil, fmt.Errorf("%s(...) at offset %d: %w", fn, at, err)
		}
		c, ok := e.(Call)
		if !ok || c.Fn != fn {
			return nil, fmt.Errorf("%s at offset %d is not a call", fn, at)
		}
		calls = append(calls, c)
		from = at + len(fn)
	}
}

// indexCall finds "fn(" in s where fn is a whole name.
func indexCall(s, fn string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], fn+"(")
		if i < 0 {
			return -1
		}
		at := from + i
		if at == 0 || !isNameByte(s[at-1]) {
			return at
		}
		from = at + len(fn)
	}
}

// ParseExpr parses a whole expression.
func ParseExpr(src string) (Expr, error) {
	p := newParser(src)
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.next(); t.kind != tokEOF {
		return nil, fmt.Errorf("offset %d: unexpected %q after the expression", t.pos, t.text)
	}
	return e, nil
}

// SelectColumns returns the "EXPR AS Name" columns of the SELECT whose
// FROM clause is the first call of plugin (e.g. "parse_jsonl"), and that
// call.
func SelectColumns(query, plugin string) ([]Arg, Call, error) {
	from := indexCall(query, plugin)
	if from < 0 {
		return nil, Call{}, fmt.Errorf("no %s() in the query", plugin)
	}
	head := strings.TrimRight(query[:from], " \t\n")
	if !strings.HasSuffix(head, "FROM") {
		return nil, Call{}, fmt.Errorf("%s() is not in a FROM clause", plugin)
	}
	sel := strings.LastIndex(head, "SELECT ")
	if sel < 0 {
		return nil, Call{}, fmt.Errorf("no SELECT before %s()", plugin)
	}
	list := head[sel+len("SELECT ") : len(head)-len("FROM")]
	var cols []Arg
	for _, item := range splitTopLevel(list) {
		expr, name, ok := strings.Cut(item, " AS ")
		if !ok {
			return nil, Call{}, fmt.Errorf("column %q has no AS name", item)
		}
		e, err := ParseExpr(expr)
		if err != nil {
			return nil, Call{}, fmt.Errorf("column %s: %w", strings.TrimSpace(name), err)
		}
		cols = append(cols, Arg{Name: strings.TrimSpace(name), Value: e})
	}
	calls, err := Calls(query[from:], plugin)
	if err != nil || len(calls) == 0 {
		return nil, Call{}, fmt.Errorf("%s(): %w", plugin, err)
	}
	return cols, calls[0], nil
}

// splitTopLevel splits a list at commas outside brackets and strings.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if last := strings.TrimSpace(s[start:]); last != "" {
		parts = append(parts, last)
	}
	return parts
}
