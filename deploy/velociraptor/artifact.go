package velociraptor

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Artifact is a Velociraptor artifact definition: the fields this package
// checks. Load refuses any other key, so a misspelt one is caught.
type Artifact struct {
	Name         string         `yaml:"name"`
	Description  string         `yaml:"description"`
	Author       string         `yaml:"author"`
	Reference    []string       `yaml:"reference"`
	Type         string         `yaml:"type"`
	Tools        []Tool         `yaml:"tools"`
	Precondition string         `yaml:"precondition"`
	Resources    map[string]int `yaml:"resources"`
	Parameters   []Parameter    `yaml:"parameters"`
	Sources      []Source       `yaml:"sources"`
}

// Tool is an external program the artifact declares.
type Tool struct {
	Name         string `yaml:"name"`
	URL          string `yaml:"url"`
	ServeLocally bool   `yaml:"serve_locally"`
	ExpectedHash string `yaml:"expected_hash"`
	Version      string `yaml:"version"`
}

// Parameter is one of the artifact's parameters. Default is nil when the
// definition gives none.
type Parameter struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Type        string   `yaml:"type"`
	Default     *string  `yaml:"default"`
	Choices     []string `yaml:"choices"`
}

// Source is one query of the artifact.
type Source struct {
	Name         string `yaml:"name"`
	Precondition string `yaml:"precondition"`
	Query        string `yaml:"query"`
}

// Load reads an artifact definition, refusing unknown keys.
func Load(path string) (*Artifact, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes an artifact definition; name is used in errors.
func Parse(name string, data []byte) (*Artifact, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var a Artifact
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &a, nil
}

// The artifact name rules: dot-separated parts of letters, digits and
// underscores, each starting with a letter.
var artifactName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$`)

// VQL variable names, as parameters become variables.
var vqlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parameterTypes are the types Velociraptor accepts; "" is a string.
var parameterTypes = map[string]bool{
	"": true, "string": true, "int": true, "integer": true, "int64": true,
	"float": true, "bool": true, "timestamp": true, "choices": true,
	"multichoice": true, "server_metadata": true, "regex": true,
	"regex_array": true, "yara": true, "json": true, "json_array": true,
	"csv": true, "hidden": true, "redacted": true, "upload": true,
	"upload_file": true, "artifactset": true, "xml": true, "yaml": true,
	"starlark": true,
}

// fetchBinaryTool finds the tool names passed to Generic.Utils.FetchBinary.
var fetchBinaryTool = regexp.MustCompile(`Generic\.Utils\.FetchBinary\(\s*ToolName\s*=\s*"([^"]+)"`)

// Check returns every problem that would stop Velociraptor from loading
// or running the artifact as a client artifact with tools.
func (a *Artifact) Check() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !artifactName.MatchString(a.Name) {
		add("name %q: want dot-separated parts of letters, digits and _, each starting with a letter", a.Name)
	}
	if strings.TrimSpace(a.Description) == "" {
		add("description is empty")
	}
	if a.Type != "CLIENT" {
		add("type %q: want CLIENT", a.Type)
	}
	errs = append(errs, a.checkParameters()...)
	if len(a.Sources) == 0 {
		add("no sources")
	}
	declared := make(map[string]bool)
	for i, t := range a.Tools {
		if err := t.check(); err != nil {
			add("tools[%d]: %w", i, err)
		}
		declared[t.Name] = true
	}
	for i, s := range a.Sources {
		if strings.TrimSpace(s.Query) == "" {
			add("sources[%d]: empty query", i)
		}
		for _, m := range fetchBinaryTool.FindAllStringSubmatch(s.Query, -1) {
			if !declared[m[1]] {
				add("sources[%d]: fetches tool %q, which tools does not declare", i, m[1])
			}
		}
	}
	return errs
}

// check: a name, and a URL, if any, that is not a GitHub release.
func (t Tool) check() error {
	if !vqlName.MatchString(t.Name) {
		return fmt.Errorf("name %q: want letters, digits and _", t.Name)
	}
	if t.URL == "" {
		return nil
	}
	u, err := url.Parse(t.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%s: url %q is not an https URL", t.Name, t.URL)
	}
	if strings.HasSuffix(u.Host, "github.com") || strings.Contains(u.Path, "/releases/") {
		return fmt.Errorf("%s: url %q is a GitHub release; evtxhunt's tool is set up by the admin", t.Name, t.URL)
	}
	return nil
}

func (a *Artifact) checkParameters() []error {
	var errs []error
	seen := make(map[string]bool)
	for i, p := range a.Parameters {
		if err := p.check(); err != nil {
			errs = append(errs, fmt.Errorf("parameters[%d]: %w", i, err))
		}
		if seen[p.Name] {
			errs = append(errs, fmt.Errorf("parameters[%d]: %s is declared twice", i, p.Name))
		}
		seen[p.Name] = true
	}
	return errs
}

func (p Parameter) check() error {
	if !vqlName.MatchString(p.Name) {
		return fmt.Errorf("name %q is not a VQL variable name", p.Name)
	}
	if !parameterTypes[p.Type] {
		return fmt.Errorf("%s: unknown type %q", p.Name, p.Type)
	}
	if p.Default == nil {
		if p.Type == "upload" || p.Type == "upload_file" {
			return nil
		}
		return fmt.Errorf("%s: no default", p.Name)
	}
	d := *p.Default
	switch p.Type {
	case "upload", "upload_file":
		return fmt.Errorf("%s: an %s parameter cannot have a default", p.Name, p.Type)
	case "int", "integer", "int64":
		if _, err := strconv.ParseInt(d, 10, 64); err != nil {
			return fmt.Errorf("%s: default %q is not an integer", p.Name, d)
		}
	case "bool":
		if !boolDefault.MatchString(d) && !boolFalse.MatchString(d) {
			return fmt.Errorf("%s: default %q is not Y or N", p.Name, d)
		}
	case "choices":
		if !slices.Contains(p.Choices, d) {
			return fmt.Errorf("%s: default %q is not one of its choices %v", p.Name, d, p.Choices)
		}
	}
	return nil
}

// boolDefault is Velociraptor's test for a true bool parameter; boolFalse
// the false defaults artifacts write.
var (
	boolDefault = regexp.MustCompile(`(?i)^(Y|TRUE|YES|OK)$`)
	boolFalse   = regexp.MustCompile(`(?i)^(N|NO|FALSE)$`)
)

// ParameterEnv binds every parameter to its default as the client sees
// it: a true bool as "TRUE", a false one and a missing default as "".
func (a *Artifact) ParameterEnv() Env {
	env := make(Env, len(a.Parameters))
	for _, p := range a.Parameters {
		v := ""
		if p.Default != nil {
			v = *p.Default
		}
		if p.Type == "bool" {
			v = map[bool]string{true: "TRUE", false: ""}[boolDefault.MatchString(v)]
		}
		env[p.Name] = Scalar(v)
	}
	return env
}

// Parameter returns the parameter named name.
func (a *Artifact) Parameter(name string) (Parameter, error) {
	for _, p := range a.Parameters {
		if p.Name == name {
			return p, nil
		}
	}
	return Parameter{}, errors.New("no parameter " + name)
}
