package correlation

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// sectionKeys are the attributes of the correlation section. generate is
// accepted here too (pySigma reads it here, the JSON schema at the top).
var sectionKeys = []string{"type", "rules", "group-by", "timespan", "condition", "aliases", "generate"}

// conditionKeys are the comparisons of a condition.
var conditionKeys = []string{"gt", "gte", "lt", "lte", "eq"}

// MaxTimespan is the longest timespan a rule may give.
const MaxTimespan = 366 * 24 * time.Hour

// maxRules bounds the rules one correlation refers to (the ordered check
// and the per-rule counts are sized by it).
const maxRules = 64

var timespanRE = regexp.MustCompile(`^([0-9]{1,7})([smhd])$`)

// readSection reads the correlation section into r. topGenerate is the
// top-level generate attribute, or nil.
func readSection(r *Rule, sec, topGenerate *yaml.Node, fail func(*nodeError)) {
	var cond, aliases, rulesNode *yaml.Node
	var gotType, gotTimespan bool
	for i := 0; i+1 < len(sec.Content); i += 2 {
		k, v := sec.Content[i], sec.Content[i+1]
		var err *nodeError
		switch k.Value {
		case "type":
			var s string
			if s, err = scalar(v, "type"); err == nil {
				gotType = true
				if r.Type = typeByName(s); r.Type == 0 {
					err = errAt(v, "unknown correlation type %q (want event_count, value_count, temporal or temporal_ordered)", s)
				}
			}
		case "rules":
			rulesNode = v
			r.Rules, err = readRuleList(v)
		case "group-by":
			r.GroupBy, err = readFieldList(v, "group-by")
		case "timespan":
			gotTimespan = true
			r.Timespan, err = readTimespan(v)
		case "condition":
			cond = v
		case "aliases":
			aliases = v
		case "generate":
			if topGenerate != nil {
				err = errAt(k, "generate is given twice: at the top of the rule (line %d) and in its correlation section", topGenerate.Line)
			} else {
				topGenerate = v
			}
		case "ordered":
			err = errAt(k, "ordered is not a correlation attribute: use type: temporal_ordered")
		default:
			err = errAt(k, "unknown correlation attribute %q%s (want %s)", k.Value, suggest(k.Value, sectionKeys), strings.Join(sectionKeys[:6], ", "))
		}
		if err != nil {
			fail(err)
		}
	}
	if topGenerate != nil {
		var err *nodeError
		if r.Generate, err = readBool(topGenerate, "generate"); err != nil {
			fail(err)
		}
	}
	if !gotType {
		fail(&nodeError{sec.Line, "correlation has no type"})
	}
	if rulesNode == nil {
		fail(&nodeError{sec.Line, "correlation has no rules"})
	} else if (r.Type == Temporal || r.Type == TemporalOrdered) && len(r.Rules) == 1 {
		fail(errAt(rulesNode, "a %s correlation needs at least two rules", r.Type))
	}
	if !gotTimespan {
		fail(&nodeError{sec.Line, "correlation has no timespan"})
	}
	readCondition(r, sec, cond, fail)
	if aliases != nil {
		if err := readAliases(r, aliases); err != nil {
			fail(err)
		}
	}
}

func typeByName(s string) Type {
	for t, name := range typeNames {
		if name == s {
			return t
		}
	}
	return 0
}

// readRuleList reads the referenced rules: a non-empty list of distinct,
// non-empty ids or names.
func readRuleList(n *yaml.Node) ([]string, *nodeError) {
	list, err := stringList(n, "rules", false)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errAt(n, "rules is empty")
	}
	if len(list) > maxRules {
		return nil, errAt(n, "rules lists %d rules; at most %d are supported", len(list), maxRules)
	}
	for i, s := range list {
		switch {
		case s == "":
			return nil, errAt(n.Content[i], "rules holds an empty reference")
		case slices.Contains(list[:i], s):
			return nil, errAt(n.Content[i], "rule %q is listed twice", s)
		}
	}
	return list, nil
}

// readFieldList reads a list of distinct, non-empty field names.
func readFieldList(n *yaml.Node, key string) ([]string, *nodeError) {
	list, err := stringList(n, key, false)
	if err != nil {
		return nil, err
	}
	for i, s := range list {
		switch {
		case s == "":
			return nil, errAt(n.Content[i], "%s holds an empty field name", key)
		case slices.Contains(list[:i], s):
			return nil, errAt(n.Content[i], "%s lists %q twice", key, s)
		}
	}
	return list, nil
}

// readTimespan reads a timespan: a whole number and one of s, m, h, d.
func readTimespan(n *yaml.Node) (time.Duration, *nodeError) {
	bad := errAt(n, "timespan must be a whole number followed by s, m, h or d (e.g. 90m), got %q", n.Value)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return 0, bad
	}
	m := timespanRE.FindStringSubmatch(n.Value)
	if m == nil {
		return 0, bad
	}
	count, _ := strconv.ParseInt(m[1], 10, 64) // at most 7 digits
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	switch {
	case count == 0:
		return 0, errAt(n, "timespan must be longer than zero")
	case count > int64(MaxTimespan/unit):
		return 0, errAt(n, "timespan %s is longer than the %d days supported", n.Value, MaxTimespan/(24*time.Hour))
	}
	return time.Duration(count) * unit, nil
}

// readCondition reads the condition (cond may be nil) and checks it
// against the type: event_count and value_count need one, value_count
// needs its field, and temporal rules default to "every rule".
func readCondition(r *Rule, sec, cond *yaml.Node, fail func(*nodeError)) {
	temporal := r.Type == Temporal || r.Type == TemporalOrdered
	if cond == nil {
		switch {
		case temporal:
			r.Condition = anyCount
			r.Condition.Min = int64(len(r.Rules))
			r.Condition.text = "all " + strconv.Itoa(len(r.Rules)) + " rules"
		case r.Type == ValueCount:
			fail(&nodeError{sec.Line, "a value_count correlation needs a condition (e.g. field: TargetUserName, gte: 10)"})
		case r.Type != 0:
			fail(&nodeError{sec.Line, "an " + r.Type.String() + " correlation needs a condition (e.g. gte: 10)"})
		}
		return
	}
	c, err := parseCondition(cond)
	if err != nil {
		fail(err)
		return
	}
	switch {
	case r.Type == ValueCount && c.Field == "":
		fail(errAt(cond, "a value_count condition needs the field whose distinct values it counts (field: Name)"))
	case r.Type != ValueCount && r.Type != 0 && c.Field != "":
		fail(errAt(cond, "field is only used by value_count correlations"))
	case c.Max < 1:
		fail(errAt(cond, "condition %s can never be true: a window holds at least one record", c.text))
	case temporal && c.Min > int64(len(r.Rules)):
		fail(errAt(cond, "condition %s can never be true: the count of a %s correlation is at most its %d rules", c.text, r.Type, len(r.Rules)))
	}
	r.Condition = c
}

// parseCondition reads a condition map: comparisons combined with AND and
// an optional field.
func parseCondition(n *yaml.Node) (Condition, *nodeError) {
	c := anyCount
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		return c, errAt(n, "condition %q: expressions over rule names are not supported; give a count (e.g. gte: 2)", n.Value)
	}
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return c, errAt(n, "condition must be a map of gt, gte, lt, lte or eq to a count")
	}
	var parts []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "field" {
			if v.Kind == yaml.SequenceNode {
				return c, errAt(v, "condition field must name one field")
			}
			f, err := scalar(v, "condition field")
			if err == nil && f == "" {
				err = errAt(v, "condition field is empty")
			}
			if err != nil {
				return c, err
			}
			c.Field = f
			continue
		}
		if !slices.Contains(conditionKeys, k.Value) {
			return c, errAt(k, "unknown condition %q%s (want gt, gte, lt, lte, eq or field)", k.Value, suggest(k.Value, conditionKeys))
		}
		if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
			return c, errAt(v, "condition %s must be a whole number", k.Value)
		}
		x, perr := strconv.ParseInt(v.Value, 10, 64)
		if perr != nil || x < 0 {
			return c, errAt(v, "condition %s must be a whole number from 0 to %d, got %q", k.Value, int64(math.MaxInt64), v.Value)
		}
		parts = append(parts, k.Value+" "+v.Value)
		switch k.Value {
		case "gt":
			if x == math.MaxInt64 {
				return c, errAt(v, "condition gt %s can never be true", v.Value)
			}
			c.Min = max(c.Min, x+1)
		case "gte":
			c.Min = max(c.Min, x)
		case "lt":
			c.Max = min(c.Max, x-1)
		case "lte":
			c.Max = min(c.Max, x)
		case "eq":
			c.Min, c.Max = max(c.Min, x), min(c.Max, x)
		}
	}
	c.text = strings.Join(parts, " and ")
	switch {
	case len(parts) == 0:
		return c, errAt(n, "condition has no comparison (gt, gte, lt, lte or eq)")
	case c.Min > c.Max:
		return c, errAt(n, "condition %s can never be true", c.text)
	}
	return c, nil
}

// readAliases reads alias -> {rule reference -> field}; every reference
// must be one of the rule's, and every alias used in group-by or as the
// condition's field.
func readAliases(r *Rule, n *yaml.Node) *nodeError {
	if n.Kind != yaml.MappingNode {
		return errAt(n, "aliases must be a map of alias names to maps of rule to field")
	}
	r.Aliases = map[string]map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		alias := k.Value
		if k.Kind != yaml.ScalarNode || alias == "" {
			return errAt(k, "alias names must be non-empty strings")
		}
		if !slices.Contains(r.GroupBy, alias) && r.Condition.Field != alias {
			return errAt(k, "alias %q is used neither in group-by nor as the condition's field", alias)
		}
		if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
			return errAt(v, "alias %q must map rule names to field names", alias)
		}
		fields := map[string]string{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			rk, fv := v.Content[j], v.Content[j+1]
			if !slices.Contains(r.Rules, rk.Value) {
				return errAt(rk, "alias %q names rule %q, which is not in rules", alias, rk.Value)
			}
			f, err := scalar(fv, "the field of alias "+alias)
			if err == nil && f == "" {
				err = errAt(fv, "the field of alias %q for rule %q is empty", alias, rk.Value)
			}
			if err != nil {
				return err
			}
			fields[rk.Value] = f
		}
		r.Aliases[alias] = fields
	}
	return nil
}
