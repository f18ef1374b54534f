package binxml

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
	"unicode/utf16"
)

// utf16le encodes s as UTF-16 little-endian.
func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func le16(n uint16) []byte { return binary.LittleEndian.AppendUint16(nil, n) }
func le32(n uint32) []byte { return binary.LittleEndian.AppendUint32(nil, n) }
func le64(n uint64) []byte { return binary.LittleEndian.AppendUint64(nil, n) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestAppendValue renders one value of every type as Windows writes it in
// event XML (and as the truth files write it).
func TestAppendValue(t *testing.T) {
	sid := cat([]byte{1, 3, 0, 0, 0, 0, 0, 5}, le32(21), le32(3463664321), le32(1000))
	guid := mustHex("72bb5a36addf675c00000010e0811500")
	systime := cat(le16(2019), le16(2), le16(6), le16(16), le16(10), le16(2), le16(21), le16(934))
	tests := []struct {
		name string
		typ  uint8
		v    []byte
		want string
	}{
		{"null", typeNull, nil, ""},
		{"string", typeString, utf16le(`C:\Windows\System32\cmd.exe`), `C:\Windows\System32\cmd.exe`},
		{"string trailing NULs dropped", typeString, utf16le("abc\x00\x00"), "abc"},
		{"string inner NUL kept", typeString, utf16le("a\x00b"), "a\x00b"},
		{"string non-ASCII", typeString, utf16le("Microsoft® Windows® — 日本"), "Microsoft® Windows® — 日本"},
		{"string surrogate pair", typeString, utf16le("x😀y"), "x😀y"},
		{"string lone surrogate", typeString, []byte{0x3d, 0xd8, 'a', 0}, "\uFFFDa"},
		{"string odd length", typeString, []byte{'a', 0, 'b'}, "a"},
		{"ansi", typeANSIString, []byte("dns.exe\x00"), "dns.exe"},
		{"int8", typeInt8, []byte{0xff}, "-1"},
		{"uint8", typeUint8, []byte{200}, "200"},
		{"int16", typeInt16, le16(0xfffe), "-2"},
		{"uint16", typeUint16, le16(4688), "4688"},
		{"int32", typeInt32, le32(0xffffffff), "-1"},
		{"uint32", typeUint32, le32(2312), "2312"},
		{"int64", typeInt64, le64(1 << 63), "-9223372036854775808"},
		{"uint64", typeUint64, le64(18446744073709551615), "18446744073709551615"},
		{"float32", typeFloat32, le32(0x3fc00000), "1.5"},
		{"float64", typeFloat64, le64(0x400921fb54442d18), "3.141592653589793"},
		{"bool true", typeBool, le32(1), "true"},
		{"bool false", typeBool, le32(0), "false"},
		{"binary", typeBinary, []byte{0x00, 0xab, 0x10}, "00AB10"},
		{"guid", typeGUID, guid, "{365ABB72-DFAD-5C67-0000-0010E0811500}"},
		{"size_t 64", typeSizeT, le64(0x7ff6a000), "0x7ff6a000"},
		{"size_t 32", typeSizeT, le32(0x1000), "0x1000"},
		{"filetime", typeFileTime, le64(131189028625605468), "2016-09-21T03:41:02.5605468Z"},
		{"systemtime", typeSystemTime, systime, "2019-02-16T10:02:21.9340000Z"},
		{"sid", typeSID, sid, "S-1-5-21-3463664321-1000"},
		{"sid local system", typeSID, append([]byte{1, 1, 0, 0, 0, 0, 0, 5}, le32(18)...), "S-1-5-18"},
		{"sid short count", typeSID, append([]byte{1, 4, 0, 0, 0, 0, 0, 5}, le32(18)...), "S-1-5-18"},
		{"sid truncated", typeSID, []byte{1, 1, 0}, "010100"},
		{"hex32", typeHexInt32, le32(0xea0), "0xea0"},
		{"hex64", typeHexInt64, le64(0x3e7), "0x3e7"},
		{"binxml renders nothing", typeBinXML, []byte{0x0f, 1, 1, 0}, ""},
		{"wrong size falls back to hex", typeUint32, []byte{1, 2}, "0102"},
		{"unknown type as hex", 0x30, []byte{0xde, 0xad}, "DEAD"},
		{"string array", typeArray | typeString, utf16le("a\x00bc\x00\x00"), "a, bc"},
		{"ansi array", typeArray | typeANSIString, []byte("x\x00yz\x00"), "x, yz"},
		{"uint16 array", typeArray | typeUint16, append(le16(1), le16(2)...), "1, 2"},
		{"hex64 array", typeArray | typeHexInt64, append(le64(0x10), le64(0xff)...), "0x10, 0xff"},
		{"ragged array as hex", typeArray | typeUint32, []byte{1, 2, 3}, "010203"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendValue([]byte("|"), tt.typ, tt.v)); got != "|"+tt.want {
				t.Errorf("appendValue(0x%02x, % x) = %q, want %q", tt.typ, tt.v, got[1:], tt.want)
			}
		})
	}
}

func TestParseUint(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"4688", 4688}, {" 1 ", 1}, {"0x10", 16}, {"0XfF", 255}, {"", 0}, {"0x", 0},
		{"12a", 0}, {"-1", 0}, {"18446744073709551615", 18446744073709551615}, {"18446744073709551616", 0},
	}
	for _, tt := range tests {
		if got := parseUint([]byte(tt.in)); got != tt.want {
			t.Errorf("parseUint(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestAppendUTF16 covers the four-at-a-time ASCII path and its edges.
func TestAppendUTF16(t *testing.T) {
	for _, s := range []string{"", "a", "abc", "abcd", "abcdefgh", "abcdefghi", "abcdé", "éabcdefgh", "abcdefg😀h",
		"ab\x7fcd\x00ef", "\u0100abcdefgh", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -enc SQBFAFgA`} {
		if got := string(appendUTF16([]byte("|"), utf16le(s))); got != "|"+s {
			t.Errorf("appendUTF16(%q) = %q", s, got[1:])
		}
	}
	if got := string(appendUTF16(nil, []byte{'a', 0, 'b', 0, 'c'})); got != "ab" {
		t.Errorf("odd length: %q", got)
	}
	if got := string(appendUTF16(nil, []byte{0x00, 0xdc, 'a', 0})); got != "\uFFFDa" {
		t.Errorf("lone low surrogate: %q", got)
	}
}
