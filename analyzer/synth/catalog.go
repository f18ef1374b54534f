package synth

import "strings"

// versionInfo is the PE version resource Sysmon reports for an image.
type versionInfo struct {
	FileVersion, Description, Product, Company, OriginalFileName string
}

const (
	winVersion = "10.0.19041.1 (WinBuild.160101.0800)"
	winProduct = "Microsoft® Windows® Operating System"
	microsoft  = "Microsoft Corporation"
)

func windowsBinary(desc, original string) versionInfo {
	return versionInfo{winVersion, desc, winProduct, microsoft, original}
}

// catalog holds the version resources of the binaries the noise generator
// and the samples start, by lower-case file name. Sysmon reports "?" for
// images it has no entry for (and for files without a version resource).
var catalog = map[string]versionInfo{
	"cmd.exe":                       windowsBinary("Windows Command Processor", "Cmd.Exe"),
	"conhost.exe":                   windowsBinary("Console Window Host", "CONHOST.EXE"),
	"powershell.exe":                windowsBinary("Windows PowerShell", "PowerShell.EXE"),
	"svchost.exe":                   windowsBinary("Host Process for Windows Services", "svchost.exe"),
	"explorer.exe":                  windowsBinary("Windows Explorer", "EXPLORER.EXE"),
	"rundll32.exe":                  windowsBinary("Windows host process (Rundll32)", "RUNDLL32.EXE"),
	"regsvr32.exe":                  windowsBinary("Microsoft(C) Register Server", "REGSVR32.EXE"),
	"mshta.exe":                     {"11.00.19041.1 (WinBuild.160101.0800)", "Microsoft (R) HTML Application host", "Internet Explorer", microsoft, "MSHTA.EXE"},
	"ftp.exe":                       windowsBinary("File Transfer Program", "ftp.exe"),
	"reg.exe":                       windowsBinary("Registry Console Tool", "reg.exe"),
	"whoami.exe":                    windowsBinary("whoami - displays logged on user information", "whoami.exe"),
	"net.exe":                       windowsBinary("Net Command", "net.exe"),
	"ipconfig.exe":                  windowsBinary("IP Configuration Utility", "ipconfig.exe"),
	"tasklist.exe":                  windowsBinary("Lists the current running tasks", "tasklist.exe"),
	"taskhostw.exe":                 windowsBinary("Host Process for Windows Tasks", "taskhostw.exe"),
	"runtimebroker.exe":             windowsBinary("Runtime Broker", "RuntimeBroker.exe"),
	"searchprotocolhost.exe":        windowsBinary("Microsoft Windows Search Protocol Host", "SearchProtocolHost.exe"),
	"searchfilterhost.exe":          windowsBinary("Microsoft Windows Search Filter Host", "SearchFilterHost.exe"),
	"backgroundtaskhost.exe":        windowsBinary("Background Task Host", "backgroundTaskHost.exe"),
	"dllhost.exe":                   windowsBinary("COM Surrogate", "dllhost.exe"),
	"wmiprvse.exe":                  windowsBinary("WMI Provider Host", "Wmiprvse.exe"),
	"consent.exe":                   windowsBinary("Consent UI for administrative applications", "consent.exe"),
	"sihost.exe":                    windowsBinary("Shell Infrastructure Host", "sihost.exe"),
	"userinit.exe":                  windowsBinary("Userinit Logon Application", "USERINIT.EXE"),
	"smartscreen.exe":               windowsBinary("Windows Defender SmartScreen", "smartscreen.exe"),
	"notepad.exe":                   windowsBinary("Notepad", "NOTEPAD.EXE"),
	"mmc.exe":                       windowsBinary("Microsoft Management Console", "mmc.exe"),
	"sc.exe":                        windowsBinary("Service Control Manager Configuration Tool", "sc.exe"),
	"schtasks.exe":                  windowsBinary("Task Scheduler Configuration Tool", "schtasks.exe"),
	"gpupdate.exe":                  windowsBinary("Microsoft® Windows Group Policy Update Utility", "GPUpdate.exe"),
	"wuauclt.exe":                   windowsBinary("Windows Update", "wuauclt.exe"),
	"mousocoreworker.exe":           windowsBinary("MoUSO Core Worker Process", "MoUsoCoreWorker.exe"),
	"compattelrunner.exe":           windowsBinary("Microsoft Compatibility Telemetry", "CompatTelRunner.exe"),
	"werfault.exe":                  windowsBinary("Windows Problem Reporting", "WerFault.exe"),
	"msiexec.exe":                   windowsBinary("Windows® installer", "msiexec.exe"),
	"audiodg.exe":                   windowsBinary("Windows Audio Device Graph Isolation", "AUDIODG.EXE"),
	"ctfmon.exe":                    windowsBinary("CTF Loader", "CTFMON.EXE"),
	"startmenuexperiencehost.exe":   windowsBinary("Windows Start Experience Host", "StartMenuExperienceHost.exe"),
	"chrome.exe":                    {"122.0.6261.112", "Google Chrome", "Google Chrome", "Google LLC", "chrome.exe"},
	"msedge.exe":                    {"122.0.2365.80", "Microsoft Edge", "Microsoft Edge", microsoft, "msedge.exe"},
	"firefox.exe":                   {"123.0.1", "Firefox", "Firefox", "Mozilla Corporation", "firefox.exe"},
	"googleupdate.exe":              {"1.3.36.372", "Google Installer", "Google Update", "Google LLC", "GoogleUpdate.exe"},
	"microsoftedgeupdate.exe":       {"1.3.185.17", "Microsoft Edge Update", "Microsoft Edge Update", microsoft, "msedgeupdate.dll"},
	"onedrive.exe":                  {"24.030.0211.0002", "Microsoft OneDrive", "Microsoft OneDrive", microsoft, "OneDrive.exe"},
	"onedrivestandaloneupdater.exe": {"24.030.0211.0002", "Standalone Updater", "Microsoft OneDrive", microsoft, "OneDriveStandaloneUpdater.exe"},
	"winword.exe":                   {"16.0.17328.20184", "Microsoft Word", "Microsoft Office", microsoft, "WinWord.exe"},
	"excel.exe":                     {"16.0.17328.20184", "Microsoft Excel", "Microsoft Office", microsoft, "Excel.exe"},
	"outlook.exe":                   {"16.0.17328.20184", "Microsoft Outlook", "Microsoft Outlook", microsoft, "Outlook.exe"},
	"powerpnt.exe":                  {"16.0.17328.20184", "Microsoft PowerPoint", "Microsoft Office", microsoft, "POWERPNT.EXE"},
	"officeclicktorun.exe":          {"16.0.17328.20162", "Microsoft Office Click-to-Run (SxS)", "Microsoft Office", microsoft, "OfficeClickToRun.exe"},
	"teams.exe":                     {"1.7.00.3653", "Microsoft Teams", "Microsoft Teams", microsoft, "Teams.exe"},
	"code.exe":                      {"1.87.2", "Visual Studio Code", "Visual Studio Code", microsoft, "electron.exe"},
	"git.exe":                       {"2.44.0.1", "Git for Windows", "Git", "The Git Development Community", "git.exe"},
	"msmpeng.exe":                   {"4.18.24020.7", "Antimalware Service Executable", winProduct, microsoft, "MsMpEng.exe"},
	"mpcmdrun.exe":                  {"4.18.24020.7", "Microsoft Malware Protection Command Line Utility", winProduct, microsoft, "MpCmdRun.exe"},
}

// imageInfo returns the version resource of an image, or Sysmon's "?" for
// an unknown one.
func imageInfo(image string) versionInfo {
	if v, ok := catalog[strings.ToLower(baseName(image))]; ok {
		return v
	}
	return versionInfo{"?", "?", "?", "?", "?"}
}
