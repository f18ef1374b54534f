package correlation

import (
	"fmt"
	"slices"
	"sort"
)

// Set is a resolved set of correlation rules, ready to feed an Engine. It
// is read-only, so several engines may share it.
type Set struct {
	rules      []*resolved         // every rule after the correlations it refers to
	byBase     map[string][]target // base rule id -> the inputs it feeds
	suppressed map[string]bool     // base rule ids whose own findings are dropped
}

// resolved is a rule with its references resolved.
type resolved struct {
	*Rule
	index    int
	inputs   []input
	feeds    []target // the correlations referring to this one
	quiet    bool     // referred to by correlations, none with generate: its findings are not reported
	upstream []int    // the correlations this one refers to
}

// input is one referenced rule of a correlation.
type input struct {
	base       string   // the base rule's id, or "" for a correlation
	chain      int      // index of the referenced correlation when base is ""
	groupBy    []string // the field of each group-by name in this input's records
	valueField string   // the field counted by value_count in this input's records
}

// target is one input of one rule: where a match is delivered.
type target struct{ rule, pos int }

// Resolve resolves the references of correlation rules: each reference
// names another correlation of rules (by id or name) or a base rule, which
// lookup turns into the base rule's id. A rule with a reference that
// resolves to nothing, or to two rules, one in a reference cycle, one with
// an id or name already taken, or one referring to a rule dropped for any
// of these, is left out with an error. The others form the set.
func Resolve(rules []*Rule, lookup func(ref string) (baseID string, ok bool)) (*Set, []*Error) {
	var errs []*Error
	fail := func(r *Rule, format string, args ...any) {
		errs = append(errs, &Error{File: r.Source, Line: r.Line, RuleID: r.ID, Reason: fmt.Sprintf(format, args...)})
	}
	byRef := map[string]*Rule{} // correlation ids and names
	var kept []*Rule
	for _, r := range rules {
		switch first, dup := byRef[r.ID]; {
		case dup:
			fail(r, "id %q is already used by the correlation at %s; this one is skipped", r.ID, first.Location())
			continue
		case r.Name != "" && byRef[r.Name] != nil:
			fail(r, "name %q is already used by the correlation at %s; this one is skipped", r.Name, byRef[r.Name].Location())
			continue
		}
		if _, ok := lookup(r.ID); ok {
			fail(r, "id %q is already used by a rule; this correlation is skipped", r.ID)
			continue
		}
		byRef[r.ID] = r
		if r.Name != "" {
			byRef[r.Name] = r
		}
		kept = append(kept, r)
	}
	deps := map[*Rule][]*Rule{}
	bad := map[*Rule]bool{}
	for _, r := range kept {
		seen := map[string]string{}
		for _, ref := range r.Rules {
			chained, isCorr := byRef[ref]
			baseID, isBase := lookup(ref)
			key := baseID
			switch {
			case isCorr && isBase:
				fail(r, "reference %q names both a correlation and a rule", ref)
			case !isCorr && !isBase:
				fail(r, "refers to rule %q, which is not loaded (no rule or correlation has that id or name)", ref)
			case isCorr:
				key = "correlation " + chained.ID
				deps[r] = append(deps[r], chained)
			}
			if prev, twice := seen[key]; twice && key != "" {
				fail(r, "references %q and %q name the same rule", prev, ref)
				bad[r] = true
			}
			seen[key] = ref
			if isCorr == isBase {
				bad[r] = true
			}
		}
	}
	order := dependencyOrder(kept, deps, bad, fail)
	return buildSet(order, deps, lookup, fail), errs
}

// dependencyOrder orders rules so each comes after the correlations it
// refers to, dropping (with an error) the rules in a cycle and those that
// depend on a dropped rule.
func dependencyOrder(rules []*Rule, deps map[*Rule][]*Rule, bad map[*Rule]bool, fail func(*Rule, string, ...any)) []*Rule {
	const (
		visiting = 1
		done     = 2
	)
	state := map[*Rule]int{}
	var order []*Rule
	var visit func(r *Rule) bool // reports whether r is usable
	visit = func(r *Rule) bool {
		switch state[r] {
		case visiting:
			fail(r, "is part of a reference cycle between correlations")
			bad[r] = true
			return false
		case done:
			return !bad[r]
		}
		state[r] = visiting
		ok := !bad[r]
		for _, d := range deps[r] {
			if !visit(d) {
				if ok && !bad[r] {
					fail(r, "refers to correlation %q, which is not loaded", d.ID)
				}
				ok = false
			}
		}
		state[r] = done
		if !ok {
			bad[r] = true
			return false
		}
		order = append(order, r)
		return true
	}
	for _, r := range rules {
		visit(r)
	}
	return order
}

// buildSet resolves the inputs of rules already ordered and checked,
// dropping a rule whose group-by the correlation it refers to cannot
// provide.
func buildSet(order []*Rule, deps map[*Rule][]*Rule, lookup func(string) (string, bool), fail func(*Rule, string, ...any)) *Set {
	s := &Set{byBase: map[string][]target{}, suppressed: map[string]bool{}}
	index := map[*Rule]int{}
	generated := map[string]bool{}
	for _, r := range order {
		res := &resolved{Rule: r, index: len(s.rules)}
		ok := true
		for i, ref := range r.Rules {
			in := input{chain: -1}
			for _, g := range r.GroupBy {
				in.groupBy = append(in.groupBy, r.fieldFor(g, i))
			}
			if r.Type == ValueCount {
				in.valueField = r.fieldFor(r.Condition.Field, i)
			}
			if id, isBase := lookup(ref); isBase {
				in.base = id
			} else {
				d := findDep(deps[r], ref)
				j, loaded := index[d]
				if !loaded {
					fail(r, "refers to correlation %q, which is not loaded", d.ID)
					ok = false
					break
				}
				in.chain = j
				inner := s.rules[j]
				for _, f := range append(slices.Clip(in.groupBy), in.valueField) {
					if f != "" && !slices.Contains(inner.GroupBy, f) {
						fail(r, "uses field %q of correlation %q, which groups by %v only", f, inner.ID, inner.GroupBy)
						ok = false
					}
				}
			}
			res.inputs = append(res.inputs, in)
		}
		if !ok {
			continue
		}
		index[r] = res.index
		s.rules = append(s.rules, res)
		for pos, in := range res.inputs {
			t := target{res.index, pos}
			if in.base != "" {
				s.byBase[in.base] = append(s.byBase[in.base], t)
				generated[in.base] = generated[in.base] || r.Generate
				continue
			}
			inner := s.rules[in.chain]
			inner.feeds = append(inner.feeds, t)
			res.upstream = append(res.upstream, in.chain)
		}
	}
	for _, res := range s.rules {
		if len(res.feeds) > 0 {
			res.quiet = true
			for _, t := range res.feeds {
				res.quiet = res.quiet && !s.rules[t.rule].Generate
			}
		}
	}
	for id, gen := range generated {
		if !gen {
			s.suppressed[id] = true
		}
	}
	return s
}

// findDep returns the correlation of deps that ref names.
func findDep(deps []*Rule, ref string) *Rule {
	for _, d := range deps {
		if d.ID == ref || d.Name == ref {
			return d
		}
	}
	return nil
}

// Rules returns the rules of the set, each after the correlations it
// refers to.
func (s *Set) Rules() []*Rule {
	out := make([]*Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.Rule
	}
	return out
}

// BaseRules returns the ids of the base rules the set needs the matches
// of, sorted.
func (s *Set) BaseRules() []string {
	out := make([]string, 0, len(s.byBase))
	for id := range s.byBase {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Wants reports whether the matches of base rule id feed a correlation.
func (s *Set) Wants(id string) bool { _, ok := s.byBase[id]; return ok }

// Suppressed reports whether the findings of base rule id are dropped:
// it feeds correlations and none of them says generate: true (the
// specification's default is to report the correlation only).
func (s *Set) Suppressed(id string) bool { return s.suppressed[id] }

// SuppressedRules returns the ids of the base rules whose own findings
// are dropped, sorted.
func (s *Set) SuppressedRules() []string {
	out := make([]string, 0, len(s.suppressed))
	for id := range s.suppressed {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
