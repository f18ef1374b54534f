package velociraptor

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Value is what an expression evaluates to here: a string or a list of
// strings.
type Value struct {
	List   []string
	Str    string
	IsList bool
}

// Scalar makes a string Value.
func Scalar(s string) Value { return Value{Str: s} }

// Strings makes a list Value.
func Strings(l ...string) Value { return Value{List: append([]string{}, l...), IsList: true} }

// truthy follows VQL: an empty string or list is false.
func (v Value) truthy() bool {
	if v.IsList {
		return len(v.List) > 0
	}
	return v.Str != ""
}

// Env binds names (with members, e.g. "LogPaths.Path") to values.
type Env map[string]Value

// Eval evaluates e with env. It knows literals, names bound in env, lists,
// + of lists, and the functions str, if, path_join, regex_replace and
// strip, enough to rebuild the command line an artifact runs; anything
// else is an error naming it.
func Eval(e Expr, env Env) (Value, error) {
	switch e := e.(type) {
	case Str:
		return Scalar(string(e)), nil
	case Num:
		return Scalar(string(e)), nil
	case Ref:
		return evalRef(e, env)
	case List:
		return evalList(e, env)
	case Concat:
		return evalConcat(e, env)
	case Call:
		return evalCall(e, env)
	}
	return Value{}, fmt.Errorf("cannot evaluate %s", e.vql())
}

func evalRef(r Ref, env Env) (Value, error) {
	if v, ok := env[string(r)]; ok {
		return v, nil
	}
	switch strings.ToUpper(string(r)) {
	case "TRUE":
		return Scalar("TRUE"), nil
	case "FALSE":
		return Scalar(""), nil
	}
	return Value{}, fmt.Errorf("%s is not bound", r)
}

func evalList(l List, env Env) (Value, error) {
	out := Strings()
	for _, el := range l {
		v, err := Eval(el, env)
		if err != nil {
			return Value{}, err
		}
		if v.IsList {
			return Value{}, fmt.Errorf("list element %s is a list", el.vql())
		}
		out.List = append(out.List, v.Str)
	}
	return out, nil
}

// evalConcat joins lists (a scalar is appended as one element), or
// strings when no term is a list, as VQL's + does.
func evalConcat(c Concat, env Env) (Value, error) {
	vals := make([]Value, len(c))
	anyList := false
	for i, t := range c {
		v, err := Eval(t, env)
		if err != nil {
			return Value{}, err
		}
		vals[i], anyList = v, anyList || v.IsList
	}
	if !anyList {
		var b strings.Builder
		for _, v := range vals {
			b.WriteString(v.Str)
		}
		return Scalar(b.String()), nil
	}
	out := Strings()
	for _, v := range vals {
		if v.IsList {
			out.List = append(out.List, v.List...)
		} else {
			out.List = append(out.List, v.Str)
		}
	}
	return out, nil
}

func evalCall(c Call, env Env) (Value, error) {
	args := make(map[string]Value, len(c.Args))
	for _, a := range c.Args {
		if _, isQuery := a.Value.(Subquery); isQuery {
			return Value{}, fmt.Errorf("%s(): argument %s is a subquery", c.Fn, a.Name)
		}
		// if() evaluates only the branch it takes.
		if c.Fn == "if" && a.Name != "condition" {
			continue
		}
		v, err := Eval(a.Value, env)
		if err != nil {
			return Value{}, fmt.Errorf("%s(%s=): %w", c.Fn, a.Name, err)
		}
		args[a.Name] = v
	}
	switch c.Fn {
	case "str":
		return Scalar(args["str"].Str), nil
	case "if":
		branch := "else"
		if args["condition"].truthy() {
			branch = "then"
		}
		if e := c.Arg(branch); e != nil {
			return Eval(e, env)
		}
		return Strings(), nil
	case "path_join":
		return Scalar(filepath.Join(args["components"].List...)), nil
	case "regex_replace":
		re, err := regexp.Compile(args["re"].Str)
		if err != nil {
			return Value{}, fmt.Errorf("regex_replace: %w", err)
		}
		return Scalar(re.ReplaceAllString(args["source"].Str, args["replace"].Str)), nil
	case "strip":
		return Scalar(strings.TrimPrefix(args["string"].Str, args["prefix"].Str)), nil
	}
	return Value{}, fmt.Errorf("function %s() is not known here", c.Fn)
}

// EvalLets evaluates, in order, the LET statements it can and binds them
// in env; names already bound are kept. It returns, for each LET left
// unbound, why.
func EvalLets(stmts []Statement, env Env) map[string]error {
	unbound := make(map[string]error)
	for _, s := range stmts {
		if s.Name == "" {
			continue
		}
		if _, ok := env[s.Name]; ok {
			continue
		}
		e, err := ParseExpr(s.Text)
		if err == nil {
			var v Value
			if v, err = Eval(e, env); err == nil {
				env[s.Name] = v
				continue
			}
		}
		unbound[s.Name] = err
	}
	return unbound
}
