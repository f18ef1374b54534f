package sigma

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/evtxhunt/evtxhunt/detections/correlation"
)

// isRuleFile reports whether a file name has a rule extension.
func isRuleFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yml" || ext == ".yaml"
}

// LoadFS loads every *.yml and *.yaml file of fsys, in path order. Rules
// are named sourcePrefix + path (e.g. "builtin:" + "lolbin/x.yml").
// Duplicate ids are reported as errors and only the first rule is kept.
// Correlation rules are returned parsed, not resolved (see
// correlation.Resolve).
func LoadFS(fsys fs.FS, sourcePrefix string, opts Options) ([]*Rule, []*correlation.Rule, []*LoadError) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isRuleFile(path) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, nil, []*LoadError{{File: sourcePrefix, Reason: err.Error()}}
	}
	sort.Strings(files)
	rules, corrs, errs := parseFiles(files, func(f string) (string, []byte, error) {
		data, err := fs.ReadFile(fsys, f)
		return sourcePrefix + f, data, err
	}, opts)
	rules, dups := Combine(rules)
	return rules, corrs, append(errs, dups...)
}

// parseFiles reads and parses files on all processors, returning rules,
// correlation rules and errors in file order.
func parseFiles(files []string, read func(string) (string, []byte, error), opts Options) ([]*Rule, []*correlation.Rule, []*LoadError) {
	var all fileResult
	for _, r := range parseEach(files, read, opts) {
		all.add(r)
	}
	return all.rules, all.corrs, all.errs
}

// fileResult is what one rule file (or several, added in order) holds.
type fileResult struct {
	rules []*Rule
	corrs []*correlation.Rule
	errs  []*LoadError
}

func (f *fileResult) add(r fileResult) {
	f.rules = append(f.rules, r.rules...)
	f.corrs = append(f.corrs, r.corrs...)
	f.errs = append(f.errs, r.errs...)
}

// parseEach reads and parses files on every core; results are by file.
func parseEach(files []string, read func(string) (string, []byte, error), opts Options) []fileResult {
	results := make([]fileResult, len(files))
	parallel(len(files), func(i int) {
		name, data, err := read(files[i])
		if err != nil {
			results[i].errs = []*LoadError{{File: name, Reason: err.Error()}}
			return
		}
		results[i].rules, results[i].corrs, results[i].errs = ParseFile(data, name, opts)
	})
	return results
}

// LoadPaths loads rule files and folders (searched recursively for *.yml
// and *.yaml, in path order); a file named explicitly is read whatever its
// extension. Duplicate ids are reported as errors and only the first rule
// is kept. Correlation rules are returned parsed, not resolved. The files
// of all paths are parsed in one parallel pass; results keep path order.
func LoadPaths(paths []string, opts Options) ([]*Rule, []*correlation.Rule, []*LoadError) {
	type root struct {
		err   *LoadError
		files int
	}
	roots := make([]root, len(paths))
	var files []string
	for i, path := range paths {
		found, err := ruleFiles(path)
		if err != nil {
			roots[i].err = &LoadError{File: path, Reason: err.Error()}
		}
		roots[i].files = len(found)
		files = append(files, found...)
	}
	results := parseEach(files, func(f string) (string, []byte, error) {
		data, err := os.ReadFile(f)
		return f, data, err
	}, opts)
	var all fileResult
	for _, r := range roots {
		if r.err != nil {
			all.errs = append(all.errs, r.err)
		}
		for _, res := range results[:r.files] {
			all.add(res)
		}
		results = results[r.files:]
	}
	rules, dups := Combine(all.rules)
	return rules, all.corrs, append(all.errs, dups...)
}

// ruleFiles lists the rule files of a path: itself when it is a file, its
// *.yml and *.yaml files, recursively and sorted, when it is a folder.
func ruleFiles(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isRuleFile(path) {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no *.yml or *.yaml rule files in folder")
	}
	return files, err
}

// Combine joins rule lists (the built-in rules and -r rules, say),
// keeping the first rule of each id and reporting every later one as an
// error that names both places.
func Combine(lists ...[]*Rule) ([]*Rule, []*LoadError) {
	seen := map[string]*Rule{}
	var out []*Rule
	var errs []*LoadError
	for _, list := range lists {
		for _, r := range list {
			if first, dup := seen[r.ID]; dup {
				errs = append(errs, &LoadError{File: r.Source, Line: r.Line, RuleID: r.ID,
					Reason: fmt.Sprintf("duplicate rule id: already defined at %s; this one is skipped", first.Location())})
				continue
			}
			seen[r.ID] = r
			out = append(out, r)
		}
	}
	return out, errs
}
