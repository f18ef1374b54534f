package velociraptor

import (
	"slices"
	"strings"
	"testing"
)

func TestParseExpr(t *testing.T) {
	tests := []struct {
		src, want, err string
	}{
		{src: `[Tool, "scan", str(str=N)] + Args + ["--"] + Paths.Path`,
			want: `[Tool, "scan", str(str=N)] + Args + ["--"] + Paths.Path`},
		{src: `if(condition=Z, then=["-r", D], else=[])`, want: `if(condition=Z, then=["-r", D], else=[])`},
		{src: `regex_replace(source=G, re='''^(.*?)[\\/]+$''', replace="$1")`,
			want: `regex_replace(source=G, re="^(.*?)[\\\\/]+$", replace="$1")`},
		{src: `"a\"b\\c"`, want: `"a\"b\\c"`},
		{src: `tempdir()`, want: `tempdir()`},
		{src: "f(x=1, -- a comment\n y={SELECT * FROM g() WHERE x = '}'})",
			want: `f(x=1, y={SELECT * FROM g() WHERE x = '}'})`},
		{src: `[a,`, err: "unexpected"},
		{src: `f(x)`, err: `want "="`},
		{src: `"open`, err: "unterminated"},
		{src: `a b`, err: "after the expression"},
		{src: `[a b]`, err: "want , or ]"},
		{src: strings.Repeat("[", 100) + strings.Repeat("]", 100), err: "nested more than"},
	}
	for _, tc := range tests {
		e, err := ParseExpr(tc.src)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseExpr(%q): error %v, want one containing %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tc.src, err)
			continue
		}
		if got := e.vql(); got != tc.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestEval(t *testing.T) {
	env := Env{
		"Tool":       Scalar("/bin/evtxhunt"),
		"N":          Scalar("5"),
		"Empty":      Scalar(""),
		"Paths.Path": Strings("a.evtx", "b.evtx"),
		"Dir":        Scalar("/tmp/x"),
	}
	tests := []struct {
		src  string
		want []string // nil: want an error
		str  string
	}{
		{src: `[Tool, "scan", str(str=N)] + ["--"] + Paths.Path`,
			want: []string{"/bin/evtxhunt", "scan", "5", "--", "a.evtx", "b.evtx"}},
		{src: `if(condition=Empty, then=["-r", Dir], else=[])`, want: []string{}},
		{src: `if(condition=N, then=["-r", Dir], else=[])`, want: []string{"-r", "/tmp/x"}},
		{src: `[Tool] + Unbound`},
		{src: `[Paths.Path]`},
		{src: `upload(file=Dir)`},
		{src: `if(condition=N, then={SELECT 1 FROM scope()})`},
		{src: `path_join(components=[Dir, "f.jsonl"])`, str: "/tmp/x/f.jsonl"},
		{src: `regex_replace(source="C:\\Logs\\*.evtx", re='''\\[^\\]*$''', replace="")`, str: `C:\Logs`},
		{src: `strip(string="C:\\Logs\\S.evtx", prefix="C:\\Logs\\")`, str: "S.evtx"},
		{src: `"a" + N`, str: "a5"},
	}
	for _, tc := range tests {
		e, err := ParseExpr(tc.src)
		if err != nil {
			t.Fatalf("ParseExpr(%q): %v", tc.src, err)
		}
		v, err := Eval(e, env)
		switch {
		case tc.want == nil && tc.str == "":
			if err == nil {
				t.Errorf("Eval(%s) = %+v, want an error", tc.src, v)
			}
		case err != nil:
			t.Errorf("Eval(%s): %v", tc.src, err)
		case tc.str != "":
			if v.IsList || v.Str != tc.str {
				t.Errorf("Eval(%s) = %+v, want %q", tc.src, v, tc.str)
			}
		case !v.IsList || !slices.Equal(v.List, tc.want):
			t.Errorf("Eval(%s) = %+v, want the list %q", tc.src, v, tc.want)
		}
	}
}

const sampleQuery = `-- a comment
LET A <= 1
LET B = [A,
  "x"]
   -- an indented comment
SELECT * FROM foreach(row=B, query={
  SELECT * FROM execve(argv=[A, "y"], cwd=D)
})
`

func TestStatements(t *testing.T) {
	stmts, err := Statements(sampleQuery)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range stmts {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"A", "B", ""}) {
		t.Fatalf("statements %q, want A, B and the SELECT", names)
	}
	if stmts[1].Text != "[A,\n  \"x\"]" {
		t.Errorf("LET B text %q", stmts[1].Text)
	}
	for _, bad := range []string{"  SELECT 1\n", "LET X\n", "LET = 1\n", "LET A <= 1\nLET A <= 2\n"} {
		stmts, err := Statements(bad)
		if err == nil {
			_, err = Lets(stmts)
		}
		if err == nil {
			t.Errorf("Statements+Lets(%q): no error", bad)
		}
	}
}

func TestCalls(t *testing.T) {
	calls, err := Calls(sampleQuery+"SELECT myexecve(argv=1) FROM scope()\n", "execve")
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 {
		t.Fatalf("found %d execve calls, want 1 (myexecve is another function)", len(calls))
	}
	if got := calls[0].vql(); got != `execve(argv=[A, "y"], cwd=D)` {
		t.Errorf("call %s", got)
	}
	if _, err := Calls("SELECT * FROM execve(argv=[A", "execve"); err == nil {
		t.Error("a cut call parsed without error")
	}
}

func TestSelectColumns(t *testing.T) {
	q := "LET X <= 1\nSELECT * FROM if(condition=X, then={\n  SELECT a.b AS AB,\n    c AS C\n  FROM parse_jsonl(filename=F)\n})\n"
	cols, call, err := SelectColumns(q, "parse_jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0].Name != "AB" || cols[0].Value != Ref("a.b") || cols[1].Name != "C" {
		t.Errorf("columns %+v", cols)
	}
	if call.Arg("filename") != Ref("F") {
		t.Errorf("parse_jsonl call %s", call.vql())
	}
	for _, bad := range []string{
		"SELECT a FROM parse_jsonl(filename=F)",
		"SELECT a AS A FROM parse_json(filename=F)",
		"SELECT parse_jsonl(filename=F) AS A FROM scope()",
	} {
		if _, _, err := SelectColumns(bad, "parse_jsonl"); err == nil {
			t.Errorf("SelectColumns(%q): no error", bad)
		}
	}
}

// FuzzParseExpr: any text parses or fails, without panicking or hanging.
func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{`[a, "b"] + c`, `f(x={SELECT 1}, y='''z''')`, `[[[`, `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(_ *testing.T, src string) {
		if e, err := ParseExpr(src); err == nil {
			_, _ = Eval(e, Env{})
		}
		_, _ = Calls(src, "execve")
		_, _, _ = SelectColumns(src, "parse_jsonl")
	})
}
