package synth

import (
	"fmt"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// sysmonUtcLayout is how Sysmon renders UtcTime.
const sysmonUtcLayout = "2006-01-02 15:04:05.000"

// sysmon1 returns the EventData of a Sysmon EventID 1 version 5 record.
// OriginalFileName (Sysmon 10) and ParentUser (Sysmon 13.30) are written
// when the line carries them, or when it does not state its version (the
// newest layout); a line stating version 5 without them gets the older
// layouts, as the corpus has them.
func sysmon1(p *event.Process, version uint8, stated bool) ([]evtxwriter.Data, error) {
	if version != 5 {
		return nil, fmt.Errorf("sysmon EventID 1 version %d is not supported (5 is)", version)
	}
	if err := checkFields(p, sysmonFields, "Sysmon EventID 1"); err != nil {
		return nil, err
	}
	q, err := processDefaults(p)
	if err != nil {
		return nil, err
	}
	service := isServiceAccount(q.User)
	info := imageInfo(q.Image)
	has := func(f event.Field) bool { return p.Has.Contains(f) }
	pick := func(f event.Field, given, fallback string) string {
		if has(f) {
			return given
		}
		return fallback
	}

	d := newDataList(23)
	d.str("RuleName", pick(event.FieldRuleName, q.RuleName, "-"))
	d.str("UtcTime", pick(event.FieldUtcTime, q.UtcTime, q.Timestamp.UTC().Format(sysmonUtcLayout)))
	d.guid("ProcessGuid", pick(event.FieldProcessGuid, q.ProcessGuid, processGUID(q.Computer, q.ProcessId, q.Image)))
	d.u32("ProcessId", q.ProcessId)
	d.str("Image", q.Image)
	d.str("FileVersion", pick(event.FieldFileVersion, q.FileVersion, info.FileVersion))
	d.str("Description", pick(event.FieldDescription, q.Description, info.Description))
	d.str("Product", pick(event.FieldProduct, q.Product, info.Product))
	d.str("Company", pick(event.FieldCompany, q.Company, info.Company))
	if has(event.FieldOriginalFileName) || !stated {
		d.str("OriginalFileName", pick(event.FieldOriginalFileName, q.OriginalFileName, info.OriginalFileName))
	}
	d.str("CommandLine", q.CommandLine)
	d.str("CurrentDirectory", pick(event.FieldCurrentDirectory, q.CurrentDirectory, currentDirectory(q.User, service)))
	d.str("User", q.User)
	logon, _ := event.ParseNumber(q.LogonId)
	d.guid("LogonGuid", pick(event.FieldLogonGuid, q.LogonGuid, logonGUID(q.Computer, logon)))
	d.hex64("LogonId", q.LogonId)
	session := "1"
	if service {
		session = "0"
	}
	d.u32text("TerminalSessionId", pick(event.FieldTerminalSessionId, q.TerminalSessionId, session))
	d.str("IntegrityLevel", q.IntegrityLevel)
	d.str("Hashes", pick(event.FieldHashes, q.Hashes, fileHashes(q.Image)))
	d.guid("ParentProcessGuid", pick(event.FieldParentProcessGuid, q.ParentProcessGuid, processGUID(q.Computer, q.ParentProcessId, q.ParentImage)))
	d.u32("ParentProcessId", q.ParentProcessId)
	d.str("ParentImage", q.ParentImage)
	d.str("ParentCommandLine", pick(event.FieldParentCommandLine, q.ParentCommandLine, defaultCommandLine(q.ParentImage)))
	if has(event.FieldParentUser) || !stated {
		d.str("ParentUser", pick(event.FieldParentUser, q.ParentUser, parentUser(q.User, q.ParentImage)))
	}
	return d.list, d.err
}

// currentDirectory is where a process of the user starts by default.
func currentDirectory(user string, service bool) string {
	if service {
		return `C:\Windows\system32\`
	}
	_, name := splitAccount(user)
	return `C:\Users\` + name + `\`
}

// defaultCommandLine is how Windows shows the command line of the usual
// parents; other images are shown as their path.
func defaultCommandLine(image string) string {
	switch strings.ToLower(baseName(image)) {
	case "explorer.exe":
		return `C:\Windows\Explorer.EXE`
	case "services.exe":
		return `C:\Windows\system32\services.exe`
	case "cmd.exe":
		return `"C:\Windows\system32\cmd.exe" `
	case "userinit.exe":
		return `C:\Windows\system32\userinit.exe`
	}
	return image
}

// parentUser is the account of a process' parent: system processes run
// as SYSTEM, anything else as the child's user.
func parentUser(user, parentImage string) string {
	switch strings.ToLower(baseName(parentImage)) {
	case "services.exe", "wininit.exe", "smss.exe", "winlogon.exe", "lsass.exe", "wmiprvse.exe":
		return `NT AUTHORITY\SYSTEM`
	}
	return user
}
