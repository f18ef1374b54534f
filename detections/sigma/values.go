package sigma

import (
	"net/netip"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// anyMatcher: the variants one value expands to (expand placeholders with
// several values, base64offset's three shifts); one must match.
type anyMatcher []matcher

func (m anyMatcher) match(v value, rec record) bool {
	for _, x := range m {
		if x.match(v, rec) {
			return true
		}
	}
	return false
}

// compileValue compiles one value of a field with its modifiers.
func compileValue(ref fieldRef, mods *modifiers, n *yaml.Node, cc *compileCtx) (matcher, *nodeError) {
	if n.Kind != yaml.ScalarNode {
		return nil, errAt(n, "value must be a string, a number or null, not a %s", kindName(n))
	}
	if n.Tag == "!!null" {
		if mods.anchor != "" || mods.re || mods.exists || mods.cidr || mods.compare != "" ||
			mods.fieldref || mods.windash || mods.expand || len(mods.encodings) > 0 || mods.neq {
			return nil, errAt(n, "null takes no modifiers")
		}
		if ref.any {
			return nil, errAt(n, "null is not a keyword")
		}
		return nullMatcher{}, nil
	}
	s := n.Value
	if mods.exists || mods.compare != "" || mods.cidr || mods.fieldref || mods.re {
		return compileTyped(mods, n, cc)
	}
	raws := []string{s}
	if mods.expand {
		var err error
		if raws, err = expandPlaceholders(s, cc.opts.Placeholders); err != nil {
			return nil, errAt(n, "%v", err)
		}
	}
	var out anyMatcher
	for _, raw := range raws {
		ms, err := compileString(ref, mods, raw, n, cc)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// compileTyped compiles a value of the type modifiers: exists, lt/lte/
// gt/gte, cidr, fieldref and re.
func compileTyped(mods *modifiers, n *yaml.Node, cc *compileCtx) (matcher, *nodeError) {
	s := n.Value
	switch {
	case mods.exists:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, errAt(n, "exists takes true or false, not %q", s)
		}
		return existsMatcher{want: b}, nil
	case mods.compare != "":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errAt(n, "%s takes a number, not %q", mods.compare, s)
		}
		return compareMatcher{op: mods.compare, n: f}, nil
	case mods.cidr:
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, errAt(n, "cidr: %v", err)
		}
		return cidrMatcher{prefix: pfx.Masked()}, nil
	case mods.fieldref:
		other := resolveField(s)
		if !other.known && !cc.general {
			if hint := suggest(s, knownFieldNames()); hint != "" {
				return nil, errAt(n, "fieldref names unknown field %q%s", s, hint)
			}
		}
		return fieldrefMatcher{other: other, anchor: mods.anchor, cased: mods.cased}, nil
	}
	m, err := compileRegex(s, mods.reFold, mods.reMulti, mods.reDotAll)
	if err != nil {
		return nil, errAt(n, "regular expression: %v", err)
	}
	return m, nil
}

// compileString compiles one string value (after placeholder expansion)
// into its matchers: wildcards, windash, encodings and anchoring.
func compileString(ref fieldRef, mods *modifiers, raw string, n *yaml.Node, cc *compileCtx) ([]matcher, *nodeError) {
	ss := parseSigmaString(raw)
	if mods.windash {
		ss = ss.windash()
	}
	cased := mods.cased
	variants := []sigmaString{ss}
	if len(mods.encodings) > 0 {
		lit, ok := ss.literalString()
		if !ok {
			return nil, errAt(n, "%s cannot encode a value with wildcards: %q", mods.encodings[len(mods.encodings)-1], raw)
		}
		variants = variants[:0]
		for _, enc := range encodeValue(lit, mods.encodings) {
			variants = append(variants, sigmaString{{kind: tokLiteral, lit: enc}})
		}
		cased = true // Base64 text is case-sensitive
	}
	var out []matcher
	for _, v := range variants {
		if lit, ok := v.literalString(); ok && mods.anchor == "" && len(mods.encodings) == 0 && (cc.general || ref.numberLike()) {
			if num, isNum := event.ParseNumber(lit); isNum {
				out = append(out, numberMatcher{n: num, pat: compilePattern(v, cased)})
				continue
			}
		}
		out = append(out, patternMatcher{pat: compilePattern(anchor(v, mods.anchor), cased)})
	}
	return out, nil
}

// anchor adds the * wildcards of the contains, startswith and endswith
// modifiers.
func anchor(s sigmaString, how string) sigmaString {
	star := token{kind: tokAnyMany}
	out := make(sigmaString, 0, len(s)+2)
	if how == "contains" || how == "endswith" {
		out = append(out, star)
	}
	out = append(out, s...)
	if how == "contains" || how == "startswith" {
		out = append(out, star)
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "map"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

// keysOf lists the placeholder names for an error message.
func keysOf(m map[string][]string) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return "no placeholders are given"
	}
	return "placeholders given: " + strings.Join(sortStrings(ks), ", ")
}
