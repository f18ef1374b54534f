package velociraptor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/internal/testbin"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// endpoint is the artifact's query as it would run on an endpoint with
// its default parameters, the Windows folders swapped for samples/demo and
// the tool for a freshly built evtxhunt.
type endpoint struct {
	art   *Artifact
	stmts []Statement
	lets  map[string]string
	env   Env
}

func newEndpoint(t *testing.T) *endpoint {
	t.Helper()
	a, stmts := loadArtifact(t)
	lets, _ := Lets(stmts)
	if lets["ToolPath"] != "Tool[0].OSPath" || !strings.Contains(lets["Tool"], `FetchBinary(ToolName="`+a.Tools[0].Name+`")`) {
		t.Fatalf("ToolPath is not the OSPath FetchBinary gives for the tool %s: Tool <= %s; ToolPath <= %s",
			a.Tools[0].Name, lets["Tool"], lets["ToolPath"])
	}
	env := a.ParameterEnv()
	env["TmpDir"] = Scalar(t.TempDir())
	env["ToolPath"] = Scalar(testbin.Build(t))
	unbound := EvalLets(stmts, env)
	for _, name := range []string{"JsonlPath", "HtmlPath", "RulesDir", "LogRoot", "LogPrefix", "RuleArgs"} {
		if err := unbound[name]; err != nil {
			t.Fatalf("LET %s: %v", name, err)
		}
	}
	// The glob, less the log root, is matched in samples/demo instead.
	logDir := filepath.Join(testshared.Root(t), "samples", "demo")
	glob := env["EvtxGlob"].Str
	tail, ok := strings.CutPrefix(glob, env["LogPrefix"].Str)
	if !ok || strings.ContainsAny(tail, `\/`) {
		t.Fatalf("glob %s: the part after the log root %s is %q, want a file pattern", glob, env["LogRoot"].Str, tail)
	}
	matches, err := filepath.Glob(filepath.Join(logDir, tail))
	if err != nil || len(matches) == 0 {
		t.Fatalf("%s matches nothing in %s (%v)", tail, logDir, err)
	}
	rel := make([]string, len(matches))
	for i, m := range matches {
		rel[i] = filepath.Base(m)
	}
	env["LogRoot"] = Scalar(logDir)
	env["LogPaths.Path"] = Strings(rel...)
	return &endpoint{art: a, stmts: stmts, lets: lets, env: env}
}

// command is one execve() of the artifact, rebuilt.
type command struct {
	argv   []string
	cwd    string
	format string // the -f value
	output string // the -o value
}

func (ep *endpoint) commands(t *testing.T) []command {
	t.Helper()
	calls, err := Calls(ep.art.Sources[0].Query, "execve")
	if err != nil || len(calls) == 0 {
		t.Fatalf("execve calls: %v (found %d)", err, len(calls))
	}
	cmds := make([]command, 0, len(calls))
	for _, c := range calls {
		argv, err := Eval(c.Arg("argv"), ep.env)
		if err != nil || !argv.IsList {
			t.Fatalf("%s: argv: %v", c.vql(), err)
		}
		cwd, err := Eval(c.Arg("cwd"), ep.env)
		if err != nil {
			t.Fatalf("%s: cwd: %v", c.vql(), err)
		}
		cmd := command{argv: argv.List, cwd: cwd.Str,
			format: flagValue(argv.List, "-f"), output: flagValue(argv.List, "-o")}
		if cmd.argv[0] != ep.env["ToolPath"].Str || cmd.output == "" {
			t.Fatalf("%q: want the tool, then -o FILE", cmd.argv)
		}
		cmds = append(cmds, cmd)
	}
	return cmds
}

// flagValue returns the argument after flag, before any "--".
func flagValue(argv []string, flag string) string {
	for i := 1; i+1 < len(argv) && argv[i] != "--"; i++ {
		if argv[i] == flag {
			return argv[i+1]
		}
	}
	return ""
}

// run runs cmd and returns evtxhunt's exit code.
func run(t *testing.T, cmd command) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.argv[0], cmd.argv[1:]...)
	c.Dir = cmd.cwd
	var stderr bytes.Buffer
	c.Stderr = &stderr
	err := c.Run()
	code := c.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("%q: %v", cmd.argv, err)
	}
	if stderr.Len() > 0 {
		t.Logf("%s stderr: %s", cmd.format, stderr.String())
	}
	return code
}

// TestArtifactRunsOnSamples runs every command line of the artifact and
// checks its outputs: the JSONL has every column the query selects on
// every line, and every output file is uploaded.
func TestArtifactRunsOnSamples(t *testing.T) {
	ep := newEndpoint(t)
	query := ep.art.Sources[0].Query
	cols, parse, err := SelectColumns(query, "parse_jsonl")
	if err != nil {
		t.Fatal(err)
	}
	findings, _ := Eval(parse.Arg("filename"), ep.env)
	uploaded := ep.uploads(t)
	formats := map[string]bool{}
	for _, cmd := range ep.commands(t) {
		formats[cmd.format] = true
		if code := run(t, cmd); code != 1 {
			t.Errorf("%q exited with %d, want 1 (the samples have findings)", cmd.argv, code)
		}
		if !uploaded[cmd.output] {
			t.Errorf("%s output %s is not uploaded", cmd.format, cmd.output)
		}
		switch cmd.format {
		case "jsonl":
			if cmd.output != findings.Str {
				t.Errorf("the query parses %s, the jsonl run writes %s", findings.Str, cmd.output)
			}
			checkColumns(t, cmd.output, cols)
		case "html":
			checkHTML(t, cmd.output)
		default:
			t.Errorf("%q: format %q, want jsonl or html", cmd.argv, cmd.format)
		}
	}
	if !formats["jsonl"] || !formats["html"] {
		t.Errorf("formats run: %v, want jsonl and html", formats)
	}
}

// uploads returns the files the query uploads, evaluated.
func (ep *endpoint) uploads(t *testing.T) map[string]bool {
	t.Helper()
	calls, err := Calls(ep.art.Sources[0].Query, "upload")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, c := range calls {
		v, err := Eval(c.Arg("file"), ep.env)
		if err != nil {
			t.Fatalf("%s: %v", c.vql(), err)
		}
		files[v.Str] = true
	}
	return files
}

// checkColumns: every line is a JSON object holding every selected field.
func checkColumns(t *testing.T, path string, cols []Arg) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	lines := 0
	for sc.Scan() {
		lines++
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("%s:%d: %v", path, lines, err)
		}
		for _, col := range cols {
			ref, ok := col.Value.(Ref)
			if !ok {
				t.Fatalf("column %s: %s is not a field path", col.Name, col.Value.vql())
			}
			if !hasPath(obj, string(ref)) {
				t.Errorf("%s:%d: no field %s for column %s", path, lines, ref, col.Name)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines == 0 {
		t.Errorf("%s: no findings", path)
	}
	t.Logf("%s: %d findings, %d columns each", path, lines, len(cols))
}

// hasPath follows a dotted path through nested objects.
func hasPath(obj map[string]any, path string) bool {
	var v any = obj
	for _, key := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = m[key]; !ok {
			return false
		}
	}
	return true
}

func checkHTML(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) || !bytes.Contains(data, []byte("WS01.corp.example.com")) {
		t.Errorf("%s (%d bytes) is not the samples' HTML report", path, len(data))
	}
}

// TestArtifactRunsRulesZip: with a rules zip, the artifact unzips it into
// RulesDir and passes it with -r; the zip's rules then fire.
func TestArtifactRunsRulesZip(t *testing.T) {
	ep := newEndpoint(t)
	unzips, err := Calls(ep.art.Sources[0].Query, "unzip")
	if err != nil || len(unzips) != 1 || unzips[0].Arg("filename") != Ref("RulesZip") ||
		unzips[0].Arg("output_directory") != Ref("RulesDir") {
		t.Fatalf("want one unzip(filename=RulesZip, output_directory=RulesDir, ...), found %d (%v)", len(unzips), err)
	}
	// What unzip leaves in RulesDir.
	rulesDir := ep.env["RulesDir"].Str
	rule, err := os.ReadFile(filepath.Join("testdata", "rules", "notepad_todo.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(rulesDir, "custom"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rulesDir, "custom", "notepad_todo.yml"), rule, 0o644); err != nil {
		t.Fatal(err)
	}
	ep.env["RulesZip"] = Scalar(filepath.Join(t.TempDir(), "upload.tmp"))
	e, _ := ParseExpr(ep.lets["RuleArgs"])
	if ep.env["RuleArgs"], err = Eval(e, ep.env); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range ep.commands(t) {
		if cmd.format != "jsonl" {
			continue
		}
		if code := run(t, cmd); code != 1 {
			t.Fatalf("%q exited with %d, want 1", cmd.argv, code)
		}
		data, err := os.ReadFile(cmd.output)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(`"id":"6a1f3c2e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"`)) {
			t.Errorf("%q: the zip's rule did not fire", cmd.argv)
		}
		return
	}
	t.Fatal("no jsonl run")
}
