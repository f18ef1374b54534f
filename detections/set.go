package detections

import (
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/builtin"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Config says which rules to load.
type Config struct {
	NoBuiltin    bool     // leave the built-in rules out
	RulePaths    []string // Sigma rule files or folders (-r)
	Placeholders string   // YAML file of expand placeholders (optional)
	MinLevel     sigma.Level
}

// Hit is one detection on one event.
type Hit struct {
	Rule *sigma.Rule
}

// Set is the loaded, compiled detection set. It is safe for concurrent use.
type Set struct {
	rules *sigma.RuleSet
}

// Load loads and compiles the rules of cfg. Problems are returned as load
// errors; those with Note set are not defects (a rule skipped on purpose).
// The set holds every rule that loaded, whatever the errors.
func Load(cfg Config) (*Set, []*sigma.LoadError) {
	var opts sigma.Options
	var errs []*sigma.LoadError
	if cfg.Placeholders != "" {
		ph, err := sigma.LoadPlaceholders(cfg.Placeholders)
		if err != nil {
			errs = append(errs, &sigma.LoadError{File: cfg.Placeholders, Reason: err.Error()})
		}
		opts.Placeholders = ph
	}
	var lists [][]*sigma.Rule
	if !cfg.NoBuiltin {
		rs, es := sigma.LoadFS(builtin.FS(), builtin.SourcePrefix, opts)
		lists = append(lists, rs)
		errs = append(errs, es...)
	}
	if len(cfg.RulePaths) > 0 {
		rs, es := sigma.LoadPaths(cfg.RulePaths, opts)
		lists = append(lists, rs)
		errs = append(errs, es...)
	}
	all, dups := sigma.Combine(lists...)
	errs = append(errs, dups...)
	var kept []*sigma.Rule
	for _, r := range all {
		if r.Level >= cfg.MinLevel {
			kept = append(kept, r)
		}
	}
	return NewSet(kept), errs
}

// NewSet builds a set from rules already loaded.
func NewSet(rules []*sigma.Rule) *Set {
	return &Set{rules: sigma.NewRuleSet(rules)}
}

// Rules returns the rules in the set, in load order.
func (s *Set) Rules() []*sigma.Rule { return s.rules.Rules() }

// Detect appends the hits of p to dst.
func (s *Set) Detect(p *event.Process, dst []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	scratch = s.rules.Match(p, scratch[:0])
	for _, r := range scratch {
		dst = append(dst, Hit{Rule: r})
	}
	return dst, scratch
}
