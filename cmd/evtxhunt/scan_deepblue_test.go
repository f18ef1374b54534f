package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// deepBlueRow is one row of the DeepBlueCLI sample table: the attack its
// log records and the finding the default scan must give for it.
type deepBlueRow struct {
	file   string // under corpus/evtx/DeepBlueCLI
	attack string
	// tag is the ATT&CK technique of the attack class; a finding must
	// carry it at minLevel or above.
	tag      string
	minLevel string
	// titles, when set, are the rules expected to give that finding (any
	// of them). Rows whose log is kept back name only the technique, so
	// that any rule written for the behaviour satisfies them.
	titles []string
	// benign rows are an ordinary machine's logs: no finding may be high
	// or critical.
	benign bool
}

var deepBlueRows = []deepBlueRow{
	{file: "disablestop-eventlog.evtx", attack: "event log manipulation (log cleared, event log service disabled)",
		tag: "attack.t1070.001", minLevel: "high", titles: []string{"Event Log Cleared (System Event 104)"}},
	{file: "disablestop-eventlog.evtx", attack: "event log manipulation (event log service disabled)",
		tag: "attack.t1562.002", minLevel: "high", titles: []string{"Windows Event Log Service Set to Disabled"}},
	{file: "metasploit-psexec-native-target-security.evtx", attack: "Metasploit native-target PsExec, Security side",
		tag: "attack.t1569.002", minLevel: "high", titles: []string{"Randomly Named Program Run from the Windows Folder"}},
	{file: "metasploit-psexec-native-target-system.evtx", attack: "Metasploit native-target PsExec, System side",
		tag: "attack.t1569.002", minLevel: "high"},
	{file: "metasploit-psexec-powershell-target-security.evtx", attack: "Metasploit PowerShell-target PsExec, Security side",
		tag: "attack.t1059.001", minLevel: "high", titles: []string{"Encoded PowerShell Command"}},
	{file: "metasploit-psexec-powershell-target-system.evtx", attack: "Metasploit PowerShell-target PsExec, System side",
		tag: "attack.t1569.002", minLevel: "high", titles: []string{"Service Installed to Run a Shell or Script Command"}},
	{file: "metasploit-psexec-pwshpayload.evtx", attack: "Metasploit PsExec with a PowerShell payload: its SMB logon",
		tag: "attack.t1021.002", minLevel: "medium", titles: []string{"Network Logon from the Metasploit Default Workstation Name"}},
	{file: "mimikatz-privesc-hashdump.evtx", attack: "Mimikatz token::elevate and lsadump::sam",
		tag: "attack.t1003.002", minLevel: "high", titles: []string{"Act-as-OS Privilege Used by a Program outside the System Folders"}},
	{file: "mimikatz-privilegedebug-tokenelevate-hashdump.evtx", attack: "Mimikatz privilege::debug, token::elevate, hashdump: the log cleared first",
		tag: "attack.t1070.001", minLevel: "high", titles: []string{"Security Event Log Cleared"}},
	{file: "new-user-security.evtx", attack: "new user created",
		tag: "attack.t1136.001", minLevel: "low"},
	{file: "new-user-security.evtx", attack: "user added to the administrators group",
		tag: "attack.t1098", minLevel: "high"},
	{file: "Powershell-Invoke-Obfuscation-encoding-menu.evtx", attack: "Invoke-Obfuscation encoding menu",
		tag: "attack.t1027", minLevel: "high", titles: []string{"Invoke-Obfuscation Style Encoded Script Block"}},
	{file: "Powershell-Invoke-Obfuscation-string-menu.evtx", attack: "Invoke-Obfuscation string menu",
		tag: "attack.t1027", minLevel: "high"},
	{file: "smb-password-guessing-security.evtx", attack: "password guessing over SMB",
		tag: "attack.t1110.001", minLevel: "medium"},
	{file: "password-spray.evtx", attack: "password spraying",
		tag: "attack.t1110.003", minLevel: "medium"},
	{file: "powersploit-security.evtx", attack: "PowerSploit, Security side",
		tag: "attack.t1059.001", minLevel: "high", titles: []string{"Encoded PowerShell Command"}},
	{file: "powersploit-system.evtx", attack: "PowerSploit, System side",
		tag: "attack.t1059.001", minLevel: "medium"},
	{file: "psattack-security.evtx", attack: "PSAttack",
		tag: "attack.t1588.002", minLevel: "high", titles: []string{"Known Offensive Tool Started under Its Default Name"}},
	{file: "many-events-application.evtx", attack: "an ordinary Application log", benign: true},
	{file: "many-events-system.evtx", attack: "an ordinary System log", benign: true},
	{file: "many-events-security.evtx", attack: "an ordinary Security log", benign: true},
}

// deepBlueFinding is the part of a JSONL finding the table checks.
type deepBlueFinding struct {
	Level string
	Rule  struct {
		ID, Title string
		Tags      []string
	}
}

var levelRank = map[string]int{"informational": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

// TestScanDeepBlueSamples runs the default scan (built-in rules, default
// level) on each DeepBlueCLI sample log and checks the finding its row of
// the DeepBlueCLI table documents. Rows whose log is absent (some are
// kept back) are skipped with a message.
func TestScanDeepBlueSamples(t *testing.T) {
	dir := testshared.Dir(t, "corpus", "evtx", "DeepBlueCLI")
	scans := map[string][]deepBlueFinding{}
	for _, row := range deepBlueRows {
		check := row.tag
		if row.benign {
			check = "no-high-finding"
		}
		t.Run(strings.TrimSuffix(row.file, ".evtx")+"/"+check, func(t *testing.T) {
			path := filepath.Join(dir, row.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s (%s) is absent from the corpus: %v", row.file, row.attack, err)
			}
			fs, ok := scans[row.file]
			if !ok {
				fs = scanDeepBlue(t, path)
				scans[row.file] = fs
			}
			if row.benign {
				for _, f := range fs {
					if levelRank[f.Level] >= levelRank["high"] {
						t.Errorf("%s, %s: %s finding %q", row.file, row.attack, f.Level, f.Rule.Title)
					}
				}
				return
			}
			if !hasDeepBlueFinding(fs, row) {
				t.Errorf("%s, %s: no finding tagged %s at %s or above from %q; got:\n%s",
					row.file, row.attack, row.tag, row.minLevel, row.titles, describeFindings(fs))
			}
		})
	}
}

func scanDeepBlue(t *testing.T, path string) []deepBlueFinding {
	t.Helper()
	out, errOut, code := runCLI(t, "scan", "-q", "-f", "jsonl", path)
	if code != 0 && code != exitFindings {
		t.Fatalf("scan %s exited %d: %s", path, code, errOut)
	}
	var fs []deepBlueFinding
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var f deepBlueFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%s: %v: %s", path, err, line)
		}
		fs = append(fs, f)
	}
	return fs
}

func hasDeepBlueFinding(fs []deepBlueFinding, row deepBlueRow) bool {
	for _, f := range fs {
		if levelRank[f.Level] < levelRank[row.minLevel] || !slices.Contains(f.Rule.Tags, row.tag) {
			continue
		}
		if len(row.titles) == 0 || slices.Contains(row.titles, f.Rule.Title) {
			return true
		}
	}
	return false
}

func describeFindings(fs []deepBlueFinding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Level + " " + f.Rule.Title + " " + strings.Join(f.Rule.Tags, ",") + "\n")
	}
	return b.String()
}
