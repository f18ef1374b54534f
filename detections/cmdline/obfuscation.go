package cmdline

import (
	"strconv"
	"strings"
)

// Thresholds of the obfuscation signals. Each was set on the shared attack
// corpus and real administrative command lines so that ordinary commands
// (paths, quoted arguments, regular expressions for findstr, format
// strings in order) stay below them.
const (
	minCaretsInWords    = 3    // p^o^w^e^r: cmd escapes inside a word
	minBackticksInWords = 2    // I`nv`oke: PowerShell escapes inside a word
	minQuotesInWords    = 4    // p"o"w"e"r or Do'wn'load
	minConcatenations   = 3    // 'Down'+'load'+'Str'+'ing'
	minCharCasts        = 3    // [char]73+[char]69+[char]88
	minCharCodes        = 20   // 91A78H101@116f46G83...: a list of character codes
	minEnvSubstrings    = 2    // %COMSPEC:~-16,1%%COMSPEC:~-1%
	minSymbolLength     = 120  // the symbol share is only meaningful on longer lines
	minSymbolShare      = 0.30 // of the non-space characters
	minExtraCaseChanges = 2    // PoWeRsHeLl: case changes beyond the normal spelling
)

// obfuscationKeywords are words whose normal spellings are known; a
// spelling with more lower-to-upper changes than the normal one is mixed
// case written on purpose.
var obfuscationKeywords = newKeywords(
	"PowerShell", "Invoke-Expression", "Invoke-Command", "Invoke-WebRequest", "DownloadString",
	"DownloadFile", "FromBase64String", "New-Object", "Net.WebClient", "Start-Process",
	"ExecutionPolicy", "EncodedCommand", "WindowStyle", "Hidden", "Bypass", "Reflection.Assembly",
	"WScript.Shell", "mshta", "rundll32", "regsvr32", "certutil", "bitsadmin",
)

type keyword struct {
	lower  string
	normal int // case changes of the normal spelling
}

func newKeywords(words ...string) []keyword {
	out := make([]keyword, len(words))
	for i, w := range words {
		out[i] = keyword{lower: strings.ToLower(w), normal: caseChanges(w)}
	}
	return out
}

// obfuscationCounts are the signals measured in one pass.
type obfuscationCounts struct {
	carets, backticks, quotes, concatenations int
	charCasts, codeRun, envSubstrings         int
	symbols, nonSpace                         int
	placeholders                              int
	reordered, formatOperator                 bool
}

// obfuscation reports whether cmd looks obfuscated and, if so, why.
func obfuscation(cmd string) (string, bool) {
	var c obfuscationCounts
	c.measure(cmd)
	keyword := mixedCaseKeyword(cmd)
	if !c.suspicious() && keyword == "" {
		return "", false
	}
	return c.reason(keyword), true
}

func (c *obfuscationCounts) measure(s string) {
	lastPlaceholder := -1
	codes, prevCodeEnd := 0, -2
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !isSpace(ch) {
			c.nonSpace++
			if isSymbol(ch) {
				c.symbols++
			}
		}
		between := i > 0 && i+1 < len(s) && isLetter(s[i-1]) && isLetter(s[i+1])
		switch ch {
		case '^':
			if between {
				c.carets++
			}
		case '`':
			if between {
				c.backticks++
			}
		case '"', '\'':
			if between {
				c.quotes++
			}
			if i+2 < len(s) && s[i+1] == '+' && s[i+2] == ch {
				c.concatenations++
			}
		case '[':
			if i+6 <= len(s) && equalFold(s[i:i+6], "[char]") {
				c.charCasts++
			}
		case '{':
			if i+2 < len(s) && isDigit(s[i+1]) && s[i+2] == '}' {
				n := int(s[i+1] - '0')
				if n < lastPlaceholder {
					c.reordered = true
				}
				lastPlaceholder = n
				c.placeholders++
			}
		case '~':
			if i > 0 && s[i-1] == ':' && strings.LastIndexByte(s[max(0, i-40):i], '%') >= 0 {
				c.envSubstrings++
			}
		case '-':
			if i+1 < len(s) && (s[i+1] == 'f' || s[i+1] == 'F') && (i+2 == len(s) || !isLetter(s[i+2])) {
				c.formatOperator = true
			}
		}
		// Character codes: runs of 1-3 digits separated by one character.
		if isDigit(ch) && (i == 0 || !isDigit(s[i-1])) {
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if j-i <= 3 {
				if i-prevCodeEnd == 1 && !isSpace(s[i-1]) {
					codes++
				} else {
					codes = 1
				}
				if codes > c.codeRun {
					c.codeRun = codes
				}
				prevCodeEnd = j
			} else {
				codes = 0
			}
		}
	}
}

func (c *obfuscationCounts) suspicious() bool {
	return c.carets >= minCaretsInWords || c.backticks >= minBackticksInWords ||
		c.quotes >= minQuotesInWords || c.concatenations >= minConcatenations ||
		c.charCasts >= minCharCasts || c.codeRun >= minCharCodes ||
		c.envSubstrings >= minEnvSubstrings || (c.reordered && c.formatOperator) ||
		c.symbolHeavy()
}

func (c *obfuscationCounts) symbolHeavy() bool {
	return c.nonSpace >= minSymbolLength && float64(c.symbols) >= minSymbolShare*float64(c.nonSpace)
}

func (c *obfuscationCounts) reason(keyword string) string {
	var parts []string
	add := func(n, min int, what string) {
		if n >= min {
			parts = append(parts, strconv.Itoa(n)+" "+what)
		}
	}
	add(c.carets, minCaretsInWords, "carets inside words")
	add(c.backticks, minBackticksInWords, "backticks inside words")
	add(c.quotes, minQuotesInWords, "quotes inside words")
	add(c.concatenations, minConcatenations, "string concatenations")
	add(c.charCasts, minCharCasts, "[char] casts")
	add(c.codeRun, minCharCodes, "character codes in a row")
	add(c.envSubstrings, minEnvSubstrings, "environment-variable substrings")
	if c.reordered && c.formatOperator {
		parts = append(parts, "format string with reordered placeholders")
	}
	if c.symbolHeavy() {
		parts = append(parts, strconv.Itoa(100*c.symbols/c.nonSpace)+"% symbols")
	}
	if keyword != "" {
		parts = append(parts, "keyword written as "+strconv.Quote(keyword))
	}
	return "obfuscation: " + strings.Join(parts, ", ")
}

// mixedCaseKeyword returns the first known keyword of cmd spelt with more
// lower-to-upper case changes than its normal spelling allows.
//
// Only words (runs of letters, dots and hyphens) with at least
// minExtraCaseChanges case changes are searched, so ordinary command lines
// cost one pass.
func mixedCaseKeyword(cmd string) string {
	for i := 0; i < len(cmd); {
		if !isWordByte(cmd[i]) {
			i++
			continue
		}
		j, changes := i, 0
		for j < len(cmd) && isWordByte(cmd[j]) {
			if j > i && isLower(cmd[j-1]) && isUpper(cmd[j]) {
				changes++
			}
			j++
		}
		if changes >= minExtraCaseChanges && j-i <= maxKeywordWord && !inBlob(cmd, i, j) {
			if found := keywordInWord(cmd[i:j]); found != "" {
				return found
			}
		}
		i = j
	}
	return ""
}

func isWordByte(c byte) bool { return isLetter(c) || c == '-' || c == '.' }

// maxKeywordWord is the longest word searched for mixed-case keywords;
// longer letter runs are data (Base64, hashes), not written words.
const maxKeywordWord = 64

// inBlob reports whether the word cmd[i:j] touches a digit or a Base64
// symbol, as letter runs inside Base64 and hex blobs do; their case is
// random, not written to evade.
func inBlob(cmd string, i, j int) bool {
	blob := func(c byte) bool { return isDigit(c) || c == '+' || c == '/' }
	return (i > 0 && blob(cmd[i-1])) || (j < len(cmd) && blob(cmd[j]))
}

// keywordInWord returns the first keyword in word spelt with too many
// case changes.
func keywordInWord(word string) string {
	for _, kw := range obfuscationKeywords {
		for i := indexFold(word, kw.lower, 0); i >= 0; i = indexFold(word, kw.lower, i+1) {
			found := word[i : i+len(kw.lower)]
			if caseChanges(found)-kw.normal >= minExtraCaseChanges {
				return found
			}
		}
	}
	return ""
}

// caseChanges counts lower-case letters directly followed by upper-case
// ones.
func caseChanges(s string) int {
	n := 0
	for i := 1; i < len(s); i++ {
		if isLower(s[i-1]) && isUpper(s[i]) {
			n++
		}
	}
	return n
}

// isSymbol reports whether c is ASCII punctuation other than the path and
// quoting characters every command line has (\ / : . _ - ").
func isSymbol(c byte) bool {
	if isAlnum(c) || c >= 0x80 || c <= ' ' {
		return false
	}
	switch c {
	case '\\', '/', ':', '.', '_', '-', '"':
		return false
	}
	return true
}
