package velociraptor

import (
	"strings"
	"testing"
)

const artifactFile = "Windows.EventLogs.Evtxhunt.yaml"

// loadArtifact loads the artifact and splits its one source's query.
func loadArtifact(t *testing.T) (*Artifact, []Statement) {
	t.Helper()
	a, err := Load(artifactFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Sources) != 1 {
		t.Fatalf("%s has %d sources, the test reads one", artifactFile, len(a.Sources))
	}
	stmts, err := Statements(a.Sources[0].Query)
	if err != nil {
		t.Fatalf("%s: %v", artifactFile, err)
	}
	if _, err := Lets(stmts); err != nil {
		t.Fatalf("%s: %v", artifactFile, err)
	}
	return a, stmts
}

// TestArtifactFields: the fields Velociraptor needs are there and valid.
func TestArtifactFields(t *testing.T) {
	a, _ := loadArtifact(t)
	for _, err := range a.Check() {
		t.Errorf("%s: %v", artifactFile, err)
	}
	for _, name := range []string{"EvtxGlob", "MinLevel", "ContextSize", "RulesZip"} {
		if _, err := a.Parameter(name); err != nil {
			t.Errorf("%s: %v", artifactFile, err)
		}
	}
	if p, _ := a.Parameter("EvtxGlob"); p.Default == nil || *p.Default != `C:\Windows\System32\winevt\Logs\*.evtx` {
		t.Errorf("EvtxGlob default %v, want the Windows Logs folder's *.evtx", p.Default)
	}
	if len(a.Tools) != 1 || !a.Tools[0].ServeLocally {
		t.Errorf("tools %+v: want one tool served by the Velociraptor server", a.Tools)
	}
}

// minimalArtifact is valid; each case of TestCheckFindsProblems breaks it.
const minimalArtifact = `name: Custom.Test.Artifact
description: A test.
type: CLIENT
tools:
  - name: Thing
    url: https://example.invalid/thing.exe
parameters:
  - name: Level
    type: choices
    default: high
    choices: [low, high]
  - name: Count
    type: int
    default: "3"
  - name: Upload
    type: upload_file
sources:
` + minimalQuery

const minimalQuery = `  - query: |
      LET T <= SELECT OSPath FROM Artifact.Generic.Utils.FetchBinary(ToolName="Thing")
      SELECT * FROM scope()
`

func TestCheckFindsProblems(t *testing.T) {
	tests := []struct{ old, replacement, want string }{
		{"", "", ""},
		{"name: Custom.Test.Artifact", "name: Custom.Test-Artifact", "name"},
		{"name: Custom.Test.Artifact", "name: Custom.3Test", "name"},
		{"description: A test.", "description: ' '", "description is empty"},
		{"type: CLIENT", "type: SERVER", "want CLIENT"},
		{"default: high", "default: medium", "not one of its choices"},
		{`default: "3"`, `default: three`, "not an integer"},
		{"    type: upload_file", "    type: upload_file\n    default: x", "cannot have a default"},
		{"    type: int\n    default: \"3\"", "    type: int", "no default"},
		{"type: choices", "type: choice", "unknown type"},
		{"  - name: Count", "  - name: Level", "declared twice"},
		{"https://example.invalid/thing.exe", "https://github.com/x/y/releases/download/v1/thing.exe", "GitHub release"},
		{"https://example.invalid/thing.exe", "ftp://example.invalid/thing.exe", "not an https URL"},
		{`ToolName="Thing"`, `ToolName="Other"`, "does not declare"},
		{minimalQuery, "  - query: \"\"\n", "empty query"},
		{"sources:\n" + minimalQuery, "sources: []\n", "no sources"},
		{"sources:\n", "sources: []\nx:\n", "field x not found"},
	}
	for _, tc := range tests {
		src := strings.Replace(minimalArtifact, tc.old, tc.replacement, 1)
		a, err := Parse("test", []byte(src))
		var problems []string
		if err != nil {
			problems = append(problems, err.Error())
		} else {
			for _, e := range a.Check() {
				problems = append(problems, e.Error())
			}
		}
		got := strings.Join(problems, "; ")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%q -> %q: unexpected problems: %s", tc.old, tc.replacement, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%q -> %q: problems %q, want one containing %q", tc.old, tc.replacement, got, tc.want)
		}
	}
}

// TestGlobRoot: the artifact's own regular expressions find the folder
// evtxhunt runs in and the prefix stripped from each log's path (Go's
// regexp is the one Velociraptor's regex_replace uses).
func TestGlobRoot(t *testing.T) {
	a, stmts := loadArtifact(t)
	tests := []struct{ glob, root, prefix string }{
		{`C:\Windows\System32\winevt\Logs\*.evtx`, `C:\Windows\System32\winevt\Logs`, `C:\Windows\System32\winevt\Logs\`},
		{`D:\triage\**\*.evtx`, `D:\triage`, `D:\triage\`},
		{`D:\triage\host?\Security.evtx`, `D:\triage`, `D:\triage\`},
		{`C:\Logs\Security.evtx`, `C:\Logs`, `C:\Logs\`},
		{`C:\Logs\{Security,Sysmon}*.evtx`, `C:\Logs`, `C:\Logs\`},
		{`C:\*.evtx`, `C:\`, `C:\`},
		{`\\fileserver\cases\42\*.evtx`, `\\fileserver\cases\42`, `\\fileserver\cases\42\`},
		{`C:/Logs/*.evtx`, `C:/Logs`, `C:/Logs\`},
	}
	for _, tc := range tests {
		env := a.ParameterEnv()
		env["EvtxGlob"] = Scalar(tc.glob)
		unbound := EvalLets(stmts, env)
		for _, name := range []string{"GlobRoot", "LogRoot", "LogPrefix"} {
			if err := unbound[name]; err != nil {
				t.Fatalf("LET %s: %v", name, err)
			}
		}
		if got := env["LogRoot"].Str; got != tc.root {
			t.Errorf("glob %s: LogRoot %q, want %q", tc.glob, got, tc.root)
		}
		if got := env["LogPrefix"].Str; got != tc.prefix {
			t.Errorf("glob %s: LogPrefix %q, want %q", tc.glob, got, tc.prefix)
		}
	}
}
