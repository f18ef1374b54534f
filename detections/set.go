package detections

import (
	"fmt"
	"sync"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/builtin"
	"github.com/evtxhunt/evtxhunt/detections/cmdline"
	"github.com/evtxhunt/evtxhunt/detections/correlation"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Config says which rules to load.
type Config struct {
	NoBuiltin    bool     // leave the built-in rules and command-line checks out
	RulePaths    []string // Sigma rule files or folders (-r)
	Placeholders string   // YAML file of expand placeholders (optional)
	MinLevel     sigma.Level
	// LongCommandLine is the length above which the long command-line
	// check fires; 0 means cmdline.DefaultLongThreshold.
	LongCommandLine int
}

// Hit is one detection on one event. Rule is the Sigma rule that matched,
// or the stand-in rule of a command-line check (same id, title, level,
// tags and description as the check), so allowlists and reports treat
// both alike. Reason and Decoded are set by checks.
type Hit struct {
	Rule    *sigma.Rule
	Reason  string
	Decoded string
}

// Set is the loaded, compiled detection set. It is safe for concurrent use.
type Set struct {
	rules      *sigma.RuleSet
	checker    *cmdline.Checker // nil when checks are off
	checkRules map[*cmdline.Check]*sigma.Rule
	all        []*sigma.Rule // rules, then check stand-ins
	corr       *correlation.Set
	deferred   *deferredRules // the rules DetectLate runs (late.go)
	memoFields []memoField    // what Detect reads of an event (memokey.go)
}

// Load loads and compiles the rules of cfg. Problems are returned as load
// errors; those with Note set are not defects (a rule skipped on purpose).
// The set holds every rule that loaded, whatever the errors. Correlation
// rules (the built-in ones unless NoBuiltin, and those of RulePaths) are
// resolved against the loaded rules; MinLevel applies to a correlation's
// own level, and the rules a kept correlation refers to stay loaded
// whatever their level.
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
	// The built-in rules and the -r paths are read side by side; their
	// results are joined in that order.
	type loaded struct {
		rules []*sigma.Rule
		corrs []*correlation.Rule
		errs  []*sigma.LoadError
	}
	var fromPaths loaded
	var paths sync.WaitGroup
	if len(cfg.RulePaths) > 0 {
		paths.Go(func() { fromPaths.rules, fromPaths.corrs, fromPaths.errs = sigma.LoadPaths(cfg.RulePaths, opts) })
	}
	var lists [][]*sigma.Rule
	var corrs []*correlation.Rule
	if !cfg.NoBuiltin {
		rs, _, es := sigma.LoadFS(builtin.FS(), builtin.SourcePrefix, opts)
		lists = append(lists, rs)
		errs = append(errs, es...)
		rs, cs, es := sigma.LoadFS(correlation.Builtin(), correlation.BuiltinPrefix, opts)
		lists = append(lists, rs)
		corrs = append(corrs, cs...)
		errs = append(errs, es...)
	}
	paths.Wait()
	if len(cfg.RulePaths) > 0 {
		lists = append(lists, fromPaths.rules)
		corrs = append(corrs, fromPaths.corrs...)
		errs = append(errs, fromPaths.errs...)
	}
	all, dups := sigma.Combine(lists...)
	errs = append(errs, dups...)
	cset, cerrs := ResolveCorrelations(all, corrs, cfg.MinLevel)
	errs = append(errs, cerrs...)
	var kept []*sigma.Rule
	for _, r := range all {
		if r.Level >= cfg.MinLevel || cset.Wants(r.ID) {
			kept = append(kept, r)
		}
	}
	s := NewSet(kept)
	s.corr = cset
	if !cfg.NoBuiltin {
		s.enableChecks(cmdline.New(cmdline.Options{LongThreshold: cfg.LongCommandLine}), cfg.MinLevel)
	}
	return s, errs
}

// ResolveCorrelations keeps the correlations of at least minLevel and
// resolves their references against the rules' ids and names (a name two
// rules share resolves to neither, and is reported).
func ResolveCorrelations(rules []*sigma.Rule, corrs []*correlation.Rule, minLevel sigma.Level) (*correlation.Set, []*sigma.LoadError) {
	var errs []*sigma.LoadError
	kept := correlationsAtLevel(corrs, minLevel)
	refs := map[string]string{}
	ambiguous := map[string]bool{}
	for _, r := range rules {
		refs[r.ID] = r.ID
	}
	for _, r := range rules {
		if r.Name == "" {
			continue
		}
		if id, taken := refs[r.Name]; taken && id != r.ID {
			ambiguous[r.Name] = true
			errs = append(errs, &sigma.LoadError{File: r.Source, Line: r.Line, RuleID: r.ID,
				Reason: fmt.Sprintf("name %q is also the id or name of rule %s; correlations cannot refer to it", r.Name, id)})
			continue
		}
		refs[r.Name] = r.ID
	}
	cset, cerrs := correlation.Resolve(kept, func(ref string) (string, bool) {
		id, ok := refs[ref]
		return id, ok && !ambiguous[ref]
	})
	return cset, append(errs, sigma.CorrelationErrors(cerrs)...)
}

// correlationsAtLevel keeps the correlations of at least minLevel and
// those they refer to, directly or through others, whatever their level.
func correlationsAtLevel(corrs []*correlation.Rule, minLevel sigma.Level) []*correlation.Rule {
	keep := map[*correlation.Rule]bool{}
	byRef := map[string][]*correlation.Rule{}
	var todo []*correlation.Rule
	for _, c := range corrs {
		byRef[c.ID] = append(byRef[c.ID], c)
		if c.Name != "" {
			byRef[c.Name] = append(byRef[c.Name], c)
		}
		if l, err := sigma.ParseLevel(c.Level); err != nil || l >= minLevel {
			keep[c] = true
			todo = append(todo, c)
		}
	}
	for len(todo) > 0 {
		c := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, ref := range c.Rules {
			for _, d := range byRef[ref] {
				if !keep[d] {
					keep[d] = true
					todo = append(todo, d)
				}
			}
		}
	}
	var kept []*correlation.Rule
	for _, c := range corrs {
		if keep[c] {
			kept = append(kept, c)
		}
	}
	return kept
}

// Correlations returns the resolved correlation rules of the set (an
// empty set when none loaded). It is shared: do not change it.
func (s *Set) Correlations() *correlation.Set { return s.corr }

// NewSet builds a set from rules already loaded, without command-line
// checks.
func NewSet(rules []*sigma.Rule) *Set {
	rs := sigma.NewRuleSet(rules)
	none, _ := correlation.Resolve(nil, nil)
	return &Set{rules: rs, all: rs.Rules(), corr: none, deferred: newDeferredRules(rs.Rules()),
		memoFields: memoFields(rs.Rules(), false)}
}

// enableChecks adds the command-line checks of at least minLevel.
func (s *Set) enableChecks(c *cmdline.Checker, minLevel sigma.Level) {
	s.checker = c
	s.checkRules = map[*cmdline.Check]*sigma.Rule{}
	s.all = append([]*sigma.Rule(nil), s.all...)
	for _, ck := range cmdline.Checks() {
		if ck.Level < minLevel {
			continue
		}
		r := CheckRule(ck)
		s.checkRules[ck] = r
		s.all = append(s.all, r)
	}
	s.memoFields = memoFields(s.rules.Rules(), true)
}

// CheckRule returns the stand-in rule of a command-line check: it carries
// the check's metadata and never matches on its own.
func CheckRule(ck *cmdline.Check) *sigma.Rule {
	return &sigma.Rule{ID: ck.ID, Title: ck.Title, Status: "stable", Description: ck.Description,
		Author: "evtxhunt", Level: ck.Level, Tags: ck.Tags, Source: builtin.SourcePrefix + "cmdline", Line: 0}
}

// Rules returns the rules in the set, in load order, followed by the
// stand-ins of the command-line checks.
func (s *Set) Rules() []*sigma.Rule { return s.all }

// DetectEvent appends the hits of the general event e (any record other
// than a process creation) to dst: the rules whose log source includes
// e's channel and event id and that match it, in rule order. scratch is a
// buffer reused between calls; it is returned for the next call. The
// command-line checks only run on process events (Detect).
func (s *Set) DetectEvent(e *event.Event, dst []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	scratch = s.rules.MatchEvent(e, scratch[:0])
	for _, r := range scratch {
		dst = append(dst, Hit{Rule: r})
	}
	return dst, scratch
}

// Selection returns the records, beyond process creations, that the
// set's rules need decoded in full (see sigma.RuleSet.Selection); give it
// to the reading pipeline as pipeline.Options.Want. It is shared: do not
// change it.
func (s *Set) Selection() *event.Selection { return s.rules.Selection() }

// Detect appends the hits of the process event p to dst: matching rules
// in rule order (process_creation rules, and rules of other log sources
// that include p's channel and event id), then the command-line checks
// that fire. scratch is a buffer reused between
// calls; it is returned for the next call. Nothing is allocated for an
// event without hits once the buffers have grown.
func (s *Set) Detect(p *event.Process, dst []Hit, scratch []*sigma.Rule) ([]Hit, []*sigma.Rule) {
	scratch = s.rules.Match(p, scratch[:0])
	for _, r := range scratch {
		dst = append(dst, Hit{Rule: r})
	}
	return s.runChecks(p, dst), scratch
}

// runChecks appends the hits of the command-line checks on p.
func (s *Set) runChecks(p *event.Process, dst []Hit) []Hit {
	if s.checker == nil {
		return dst
	}
	for _, h := range s.checker.Run(p, nil) {
		if r, ok := s.checkRules[h.Check]; ok {
			dst = append(dst, Hit{Rule: r, Reason: h.Reason, Decoded: h.Decoded})
		}
	}
	return dst
}
