package cmdline

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

const (
	powershellImage = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
	cmdImage        = `C:\Windows\System32\cmd.exe`
)

// encodeCommand encodes a script the way PowerShell's -EncodedCommand
// expects it: Base64 of UTF-16LE.
func encodeCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// gzipBase64 compresses text with gzip and encodes it in Base64, as
// Metasploit's and Cobalt Strike's PowerShell templates do.
func gzipBase64(t testing.TB, text string) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// newEvent builds a Sysmon-shaped process event.
func newEvent(image, cmd string) *event.Process {
	p := &event.Process{EventID: event.SysmonProcessCreate}
	p.Set(event.FieldImage, image)
	p.Set(event.FieldCommandLine, cmd)
	return p
}

// payloadEvent is one line of testdata/payloads.txt.
type payloadEvent struct {
	line       int
	image, cmd string
}

func readPayloads(tb testing.TB) []payloadEvent {
	tb.Helper()
	f, err := os.Open("testdata/payloads.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []payloadEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		image, cmd, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("testdata/payloads.txt:%d: want image<TAB>command line", n)
		}
		out = append(out, payloadEvent{line: n, image: image, cmd: cmd})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func hitIDs(hits []Hit) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Check.Title)
	}
	return ids
}
