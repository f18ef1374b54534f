package kubernetes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const manifestFile = "evtxhunt-indexed-job.yaml"

// object is what the test reads of any Kubernetes object; spec only of a
// Job.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    *int   `yaml:"completions"`
		Parallelism    *int   `yaml:"parallelism"`
		Template       struct {
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	RestartPolicy  string      `yaml:"restartPolicy"`
	InitContainers []container `yaml:"initContainers"`
	Containers     []container `yaml:"containers"`
	Volumes        []struct {
		Name                  string `yaml:"name"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

type container struct {
	Name         string   `yaml:"name"`
	Image        string   `yaml:"image"`
	Command      []string `yaml:"command"`
	Args         []string `yaml:"args"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

// script returns the container's shell script, for ["/bin/sh", "-c"].
func (c container) script() (string, bool) {
	if len(c.Command) == 2 && c.Command[0] == "/bin/sh" && c.Command[1] == "-c" && len(c.Args) == 1 {
		return c.Args[0], true
	}
	return "", false
}

// knownKinds: the apiVersion of each kind the manifest may hold.
var knownKinds = map[string]string{"PersistentVolumeClaim": "v1", "Job": "batch/v1"}

// decodeAll parses every YAML document of the manifest.
func decodeAll(data []byte) ([]object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var objs []object
	for i := 1; ; i++ {
		var o object
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		objs = append(objs, o)
	}
}

var (
	shardFlag = regexp.MustCompile(`--shard "?\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/([0-9]+)"?`)
	shardSeq  = regexp.MustCompile(`\$\(seq 1 ([0-9]+)\)`)
)

// recipe is the manifest's two Jobs and the shard count they agree on.
type recipe struct {
	scan, merge object
	shards      int
}

// checkManifest returns every problem of the manifest, and the recipe.
func checkManifest(data []byte) (recipe, []error) {
	var r recipe
	objs, err := decodeAll(data)
	if err != nil {
		return r, []error{err}
	}
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	claims := map[string]bool{}
	for i, o := range objs {
		if want, ok := knownKinds[o.Kind]; !ok || o.APIVersion != want || o.Metadata.Name == "" {
			add("document %d: kind %q, apiVersion %q, name %q: want a named %v", i+1, o.Kind, o.APIVersion, o.Metadata.Name, knownKinds)
		}
		switch {
		case o.Kind == "PersistentVolumeClaim":
			claims[o.Metadata.Name] = true
		case o.Kind == "Job" && o.Spec.CompletionMode == "Indexed":
			r.scan = o
		case o.Kind == "Job":
			r.merge = o
		}
	}
	if r.scan.Kind == "" || r.merge.Kind == "" {
		return r, append(errs, errors.New("want an Indexed Job and a merge Job"))
	}
	scanScript := scripts(r.scan, true)
	m := shardFlag.FindStringSubmatch(scanScript)
	if m == nil {
		return r, append(errs, errors.New(`the Indexed Job runs no --shard "$((JOB_COMPLETION_INDEX + 1))/N"`))
	}
	r.shards, _ = strconv.Atoi(m[1])
	s := r.scan.Spec
	if s.Completions == nil || s.Parallelism == nil || *s.Completions != r.shards || *s.Parallelism != r.shards {
		add("Indexed Job: completions %v and parallelism %v must both be the N=%d of --shard", deref(s.Completions), deref(s.Parallelism), r.shards)
	}
	mergeScript := scripts(r.merge, false)
	if !strings.Contains(mergeScript, "evtxhunt merge") {
		add("the merge Job runs no evtxhunt merge")
	}
	for _, seq := range shardSeq.FindAllStringSubmatch(mergeScript, -1) {
		if n, _ := strconv.Atoi(seq[1]); n != r.shards {
			add("the merge Job counts %d shards, the Indexed Job runs %d", n, r.shards)
		}
	}
	for _, job := range []object{r.scan, r.merge} {
		errs = append(errs, checkPod(job, claims)...)
	}
	return r, errs
}

func deref(p *int) any {
	if p == nil {
		return "unset"
	}
	return *p
}

// scripts joins the shell scripts of a Job's main containers, and of its
// init containers too unless mainOnly.
func scripts(job object, mainOnly bool) string {
	spec := job.Spec.Template.Spec
	cs := spec.Containers
	if !mainOnly {
		cs = append(append([]container{}, spec.InitContainers...), cs...)
	}
	var b strings.Builder
	for _, c := range cs {
		s, _ := c.script()
		b.WriteString(s + "\n")
	}
	return b.String()
}

// checkPod: restart policy, commands, volumes and mounts of a Job's pod.
func checkPod(job object, claims map[string]bool) []error {
	var errs []error
	name := job.Metadata.Name
	spec := job.Spec.Template.Spec
	if spec.RestartPolicy != "Never" && spec.RestartPolicy != "OnFailure" {
		errs = append(errs, fmt.Errorf("%s: restartPolicy %q, want Never or OnFailure", name, spec.RestartPolicy))
	}
	volumes := map[string]bool{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = true
		if v.PersistentVolumeClaim != nil && !claims[v.PersistentVolumeClaim.ClaimName] {
			errs = append(errs, fmt.Errorf("%s: volume %s uses claim %q, not in the manifest", name, v.Name, v.PersistentVolumeClaim.ClaimName))
		}
	}
	for _, c := range append(append([]container{}, spec.InitContainers...), spec.Containers...) {
		if _, ok := c.script(); !ok || c.Image == "" {
			errs = append(errs, fmt.Errorf("%s/%s: want an image and command [/bin/sh, -c] with one script", name, c.Name))
		}
		for _, vm := range c.VolumeMounts {
			if !volumes[vm.Name] {
				errs = append(errs, fmt.Errorf("%s/%s: mounts %q, which is no volume of the pod", name, c.Name, vm.Name))
			}
		}
	}
	return errs
}

func TestManifest(t *testing.T) {
	data, err := os.ReadFile(manifestFile)
	if err != nil {
		t.Fatal(err)
	}
	r, errs := checkManifest(data)
	for _, err := range errs {
		t.Errorf("%s: %v", manifestFile, err)
	}
	if r.shards < 2 {
		t.Errorf("%s: %d shards", manifestFile, r.shards)
	}
	for _, job := range []object{r.scan, r.merge} {
		spec := job.Spec.Template.Spec
		for _, c := range append(append([]container{}, spec.InitContainers...), spec.Containers...) {
			script, _ := c.script()
			cmd := exec.Command("sh", "-n")
			cmd.Stdin = strings.NewReader(script)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s/%s: sh -n: %v\n%s", job.Metadata.Name, c.Name, err, out)
			}
		}
	}
}

// TestManifestCheckFindsProblems: each broken copy of the manifest is
// refused with the right reason.
func TestManifestCheckFindsProblems(t *testing.T) {
	data, err := os.ReadFile(manifestFile)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	tests := []struct{ old, replacement, want string }{
		{"  completions: 4\n  parallelism: 4\n", "  completions: 3\n  parallelism: 3\n", "must both be the N=4"},
		{"  parallelism: 4\n  backoffLimit: 4", "  backoffLimit: 4", "parallelism unset"},
		{"  completionMode: Indexed\n", "", "want an Indexed Job"},
		{"apiVersion: batch/v1", "apiVersion: batch/v2", `apiVersion "batch/v2"`},
		{"$(seq 1 4)", "$(seq 1 5)", "counts 5 shards"},
		{"claimName: evtxhunt-cases", "claimName: other", `claim "other"`},
		{"name: tmp\n              mountPath", "name: scratch\n              mountPath", `mounts "scratch"`},
		{"restartPolicy: Never", "restartPolicy: Always", "restartPolicy"},
		{`--shard "$((JOB_COMPLETION_INDEX + 1))/4"`, `--shard "$JOB_COMPLETION_INDEX/4"`, "runs no --shard"},
		{"evtxhunt merge -f", "evtxhunt scan -f", "runs no evtxhunt merge"},
		{"kind: Job", "kind: Job\n  kind: Job", "document 2"},
	}
	for _, tc := range tests {
		if !strings.Contains(src, tc.old) {
			t.Fatalf("the manifest no longer holds %q", tc.old)
		}
		_, errs := checkManifest([]byte(strings.Replace(src, tc.old, tc.replacement, 1)))
		got := fmt.Sprint(errs)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q -> %q: problems %s, want one containing %q", tc.old, tc.replacement, got, tc.want)
		}
	}
}
