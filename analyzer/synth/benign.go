package synth

import (
	"fmt"
	"strings"
	"time"
)

// Benign programs the noise starts. None of them runs from a folder a
// detection rule watches (Temp, ProgramData, Public, AppData, PerfLogs,
// the Recycle Bin), so the background raises no alert.
const (
	chromeExe  = `C:\Program Files\Google\Chrome\Application\chrome.exe`
	edgeExe    = `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`
	officeDir  = `C:\Program Files\Microsoft Office\root\Office16\`
	oneDrive   = `C:\Program Files\Microsoft OneDrive\OneDrive.exe`
	teamsExe   = `C:\Program Files\WindowsApps\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\ms-teams.exe`
	conhostExe = `C:\Windows\System32\conhost.exe`
	sys32      = `C:\Windows\System32\`
)

var svchostServices = []string{
	"-k netsvcs -p -s Schedule", "-k netsvcs -p -s BITS", "-k netsvcs -p -s gpsvc", "-k netsvcs -p -s wuauserv",
	"-k LocalServiceNetworkRestricted -p -s lmhosts", "-k UnistackSvcGroup", "-k wsappx -p -s AppXSvc",
	"-k LocalSystemNetworkRestricted -p -s SysMain", "-k NetworkService -p -s Dnscache", "-k DcomLaunch -p",
}

// launch starts one benign program (and the children it starts at once)
// on h at t and returns the new processes in start order.
func (n *noise) launch(h *Host, t time.Time) []*Proc {
	a := n.user(h, t)
	r := n.rng.IntN(100)
	switch {
	case a == nil || r < 40:
		return n.systemLaunch(h, t)
	case r < 60:
		return n.browser(h, a, t)
	case r < 78:
		return n.office(h, a, t)
	case r < 90:
		return n.brokered(h, a, t)
	default:
		return n.console(h, a, t)
	}
}

// systemLaunch starts a service, a scheduled updater or an indexer host.
func (n *noise) systemLaunch(h *Host, t time.Time) []*Proc {
	svc := h.Proc("svchost.exe")
	switch n.rng.IntN(7) {
	case 0, 1:
		return []*Proc{h.Spawn(h.Proc("services.exe"), sys32+"svchost.exe", `C:\Windows\system32\svchost.exe `+n.pick(svchostServices), t)}
	case 2:
		return []*Proc{h.Spawn(svc, `C:\Program Files (x86)\Google\Update\GoogleUpdate.exe`,
			`"C:\Program Files (x86)\Google\Update\GoogleUpdate.exe" /ua /installsource scheduler`, t)}
	case 3:
		return []*Proc{h.Spawn(svc, `C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe`,
			`"C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe" /ua /installsource scheduler`, t)}
	case 4:
		idx := h.Proc("searchindexer.exe")
		p := h.Spawn(idx, sys32+"SearchProtocolHost.exe", `"C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe`+
			fmt.Sprint(n.rng.IntN(40)+1)+` Global\UsGthrCtrlFltPipeMssGthrPipe`+fmt.Sprint(n.rng.IntN(40)+1)+` 1 -2147483646 "Software\Microsoft\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "DownLevelDaemon" `, t)
		f := h.Spawn(idx, sys32+"SearchFilterHost.exe", `"C:\Windows\system32\SearchFilterHost.exe" 0 804 808 816 8192 812 788 `, t.Add(n.jitter(50*time.Millisecond)))
		return []*Proc{p, f}
	case 5:
		return []*Proc{h.Spawn(svc, sys32+"MoUsoCoreWorker.exe", `C:\Windows\System32\mousocoreworker.exe -Embedding`, t)}
	}
	return []*Proc{h.Spawn(svc, sys32+"taskhostw.exe", `taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly`, t)}
}

// browser starts Chrome or Edge from the user's shell, with renderers.
func (n *noise) browser(h *Host, a *Account, t time.Time) []*Proc {
	image := chromeExe
	if n.rng.IntN(3) == 0 {
		image = edgeExe
	}
	main := h.Spawn(h.Shell(a, t), image, `"`+image+`" `, t)
	out := make([]*Proc, 0, 5)
	out = append(out, main)
	for i, typ := range []string{"gpu-process", "utility --utility-sub-type=network.mojom.NetworkService", "renderer", "renderer"} {
		cmd := fmt.Sprintf(`"%s" --type=%s --lang=en-US --field-trial-handle=%d,i,%d,%d,262144 /prefetch:%d`,
			image, typ, 1800+n.rng.IntN(400), n.rng.Uint64()%1e16, n.rng.Uint64()%1e16, 2+i)
		if strings.HasPrefix(typ, "renderer") {
			cmd = fmt.Sprintf(`"%s" --type=renderer --renderer-client-id=%d --lang=en-US --num-raster-threads=4 --launch-time-ticks=%d /prefetch:1`,
				image, 5+i, n.rng.Uint64()%1e10)
		}
		out = append(out, h.Spawn(main, image, cmd, t.Add(time.Duration(i+1)*n.jitter(300*time.Millisecond))))
	}
	return out
}

var documents = []string{`Q1 forecast.xlsx`, `Board minutes 2024-03.docx`, `Onboarding checklist.docx`, `Budget FY24.xlsx`, `Customer list.xlsx`, `Roadmap.pptx`}

// office opens a document, Outlook or Teams from the user's shell.
func (n *noise) office(h *Host, a *Account, t time.Time) []*Proc {
	_, user := splitAccount(a.User)
	shell := h.Shell(a, t)
	switch n.rng.IntN(5) {
	case 0:
		return []*Proc{h.Spawn(shell, officeDir+"OUTLOOK.EXE", `"`+officeDir+`OUTLOOK.EXE" `, t)}
	case 1:
		return []*Proc{h.Spawn(shell, teamsExe, `"`+teamsExe+`" msteams:system-initiated`, t)}
	case 2:
		return []*Proc{h.Spawn(shell, oneDrive, `"`+oneDrive+`" /background`, t)}
	}
	doc := n.pick(documents)
	exe := map[string]string{".xlsx": "EXCEL.EXE", ".docx": "WINWORD.EXE", ".pptx": "POWERPNT.EXE"}[doc[strings.LastIndexByte(doc, '.'):]]
	path := `C:\Users\` + user + `\Documents\` + doc
	return []*Proc{h.Spawn(shell, officeDir+exe, `"`+officeDir+exe+`" /n "`+path+`" /o ""`, t)}
}

// brokered starts per-user helpers that DCOM or the task scheduler
// launch: the creator is SYSTEM, the new process runs as the user.
func (n *noise) brokered(h *Host, a *Account, t time.Time) []*Proc {
	svc := h.Proc("svchost.exe")
	var p *Proc
	switch n.rng.IntN(3) {
	case 0:
		p = h.Spawn(svc, sys32+"RuntimeBroker.exe", `C:\Windows\System32\RuntimeBroker.exe -Embedding`, t)
	case 1:
		p = h.Spawn(svc, sys32+"backgroundTaskHost.exe", `"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider`, t)
	default:
		p = h.Spawn(svc, sys32+"taskhostw.exe", `taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}`, t)
	}
	p.Account, p.Integrity = a, "Medium"
	p.CurrentDirectory = `C:\Windows\system32\`
	return []*Proc{p}
}

var consoleCommands = []struct{ image, args string }{
	{`C:\Program Files\Git\cmd\git.exe`, "pull --ff-only"},
	{`C:\Program Files\Git\cmd\git.exe`, "status"},
	{`C:\Windows\System32\PING.EXE`, "-n 2 fileserver01"},
	{`C:\Windows\System32\gpupdate.exe`, "/target:user"},
	{`C:\Windows\System32\notepad.exe`, `C:\Users\%s\Desktop\todo.txt`},
}

// console runs a command prompt, a console program in it, and the
// console host each of them gets.
func (n *noise) console(h *Host, a *Account, t time.Time) []*Proc {
	_, user := splitAccount(a.User)
	cmd := h.Spawn(h.Shell(a, t), sys32+"cmd.exe", `"C:\Windows\system32\cmd.exe" `, t)
	cmd.CurrentDirectory = `C:\Users\` + user + `\`
	con := h.Spawn(cmd, conhostExe, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`, t.Add(n.jitter(20*time.Millisecond)))
	c := consoleCommands[n.rng.IntN(len(consoleCommands))]
	args := c.args
	if strings.Contains(args, "%s") {
		args = fmt.Sprintf(args, user)
	}
	child := h.Spawn(cmd, c.image, baseName(c.image)+" "+args, t.Add(time.Duration(2+n.rng.IntN(40))*time.Second))
	return []*Proc{cmd, con, child}
}
