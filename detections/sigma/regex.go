package sigma

import (
	"regexp"
	"regexp/syntax"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// regexTimeout bounds one match of a backtracking regular expression.
const regexTimeout = 250 * time.Millisecond

// regexMatcher: the re modifier. Patterns Go's RE2 engine accepts run
// there; the others run on the backtracking regexp2 engine.
type regexMatcher struct {
	re     *lazyRegexp // the expression, compiled on first use
	search *lazyRegexp // the faster form for searching, compiled on first use
	bt     *regexp2.Regexp
	req    requirement   // texts every match contains (unbound), for the prefilter
	minLen int           // no text shorter than this (in bytes) can match
	run    *runMatcher   // the whole expression is a run of one class
	runs   []*runMatcher // runs of one class every match contains
}

func (m regexMatcher) match(v value, _ record) bool {
	if !v.present {
		return false
	}
	if m.re != nil {
		s := v.text()
		if len(s) < m.minLen {
			return false
		}
		if m.run != nil {
			return m.run.match(s)
		}
		if !m.literalsPresent(s) {
			return false
		}
		for _, r := range m.runs {
			if !r.match(s) {
				return false
			}
		}
		if m.search != nil {
			return m.search.get().MatchString(s)
		}
		return m.re.get().MatchString(s)
	}
	ok, err := m.bt.MatchString(v.text())
	return err == nil && ok
}

// compileRegex compiles a rule's regular expression with the re flags.
func compileRegex(src string, fold, multiline, dotAll bool) (regexMatcher, error) {
	flags := ""
	opts := regexp2.None
	if fold {
		flags += "i"
		opts |= regexp2.IgnoreCase
	}
	if multiline {
		flags += "m"
		opts |= regexp2.Multiline
	}
	if dotAll {
		flags += "s"
		opts |= regexp2.Singleline
	}
	goSrc := src
	if flags != "" {
		goSrc = "(?" + flags + ")" + src
	}
	// What the RE2 parser accepts regexp.Compile compiles (it parses it
	// the same way first); compiling waits for the first text that gets
	// past the checks below, which most never do.
	parsed, err := syntax.Parse(goSrc, syntax.Perl)
	if err == nil {
		whole := &lazyRegexp{src: goSrc}
		m := regexMatcher{re: whole}
		simple := parsed.Simplify()
		m.req = regexRequirement(simple)
		m.minLen = minRunes(simple)
		m.run = asRun(simple)
		m.runs = requiredRuns(simple)
		if trimmed := trimForSearch(parsed); trimmed != parsed {
			m.search = &lazyRegexp{src: printRegexp(trimmed), fallback: whole}
		}
		return m, nil
	}
	bt, btErr := regexp2.Compile(src, opts)
	if btErr != nil {
		return regexMatcher{}, err
	}
	bt.MatchTimeout = regexTimeout
	return regexMatcher{bt: bt}, nil
}

// lazyRegexp is an expression compiled when first used: most rules of a
// large set never reach their regular expression, and compiling all of
// them is most of what loading the built-in rules costs. It is safe for
// concurrent use.
type lazyRegexp struct {
	once     sync.Once
	src      string
	fallback *lazyRegexp // used if src does not compile
	re       *regexp.Regexp
}

// neverMatches stands in for an expression that does not compile after
// all (the parser accepted it, so it cannot happen).
var neverMatches = regexp.MustCompile(`[^\x00-\x{10FFFF}]`)

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() {
		re, err := regexp.Compile(l.src)
		switch {
		case err == nil:
			l.re = re
		case l.fallback != nil:
			l.re = l.fallback.get()
		default:
			l.re = neverMatches
		}
	})
	return l.re
}

// minRunes returns the fewest characters a match of re can have: a text
// with fewer bytes cannot match, which saves running expressions like
// .{1000,} over short command lines.
func minRunes(re *syntax.Regexp) int {
	const limit = 1 << 20
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minRunes(re.Sub[0])
	case syntax.OpRepeat:
		return min(re.Min*minRunes(re.Sub[0]), limit)
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n = min(n+minRunes(sub), limit)
		}
		return n
	case syntax.OpAlternate:
		n := limit
		for _, sub := range re.Sub {
			n = min(n, minRunes(sub))
		}
		return n
	}
	return 0
}

// literalsPresent checks, before running the expression, that s holds a
// needle of each clause of its literal requirement: a search for a byte
// is far cheaper than running the expression.
func (m regexMatcher) literalsPresent(s string) bool {
	for _, c := range m.req {
		found := false
		for _, n := range c {
			if hasNeedle(s, n.text) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// minRunLen is the shortest run requiredRuns checks before a regular
// expression: shorter runs are common and not worth a pass.
const minRunLen = 8

// requiredRuns returns the runs of one character class a match must
// contain: the parts of a top-level concatenation built from one class
// with at least minRunLen characters (\s[a-f0-9]{64}\s needs 64 hex
// digits in a row).
func requiredRuns(re *syntax.Regexp) []*runMatcher {
	if re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat {
		return nil
	}
	var out []*runMatcher
	for i := 0; i < len(re.Sub); {
		// Simplify writes x{n} as n copies of x: group equal neighbours.
		j := i + 1
		for j < len(re.Sub) && classRanges(re.Sub[i]) != nil && re.Sub[j].Equal(re.Sub[i]) {
			j++
		}
		part := &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[i:j]}
		if r := asRun(part); r != nil && r.min >= minRunLen {
			out = append(out, r)
		} else if j == i+1 {
			if r := asRun(re.Sub[i]); r != nil && r.min >= minRunLen {
				out = append(out, r)
			}
		}
		i = j
	}
	return out
}

// runMatcher matches an unanchored regular expression of the form C{n,}
// or C{n,m} with C one character class: it holds when n characters of the
// class follow each other. Go's regexp expands the repetition into n
// instructions and steps through all of them for every input character,
// which makes .{1000,} cost milliseconds on a long command line; counting
// the run is linear.
type runMatcher struct {
	ranges []rune // pairs of inclusive bounds, as syntax.Regexp.Rune
	min    int
}

// asRun recognizes a simplified regular expression built from one
// character class C alone (C{n,}, C{n,m}, C+, ...), or returns nil. Any
// such expression matches an unanchored text exactly when the text has a
// run of as many C characters as its shortest match.
func asRun(re *syntax.Regexp) *runMatcher {
	class := firstClass(re)
	if class == nil || !onlyClass(re, class) {
		return nil
	}
	if n := minRunes(re); n > 0 {
		return &runMatcher{ranges: classRanges(class), min: n}
	}
	return nil
}

// firstClass finds the first one-character expression of re.
func firstClass(re *syntax.Regexp) *syntax.Regexp {
	if classRanges(re) != nil {
		return re
	}
	for _, sub := range re.Sub {
		if c := firstClass(sub); c != nil {
			return c
		}
	}
	return nil
}

// onlyClass reports whether re is made of class with concatenation and
// repetition only.
func onlyClass(re, class *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return re.Equal(class)
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat, syntax.OpConcat:
		for _, sub := range re.Sub {
			if !onlyClass(sub, class) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}

// classRanges returns the ranges of a one-character expression, or nil.
func classRanges(re *syntax.Regexp) []rune {
	switch re.Op {
	case syntax.OpCharClass:
		return re.Rune
	case syntax.OpAnyCharNotNL:
		return []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}
	case syntax.OpAnyChar:
		return []rune{0, utf8.MaxRune}
	}
	return nil
}

func (m *runMatcher) match(s string) bool {
	run := 0
	for _, r := range s {
		if m.in(r) {
			if run++; run >= m.min {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func (m *runMatcher) in(r rune) bool {
	for i := 0; i+1 < len(m.ranges); i += 2 {
		if m.ranges[i] <= r && r <= m.ranges[i+1] {
			return true
		}
	}
	return false
}
