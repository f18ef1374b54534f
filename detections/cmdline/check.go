package cmdline

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Check is one command-line check. Its ID is stable across releases, so
// allowlists and reports can name it like a Sigma rule id.
type Check struct {
	ID          string
	Title       string
	Description string
	Level       sigma.Level
	Tags        []string
}

// Hit is one finding: the check that fired, why, and for encoded commands
// the decoded payload text.
type Hit struct {
	Check   *Check
	Reason  string
	Decoded string
}

// The checks, in the order Run reports them.
var (
	LongCommandLine = &Check{
		ID:    "cb33e00a-8832-453c-8b67-dcc6127bf736",
		Title: "Very Long Command Line",
		Description: "The command line is much longer than normal command lines. Attack tools pass whole " +
			"scripts, encoded payloads or shellcode on the command line; programs whose command lines " +
			"are long by nature (browsers, Electron apps, Java) are left out. Read the command line, " +
			"decode any Base64 in it and check the parent process.",
		Level: sigma.Medium,
		Tags:  []string{"attack.execution", "attack.defense-evasion", "attack.t1059", "attack.t1027"},
	}
	ObfuscatedCommandLine = &Check{
		ID:    "0341bc43-61b4-49cf-bf55-ed05347c9f55",
		Title: "Obfuscated Command Line",
		Description: "The command line is written to defeat string matching: escape characters inside " +
			"words (cmd carets, PowerShell backticks, quotes splitting words), keywords in alternating " +
			"case, reordered format strings, lists of character codes, environment-variable substrings " +
			"or an unusual share of symbols. Administrators do not write commands this way; " +
			"Invoke-Obfuscation, DOSfuscation and malware droppers do. De-obfuscate the command and " +
			"check what it runs.",
		Level: sigma.High,
		Tags:  []string{"attack.defense-evasion", "attack.t1027", "attack.t1027.010", "attack.t1059"},
	}
	EncodedPowerShell = &Check{
		ID:    "4972c0e1-2b56-49bd-a1b3-720b8c318b5d",
		Title: "Encoded PowerShell Command",
		Description: "PowerShell was given a Base64-encoded script (-EncodedCommand or one of its " +
			"abbreviations) or decodes an inline Base64 literal with FromBase64String. Encoding hides " +
			"the script from casual review and from simple detections; loaders, C2 stagers and " +
			"remote-execution tools use it. The decoded script (with nested and compressed layers " +
			"unpacked) is attached to the finding: read it for URLs, injected code and persistence.",
		Level: sigma.High,
		Tags:  []string{"attack.execution", "attack.defense-evasion", "attack.t1059.001", "attack.t1027", "attack.t1140"},
	}
)

// Checks returns every check, in report order.
func Checks() []*Check {
	return []*Check{LongCommandLine, ObfuscatedCommandLine, EncodedPowerShell}
}

// DefaultLongThreshold is the command-line length, in characters (bytes of
// the UTF-8 text), above which LongCommandLine fires.
const DefaultLongThreshold = 1000

// DefaultLongBenignImages are image name endings (compared without regard
// to case) whose long command lines are normal.
var DefaultLongBenignImages = []string{
	`\chrome.exe`, `\msedge.exe`, `\msedgewebview2.exe`, `\firefox.exe`, `\brave.exe`,
	`\opera.exe`, `\vivaldi.exe`, `\iexplore.exe`, `\Teams.exe`, `\ms-teams.exe`, `\Code.exe`,
	`\slack.exe`, `\Discord.exe`, `\Spotify.exe`, `\java.exe`, `\javaw.exe`, `\csrss.exe`,
	`\SearchProtocolHost.exe`, `\DrvInst.exe`, `\TiWorker.exe`, `\msiexec.exe`,
}

// Options tunes the checks. The zero value gives the defaults.
type Options struct {
	// LongThreshold is the length above which a command line is long;
	// 0 means DefaultLongThreshold.
	LongThreshold int
	// LongBenignImages replaces DefaultLongBenignImages when not nil.
	LongBenignImages []string
}

// Checker runs the checks with one set of options. It is safe for
// concurrent use.
type Checker struct {
	longThreshold int
	longBenign    []string // lower case
}

// New returns a Checker for opts.
func New(opts Options) *Checker {
	c := &Checker{longThreshold: opts.LongThreshold}
	if c.longThreshold <= 0 {
		c.longThreshold = DefaultLongThreshold
	}
	benign := opts.LongBenignImages
	if benign == nil {
		benign = DefaultLongBenignImages
	}
	for _, b := range benign {
		c.longBenign = append(c.longBenign, strings.ToLower(b))
	}
	return c
}

var defaultChecker = New(Options{})

// Run applies the default checks to p and appends the hits to dst.
func Run(p *event.Process, dst []Hit) []Hit { return defaultChecker.Run(p, dst) }

// Run applies every check to p and appends the hits to dst. Events without
// a command line produce none.
func (c *Checker) Run(p *event.Process, dst []Hit) []Hit {
	cmd, ok := p.Get(event.FieldCommandLine)
	if !ok || cmd == "" {
		return dst
	}
	if len(cmd) > c.longThreshold && !c.benignLong(p.Image) {
		dst = append(dst, Hit{Check: LongCommandLine, Reason: longReason(len(cmd), c.longThreshold)})
	}
	if reason, ok := obfuscation(cmd); ok {
		dst = append(dst, Hit{Check: ObfuscatedCommandLine, Reason: reason})
	}
	if reason, decoded, ok := encodedPowerShell(p.Image, p.OriginalFileName, cmd); ok {
		dst = append(dst, Hit{Check: EncodedPowerShell, Reason: reason, Decoded: decoded})
	}
	return dst
}

func (c *Checker) benignLong(image string) bool {
	for _, b := range c.longBenign {
		if hasSuffixFold(image, b) {
			return true
		}
	}
	return false
}
