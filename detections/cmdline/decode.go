package cmdline

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits that keep decoding of hostile input bounded.
const (
	maxDepth           = 4        // nested FromBase64String layers
	maxLayers          = 16       // decoded layers per command line
	maxDecompressed    = 4 << 20  // bytes read from one gzip or deflate stream
	maxDecodedText     = 1 << 20  // bytes of decoded text returned per hit
	minLiteral         = 16       // shortest Base64 literal worth decoding
	minOrphan          = 64       // shortest quoted Base64 run decoded when the argument is a variable
	binaryPreview      = 16       // bytes of a binary payload shown in hex
	maxObfuscationScan = 64 << 10 // bytes of decoded text checked for obfuscation
)

// layer is one decoded payload.
type layer struct {
	source   string // "-EncodedCommand", "FromBase64String", ...
	encoding string // "UTF-16LE", "UTF-8", "gzip, UTF-8", "binary", ...
	text     string
	size     int // bytes of the payload after decompression
	depth    int
}

// decoder collects the layers of one command line.
type decoder struct {
	layers []layer
	failed []string
}

// decodeLayer decodes one Base64 value and then the FromBase64String
// literals inside the result. It reports whether the value decoded to
// text (a script), as opposed to binary data or invalid Base64.
func (d *decoder) decodeLayer(source, value string, depth int) bool {
	if len(d.layers) >= maxLayers {
		return false
	}
	raw, err := decodeBase64(value)
	if err != nil {
		d.failed = append(d.failed, source+": not valid Base64")
		return false
	}
	text, encoding, size := payloadText(raw)
	d.layers = append(d.layers, layer{source: source, encoding: encoding, text: text, size: size, depth: depth})
	if strings.HasSuffix(encoding, "binary") {
		return false
	}
	if depth+1 < maxDepth {
		d.decodeNested(text, depth+1)
	}
	return true
}

// decodeNested decodes every FromBase64String('literal') of script; when
// the argument is not a literal, the longest quoted Base64 run of the
// script is decoded instead (the usual $b='...'; FromBase64String($b)).
func (d *decoder) decodeNested(script string, depth int) {
	from, orphan := 0, false
	for {
		i := indexFold(script, "frombase64string", from)
		if i < 0 {
			break
		}
		from = i + len("frombase64string")
		if lit, ok := base64Literal(script, from); ok {
			d.decodeLayer("FromBase64String", lit, depth)
		} else {
			orphan = true
		}
	}
	if orphan {
		if lit, ok := longestQuotedBase64(script); ok {
			d.decodeLayer("FromBase64String variable", lit, depth)
		}
	}
}

// base64Literal reads the quoted literal argument of FromBase64String
// starting at i (just after the method name).
func base64Literal(s string, i int) (string, bool) {
	for i < len(s) && (isSpace(s[i]) || s[i] == '(') {
		i++
	}
	for i < len(s) && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	j := i
	for j < len(s) && (isAlnum(s[j]) || s[j] == '+' || s[j] == '/' || s[j] == '=') {
		j++
	}
	if j-i < minLiteral || j >= len(s) || (s[j] != '"' && s[j] != '\'') {
		return "", false
	}
	return s[i:j], true
}

// longestQuotedBase64 finds the longest quoted run of Base64 characters.
func longestQuotedBase64(s string) (string, bool) {
	best := ""
	for i := 0; i < len(s); i++ {
		if s[i] != '"' && s[i] != '\'' {
			continue
		}
		j := i + 1
		for j < len(s) && (isAlnum(s[j]) || s[j] == '+' || s[j] == '/' || s[j] == '=') {
			j++
		}
		if j < len(s) && s[j] == s[i] && j-i-1 > len(best) {
			best = s[i+1 : j]
		}
		i = j
	}
	return best, len(best) >= minOrphan
}

// decodeBase64 decodes standard Base64, ignoring whitespace and tolerating
// missing padding.
func decodeBase64(value string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, value)
	clean = strings.TrimRight(clean, "=")
	return base64.RawStdEncoding.DecodeString(clean)
}

// payloadText turns decoded bytes into text: gzip and raw deflate streams
// are decompressed first; UTF-16LE is recognised by its zero high bytes;
// anything else that is not UTF-8 is shown as binary.
func payloadText(raw []byte) (text, encoding string, size int) {
	var compression string
	switch {
	case len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b:
		if out, ok := gunzip(raw); ok {
			raw, compression = out, "gzip, "
		}
	case !looksLikeText(raw):
		if out, ok := inflate(raw); ok && looksLikeText(out) {
			raw, compression = out, "deflate, "
		}
	}
	switch {
	case looksUTF16LE(raw):
		return utf16LEText(raw), compression + "UTF-16LE", len(raw)
	case utf8.Valid(raw) && looksLikeText(raw):
		return string(raw), compression + "UTF-8", len(raw)
	}
	n := min(len(raw), binaryPreview)
	return "[binary, " + sizeText(len(raw), "bytes") + ", starts " + hex.EncodeToString(raw[:n]) + "]", compression + "binary", len(raw)
}

func gunzip(raw []byte) ([]byte, bool) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxDecompressed))
	return out, err == nil && len(out) > 0
}

func inflate(raw []byte) ([]byte, bool) {
	out, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxDecompressed))
	return out, err == nil && len(out) > 0
}

// looksUTF16LE reports whether b is even-sized text whose high bytes are
// mostly zero, as UTF-16LE encodings of mostly-ASCII scripts are.
func looksUTF16LE(b []byte) bool {
	if len(b) < 2 || len(b)%2 != 0 {
		return false
	}
	zeros := 0
	for i := 1; i < len(b); i += 2 {
		if b[i] == 0 {
			zeros++
		}
	}
	return zeros*5 >= (len(b)/2)*4
}

func utf16LEText(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}

// looksLikeText reports whether b is mostly printable: at most one byte
// in ten is a control character other than tab, CR and LF.
func looksLikeText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if looksUTF16LE(b) {
		return true
	}
	bad := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			bad++
		}
	}
	return bad*10 <= len(b)
}

// summary describes the layers for the hit's reason.
func (d *decoder) summary() string {
	if len(d.layers) == 0 {
		return strings.Join(d.failed, "; ")
	}
	var b strings.Builder
	for i, l := range d.layers {
		if i > 0 {
			b.WriteString("; nested ")
		}
		b.WriteString(l.source + " decoded (" + l.encoding + ", " + sizeText(l.size, "bytes") + ")")
	}
	for _, f := range d.failed {
		b.WriteString("; " + f)
	}
	for _, l := range d.layers {
		if strings.HasSuffix(l.encoding, "binary") {
			continue
		}
		if why, ok := obfuscation(l.text[:min(len(l.text), maxObfuscationScan)]); ok {
			b.WriteString("; the decoded text is obfuscated (" + strings.TrimPrefix(why, "obfuscation: ") + ")")
			break
		}
	}
	return b.String()
}

// text renders every layer, the outermost first, each nested layer under
// a header line, capped at maxDecodedText.
func (d *decoder) text() string {
	var b strings.Builder
	for i, l := range d.layers {
		if i > 0 {
			b.WriteString("\n\n--- " + l.source + " (" + l.encoding + ", layer " + strconv.Itoa(l.depth+1) + ") ---\n")
		}
		b.WriteString(l.text)
		if b.Len() >= maxDecodedText {
			out := b.String()[:maxDecodedText]
			for !utf8.ValidString(out) {
				out = out[:len(out)-1]
			}
			return out + "\n[decoded text truncated]"
		}
	}
	return b.String()
}
