package cmdline

import (
	"strconv"
	"strings"
)

// powerShellImages are the image endings of PowerShell hosts.
var powerShellImages = []string{`\powershell.exe`, `\pwsh.exe`, `\powershell_ise.exe`}

// encodedPowerShell finds an -EncodedCommand argument or FromBase64String
// literals in a PowerShell command line (the PowerShell process itself, or
// another process whose command line starts PowerShell) and decodes them.
func encodedPowerShell(image, originalFileName, cmd string) (reason, decoded string, ok bool) {
	start, isPS := powerShellStart(image, originalFileName, cmd)
	if !isPS {
		return "", "", false
	}
	var via string
	if !isPowerShellImage(image, originalFileName) {
		via = " (in a command line that starts PowerShell)"
	}
	for from := start; ; {
		value, next, found := encodedCommandValue(cmd, from)
		if !found {
			break
		}
		var d decoder
		if d.decodeLayer("-EncodedCommand", value, 0) {
			return "-EncodedCommand payload" + via + ": " + d.summary(), d.text(), true
		}
		from = next // a script argument that only looks like Base64
	}
	if indexFold(cmd, "frombase64string", start) < 0 {
		return "", "", false
	}
	var d decoder
	d.decodeNested(cmd[start:], 0)
	if len(d.layers) == 0 {
		return "", "", false
	}
	return "FromBase64String literal" + via + ": " + d.summary(), d.text(), true
}

func isPowerShellImage(image, originalFileName string) bool {
	for _, suffix := range powerShellImages {
		if hasSuffixFold(image, suffix) {
			return true
		}
	}
	return equalFold(originalFileName, "PowerShell.EXE") || equalFold(originalFileName, "pwsh.dll")
}

// powerShellStart returns where PowerShell's own arguments start: 0 for a
// PowerShell process, just after the word powershell or pwsh when another
// process (cmd, wscript, wmic, ...) starts it.
func powerShellStart(image, originalFileName, cmd string) (int, bool) {
	if isPowerShellImage(image, originalFileName) {
		return 0, true
	}
	for _, word := range []string{"powershell", "pwsh"} {
		if i := indexFold(cmd, word, 0); i >= 0 {
			return i + len(word), true
		}
	}
	return 0, false
}

// encodedCommandValue finds the first parameter from start on that
// PowerShell reads as -EncodedCommand (any unambiguous prefix: -e, -en,
// -enc, ... -encodedcommand, and -ec, after -, / or a dash-like character)
// whose value looks like Base64. It returns the value and where to resume
// the search when the value turns out not to decode to a script.
func encodedCommandValue(cmd string, start int) (value string, next int, found bool) {
	for i := start; i < len(cmd); {
		// Parameters start after a space, a quote or the start.
		w := dashWidth(cmd, i)
		if w == 0 || (i > 0 && !isSpace(cmd[i-1]) && cmd[i-1] != '"' && cmd[i-1] != '\'') {
			i++
			continue
		}
		j := i + w
		for j < len(cmd) && isLetter(cmd[j]) {
			j++
		}
		if isEncodedCommandName(cmd[i+w:j]) && j < len(cmd) && (isSpace(cmd[j]) || cmd[j] == ':') {
			v, end := argumentValue(cmd, j+1)
			if isBase64Text(v) && plausiblePayload(v) {
				return v, end, true
			}
			if end > j {
				j = end
			}
		}
		i = j
	}
	return "", len(cmd), false
}

func isEncodedCommandName(name string) bool {
	if name == "" || len(name) > len("encodedcommand") {
		return false
	}
	if equalFold(name, "ec") {
		return true
	}
	return equalFold(name, "encodedcommand"[:len(name)])
}

// argumentValue reads the argument starting at or after i: a quoted
// string (single or double quotes) or a run of non-space characters. It
// returns the value and the index after it.
func argumentValue(cmd string, i int) (string, int) {
	for i < len(cmd) && isSpace(cmd[i]) {
		i++
	}
	if i >= len(cmd) {
		return "", i
	}
	if q := cmd[i]; q == '"' || q == '\'' {
		end := strings.IndexByte(cmd[i+1:], q)
		if end < 0 {
			return cmd[i+1:], len(cmd)
		}
		return cmd[i+1 : i+1+end], i + 2 + end
	}
	j := i
	for j < len(cmd) && !isSpace(cmd[j]) && cmd[j] != '"' && cmd[j] != '\'' {
		j++
	}
	return cmd[i:j], j
}

// isBase64Text reports whether s consists of Base64 characters (and the
// padding), with a length that can be Base64.
func isBase64Text(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c) || c == '+' || c == '/':
			n++
		case c == '=':
		default:
			return false
		}
	}
	return n >= 8
}

// sizeText renders a byte or character count for reasons.
func sizeText(n int, unit string) string { return strconv.Itoa(n) + " " + unit }

// plausiblePayload decodes the first few Base64 groups of value (without
// allocating) and reports whether they start a script (UTF-16LE or
// printable text) or a gzip stream, so that an ordinary word after "-e"
// is not taken for an encoded command.
func plausiblePayload(value string) bool {
	var head [9]byte
	n := 0
groups:
	for g := 0; g+4 <= len(value) && n < len(head); g += 4 {
		var quad uint32
		for k := 0; k < 4; k++ {
			v, ok := base64Value(value[g+k])
			if !ok {
				break groups // padding: the payload ends here
			}
			quad = quad<<6 | uint32(v)
		}
		for _, shift := range [3]uint{16, 8, 0} {
			head[n%len(head)] = byte(quad >> shift) // n < 9 here; the modulo only convinces gosec
			n++
		}
	}
	if n < 6 {
		return false
	}
	b := head[:n]
	if b[0] == 0x1f && b[1] == 0x8b {
		return true
	}
	utf16 := true
	for i := 1; i < n; i += 2 {
		if b[i] != 0 {
			utf16 = false
		}
	}
	if utf16 {
		return true
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
		if c >= 0x7f {
			return false
		}
	}
	return true
}

func base64Value(c byte) (byte, bool) {
	switch {
	case isUpper(c):
		return c - 'A', true
	case isLower(c):
		return c - 'a' + 26, true
	case isDigit(c):
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// DecodeEncodedPowerShell decodes the encoded PowerShell (-EncodedCommand
// under any spelling, with its Base64, UTF-16, gzip and nested layers) of a
// command line that is not a process's own: a service's image path, a
// scheduled task's action, a WMI consumer's command. It returns the
// decoded script and whether there was one.
func DecodeEncodedPowerShell(cmd string) (string, bool) {
	_, decoded, ok := encodedPowerShell("", "", cmd)
	return decoded, ok && decoded != ""
}
