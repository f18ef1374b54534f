package sigma

import (
	"encoding/base64"
	"unicode/utf16"
)

// encodeValue applies the encoding modifiers, in order, to a plain value
// and returns the encoded variants (base64offset gives three).
func encodeValue(s string, encodings []string) []string {
	data := []byte(s)
	for _, e := range encodings {
		switch e {
		case "utf16le", "wide":
			data = utf16Bytes(string(data), false, false)
		case "utf16be":
			data = utf16Bytes(string(data), true, false)
		case "utf16":
			data = utf16Bytes(string(data), false, true)
		case "base64":
			return []string{base64.StdEncoding.EncodeToString(data)}
		case "base64offset":
			return base64Offsets(data)
		}
	}
	return []string{string(data)}
}

// utf16Bytes encodes s as UTF-16, little or big endian, with or without a
// byte order mark (the utf16 modifier writes FF FE and little endian).
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(units)+2)
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// base64Offsets returns the Base64 text data always produces when it sits
// at byte offset 0, 1 or 2 (mod 3) of a longer encoded message: the text
// of data preceded by 0-2 unknown bytes, without the characters that
// depend on the unknown bytes before or after it.
func base64Offsets(data []byte) []string {
	var out []string
	for shift := 0; shift < 3; shift++ {
		padded := append(make([]byte, shift), data...)
		enc := base64.StdEncoding.EncodeToString(padded)
		// Characters carrying bits of the unknown leading bytes.
		start := [3]int{0, 2, 3}[shift]
		// Trailing characters that carry bits of the unknown next bytes,
		// with the padding.
		end := len(enc)
		switch len(padded) % 3 {
		case 1:
			end -= 3
		case 2:
			end -= 2
		}
		if start < end {
			out = append(out, enc[start:end])
		}
	}
	return out
}
