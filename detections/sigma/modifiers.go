package sigma

import (
	"fmt"
	"sort"
	"strings"
)

// modifiers is the parsed modifier chain of one field key.
type modifiers struct {
	anchor            string // "", "contains", "startswith", "endswith"
	all, cased        bool
	windash, expand   bool
	re                bool
	reFold, reMulti   bool
	reDotAll          bool
	exists, cidr, neq bool
	fieldref          bool
	compare           string   // "", "lt", "lte", "gt", "gte"
	encodings         []string // utf16le/utf16be/utf16/wide/base64/base64offset, in order
}

var knownModifiers = []string{
	"contains", "startswith", "endswith", "all", "windash", "re", "i", "m", "s",
	"base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "cased",
	"exists", "cidr", "lt", "lte", "gt", "gte", "neq", "fieldref", "expand",
}

// parseModifiers reads the modifier chain after the field name and checks
// that the modifiers can be combined.
func parseModifiers(chain []string) (modifiers, error) {
	var m modifiers
	seen := map[string]bool{}
	for _, name := range chain {
		if seen[name] {
			return m, fmt.Errorf("modifier %q given twice", name)
		}
		seen[name] = true
		switch name {
		case "contains", "startswith", "endswith":
			if m.anchor != "" {
				return m, fmt.Errorf("modifiers %q and %q exclude each other", m.anchor, name)
			}
			m.anchor = name
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "windash":
			m.windash = true
		case "expand":
			m.expand = true
		case "re":
			m.re = true
		case "i":
			m.reFold = true
		case "m":
			m.reMulti = true
		case "s":
			m.reDotAll = true
		case "exists":
			m.exists = true
		case "cidr":
			m.cidr = true
		case "neq":
			m.neq = true
		case "fieldref":
			m.fieldref = true
		case "lt", "lte", "gt", "gte":
			if m.compare != "" {
				return m, fmt.Errorf("modifiers %q and %q exclude each other", m.compare, name)
			}
			m.compare = name
		case "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide":
			m.encodings = append(m.encodings, name)
		case "":
			return m, fmt.Errorf("empty modifier (two | in a row?)")
		default:
			return m, fmt.Errorf("unknown modifier %q%s", name, suggest(name, knownModifiers))
		}
	}
	return m, m.check(seen)
}

// check rejects combinations that have no meaning.
func (m *modifiers) check(seen map[string]bool) error {
	only := func(name string, allowed ...string) error {
		ok := map[string]bool{name: true}
		for _, a := range allowed {
			ok[a] = true
		}
		var bad []string
		for s := range seen {
			if !ok[s] {
				bad = append(bad, s)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			return fmt.Errorf("modifier %q cannot be combined with %s", name, strings.Join(bad, ", "))
		}
		return nil
	}
	switch {
	case (m.reFold || m.reMulti || m.reDotAll) && !m.re:
		return fmt.Errorf("modifiers i, m and s only apply to re")
	case m.re:
		return only("re", "i", "m", "s", "all", "neq")
	case m.exists:
		return only("exists")
	case m.cidr:
		return only("cidr", "all", "neq")
	case m.compare != "":
		return only(m.compare)
	case m.fieldref:
		return only("fieldref", "contains", "startswith", "endswith", "cased", "all", "neq")
	}
	if m.neq && m.all {
		return fmt.Errorf("modifiers neq and all exclude each other")
	}
	return m.checkEncodings()
}

// checkEncodings requires a UTF-16 transformation to be followed by a
// Base64 one (UTF-16 bytes never appear in decoded text fields) and allows
// one Base64 transformation, last.
func (m *modifiers) checkEncodings() error {
	enc := m.encodings
	for i, e := range enc {
		isB64 := e == "base64" || e == "base64offset"
		switch {
		case isB64 && i != len(enc)-1:
			return fmt.Errorf("modifier %q must be the last encoding, found %q after it", e, enc[i+1])
		case !isB64 && i != len(enc)-2:
			return fmt.Errorf("modifier %q must be followed directly by base64 or base64offset", e)
		}
	}
	if len(enc) > 0 && m.windash {
		return fmt.Errorf("modifier windash cannot be combined with %s", enc[len(enc)-1])
	}
	return nil
}

// suggest returns ` (did you mean "x"?)` for a near miss among known
// names, or "".
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	limit := 2
	if len(name) <= 5 {
		limit = 1
	}
	if best == "" || bestDist > limit {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the optimal string alignment distance of two short
// strings: insertions, deletions, substitutions and transpositions of
// adjacent characters ("Imgae") each cost one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
