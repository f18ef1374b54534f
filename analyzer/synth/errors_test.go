package synth

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A line that cannot be written is an error naming its line, and the
// output does not appear (an existing file keeps its content).
func TestLineErrors(t *testing.T) {
	good := `{"EventID":4688,"Image":"C:\\a.exe"}`
	tests := []struct {
		name, line, want string
	}{
		{"Sysmon field in a 4688", `{"EventID":4688,"Image":"C:\\a.exe","Hashes":"MD5=00"}`, "field Hashes cannot be written in a Security 4688 record"},
		{"4688 field in Sysmon", `{"EventID":1,"Image":"C:\\a.exe","MandatoryLabel":"S-1-16-8192"}`, "field MandatoryLabel cannot be written in a Sysmon EventID 1 record"},
		{"4688 version 3", `{"EventID":4688,"Version":3,"Image":"C:\\a.exe"}`, "security 4688 version 3 is not supported"},
		{"4688 v1 with a target", `{"EventID":4688,"Version":1,"Image":"C:\\a.exe","TargetUser":"-"}`, "version 1 has no target account"},
		{"4688 v0 with a command line", `{"EventID":4688,"Version":0,"Image":"C:\\a.exe","CommandLine":"a"}`, "version 0 has no CommandLine"},
		{"Sysmon version 4", `{"EventID":1,"Version":4,"Image":"C:\\a.exe"}`, "sysmon EventID 1 version 4 is not supported"},
		{"no image", `{"EventID":4688,"User":"CORP\\x"}`, "needs an Image"},
		{"integrity mismatch", `{"EventID":4688,"Image":"C:\\a.exe","IntegrityLevel":"High","MandatoryLabel":"S-1-16-8192"}`, `IntegrityLevel "High" does not match MandatoryLabel S-1-16-8192`},
		{"unknown integrity", `{"EventID":4688,"Image":"C:\\a.exe","IntegrityLevel":"Sky"}`, `IntegrityLevel "Sky" has no mandatory label`},
		{"bad SID", `{"EventID":4688,"Image":"C:\\a.exe","UserSid":"S-1-x"}`, "SubjectUserSid: not a SID"},
		{"bad GUID", `{"EventID":1,"Image":"C:\\a.exe","ProcessGuid":"{123}"}`, "ProcessGuid: not a GUID"},
		{"bad logon id", `{"EventID":1,"Image":"C:\\a.exe","LogonId":"zz"}`, `LogonId: not a number: "zz"`},
		{"pid over 32 bits in Sysmon", `{"EventID":1,"Image":"C:\\a.exe","ProcessId":4294967296}`, "ProcessId: 4294967296 does not fit in 32 bits"},
		{"bad session", `{"EventID":1,"Image":"C:\\a.exe","TerminalSessionId":"one"}`, `TerminalSessionId: not a 32-bit number: "one"`},
		{"EventData on a process event", `{"EventID":4688,"Image":"C:\\a.exe","EventData":{"a":"b"}}`, "EventData cannot be given for a process event"},
		{"process field on a generic event", `{"EventID":4624,"Image":"C:\\a.exe"}`, "field Image applies to process events only"},
		{"generic event without provider", `{"EventID":7,"EventData":{}}`, "event 7 needs a Provider or Channel"},
		{"mistyped generic value", `{"EventID":4624,"EventData":{"TargetUserSid":"nobody"}}`, "EventData TargetUserSid: not a SID"},
		{"generic number too big", `{"EventID":4624,"EventData":{"LogonType":"0x1ffffffff"}}`, `LogonType: not a UInt32`},
		{"record too large", `{"EventID":4688,"Image":"C:\\a.exe","CommandLine":"` + strings.Repeat("x", 32000) + `","ParentImage":"` + strings.Repeat("y", 32000) + `"}`, "does not fit in a 64 KiB chunk"},
		{"value too large", `{"EventID":4688,"Image":"C:\\a.exe","CommandLine":"` + strings.Repeat("x", 40000) + `"}`, "CommandLine: value of 80000 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.evtx")
			if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
				t.Fatal(err)
			}
			in := good + "\n\n" + tc.line + "\n" + good + "\n"
			_, err := WriteFile(path, strings.NewReader(in), nil, Options{Source: "events.jsonl", Noise: 10})
			var le *LineError
			if !errors.As(err, &le) || le.Line != 3 || le.Source != "events.jsonl" {
				t.Fatalf("error %v, want a *LineError for events.jsonl line 3", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "events.jsonl:3: ") {
				t.Errorf("error %q, want it to name the line and say %q", err, tc.want)
			}
			if b, _ := os.ReadFile(path); string(b) != "previous" {
				t.Errorf("the existing output was changed")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("temporary files left: %v", ents)
			}
		})
	}
}

func TestOptionErrors(t *testing.T) {
	lines, _ := ReadLines(strings.NewReader(`{"EventID":4688,"Image":"C:\\a.exe"}`), "x")
	if _, err := Write(discard{}, lines, Options{Noise: -1}); err == nil {
		t.Error("negative noise accepted")
	}
	if _, err := Write(discard{}, lines, Options{Size: 5 << 30}); err == nil || !strings.Contains(err.Error(), "more than an EVTX file can hold") {
		t.Errorf("size over 4 GiB: %v", err)
	}
}

type discard struct{}

func (discard) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

// Output that is not a regular file (a pipe, stdout) receives the whole
// file once it is complete.
func TestOutputNotRegular(t *testing.T) {
	in := `{"EventID":4688,"Image":"C:\\a.exe","Timestamp":"2024-03-12T09:00:00Z"}` + "\n"
	var stdout bytes.Buffer
	st, err := WriteFile("-", strings.NewReader(in), &stdout, Options{})
	if err != nil || int64(stdout.Len()) != st.Bytes || !bytes.HasPrefix(stdout.Bytes(), []byte("ElfFile\x00")) {
		t.Fatalf("stdout: %d bytes, stats %+v, %v", stdout.Len(), st, err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		var b bytes.Buffer
		b.ReadFrom(f)
		got <- b.Bytes()
	}()
	if _, err := WriteFile(fifo, strings.NewReader(in), nil, Options{}); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, stdout.Bytes()) {
			t.Errorf("the FIFO received %d bytes, stdout %d", len(b), stdout.Len())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the FIFO reader got nothing")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
}

// A committed file has ordinary permissions and replaces the old one.
func TestOutputReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.evtx")
	os.WriteFile(path, []byte("old"), 0o600)
	if _, err := WriteFile(path, strings.NewReader(`{"EventID":4688,"Image":"C:\\a.exe"}`), nil, Options{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o644 || fi.Size() != 4096+65536 {
		t.Errorf("output %v, %v", fi, err)
	}
	if _, err := Create(filepath.Dir(path), nil); err == nil {
		t.Error("a folder accepted as output")
	}
}
