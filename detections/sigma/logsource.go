package sigma

import (
	"fmt"
	"sort"
	"strings"
)

// LogSource is a rule's logsource as written: product, category and
// service (each may be empty).
type LogSource struct {
	Product, Category, Service string
}

// String renders the log source as product/category/service, an empty
// part left empty: "windows/registry_set/", "windows//security".
func (l LogSource) String() string {
	return l.Product + "/" + l.Category + "/" + l.Service
}

// processCreation is the log source of the rules evtxhunt started with,
// and of rules made in code.
var processCreation = LogSource{Product: "windows", Category: "process_creation"}

// eventSource is one place where the events of a log source are logged: a
// channel and its event ids (nil: every id of the channel), and, for the
// Security-log equivalents of Sysmon categories, how to read the record
// (equiv). An empty channel means every channel.
type eventSource struct {
	channel string
	ids     []uint32
	equiv   *equivalent
}

// Channels, as Windows names them in event records.
const (
	chSecurity       = "Security"
	chSysmon         = "Microsoft-Windows-Sysmon/Operational"
	chPowerShell     = "Microsoft-Windows-PowerShell/Operational"
	chPowerShellCore = "PowerShellCore/Operational"
	chPowerShellV2   = "Windows PowerShell"
)

// serviceChannels maps each Windows service of the Sigma taxonomy (and of
// the SigmaHQ rules) to the channels its events are logged in. Where the
// taxonomy names a channel by its display name, the channel name Windows
// writes into records is listed too.
var serviceChannels = map[string][]string{
	"application":            {"Application"},
	"application-experience": {"Microsoft-Windows-Application-Experience/Program-Telemetry", "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant"},
	"applocker": {"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL",
		"Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker/Packaged app-Execution"},
	"appmodel-runtime":      {"Microsoft-Windows-AppModel-Runtime/Admin"},
	"appxdeployment-server": {"Microsoft-Windows-AppXDeploymentServer/Operational"},
	"appxpackaging-om":      {"Microsoft-Windows-AppxPackaging/Operational"},
	"bitlocker":             {"Microsoft-Windows-BitLocker/BitLocker Management"},
	"bits-client":           {"Microsoft-Windows-Bits-Client/Operational"},
	"capi2":                 {"Microsoft-Windows-CAPI2/Operational"},
	"certificateservicesclient-lifecycle-system": {"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"},
	"codeintegrity-operational":                  {"Microsoft-Windows-CodeIntegrity/Operational"},
	"dhcp":                                       {"Microsoft-Windows-DHCP-Server/Operational"},
	"diagnosis-scripted":                         {"Microsoft-Windows-Diagnosis-Scripted/Operational"},
	"dns-client":                                 {"Microsoft-Windows-DNS-Client/Operational", "Microsoft-Windows-DNS Client Events/Operational"},
	"dns-server":                                 {"DNS Server"},
	"dns-server-analytic":                        {"Microsoft-Windows-DNS-Server/Analytical"},
	"dns-server-audit":                           {"Microsoft-Windows-DNS-Server/Audit"},
	"driver-framework":                           {"Microsoft-Windows-DriverFrameworks-UserMode/Operational"},
	"firewall-as":                                {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"},
	"hyper-v-worker":                             {"Microsoft-Windows-Hyper-V-Worker-Admin", "Microsoft-Windows-Hyper-V-Worker"},
	"iis-configuration":                          {"Microsoft-IIS-Configuration/Operational"},
	"kernel-event-tracing":                       {"Microsoft-Windows-Kernel-EventTracing/Admin", "Microsoft-Windows-Kernel-EventTracing"},
	"kernel-shimengine":                          {"Microsoft-Windows-Kernel-ShimEngine/Operational", "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"},
	"ldap":                                       {"Microsoft-Windows-LDAP-Client/Debug"},
	"lsa-server":                                 {"Microsoft-Windows-LSA/Operational"},
	"microsoft-servicebus-client":                {"Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"},
	"msexchange-management":                      {"MSExchange Management"},
	"ntfs":                                       {"Microsoft-Windows-Ntfs/Operational"},
	"ntlm":                                       {"Microsoft-Windows-NTLM/Operational"},
	"openssh":                                    {"OpenSSH/Operational"},
	"powershell":                                 {chPowerShell, chPowerShellCore},
	"powershell-classic":                         {chPowerShellV2},
	"printservice-admin":                         {"Microsoft-Windows-PrintService/Admin"},
	"printservice-operational":                   {"Microsoft-Windows-PrintService/Operational"},
	"security":                                   {chSecurity},
	"security-mitigations":                       {"Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"},
	"sense":                                      {"Microsoft-Windows-SENSE/Operational"},
	"servicebus-client":                          {"Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"},
	"shell-core":                                 {"Microsoft-Windows-Shell-Core/Operational"},
	"smbclient-connectivity":                     {"Microsoft-Windows-SmbClient/Connectivity"},
	"smbclient-security":                         {"Microsoft-Windows-SmbClient/Security"},
	"smbserver-connectivity":                     {"Microsoft-Windows-SMBServer/Connectivity"},
	"sysmon":                                     {chSysmon},
	"system":                                     {"System"},
	"taskscheduler":                              {"Microsoft-Windows-TaskScheduler/Operational"},
	"terminalservices-localsessionmanager":       {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"},
	"vhdmp":                                      {"Microsoft-Windows-VHDMP/Operational"},
	"windefend":                                  {"Microsoft-Windows-Windows Defender/Operational"},
	"wmi":                                        {"Microsoft-Windows-WMI-Activity/Operational"},
}

func sysmon(ids ...uint32) eventSource { return eventSource{channel: chSysmon, ids: ids} }

// categorySources maps each Windows category of the Sigma taxonomy to its
// sources: the Sysmon event ids (or the PowerShell channels) the taxonomy
// names, then the Security-log equivalents evtxhunt reads with a field
// mapping (equivalents.go). process_creation is listed for completeness:
// its records reach the rules as event.Process, from Security 4688 and
// Sysmon 1. file_access and file_rename come from the Kernel-File ETW
// provider, whose only channel is its analytic log.
var categorySources = map[string][]eventSource{
	"process_creation":          {{channel: chSecurity, ids: []uint32{4688}}, sysmon(1)},
	"file_change":               {sysmon(2)},
	"network_connection":        {sysmon(3), {channel: chSecurity, ids: []uint32{5156}, equiv: &network5156}},
	"sysmon_status":             {sysmon(4, 16)},
	"process_termination":       {sysmon(5), {channel: chSecurity, ids: []uint32{4689}, equiv: &termination4689}},
	"driver_load":               {sysmon(6)},
	"image_load":                {sysmon(7)},
	"create_remote_thread":      {sysmon(8)},
	"raw_access_thread":         {sysmon(9)},
	"process_access":            {sysmon(10)},
	"file_event":                {sysmon(11)},
	"registry_add":              {sysmon(12), {channel: chSecurity, ids: []uint32{4657}, equiv: &registryAdd4657}},
	"registry_delete":           {sysmon(12), {channel: chSecurity, ids: []uint32{4657}, equiv: &registryDelete4657}},
	"registry_set":              {sysmon(13), {channel: chSecurity, ids: []uint32{4657}, equiv: &registrySet4657}},
	"registry_rename":           {sysmon(14)},
	"registry_event":            {sysmon(12, 13, 14), {channel: chSecurity, ids: []uint32{4657}, equiv: &registryEvent4657}},
	"create_stream_hash":        {sysmon(15)},
	"pipe_created":              {sysmon(17, 18)},
	"wmi_event":                 {sysmon(19, 20, 21)},
	"dns_query":                 {sysmon(22)},
	"file_delete":               {sysmon(23)},
	"clipboard_capture":         {sysmon(24)},
	"process_tampering":         {sysmon(25)},
	"file_delete_detected":      {sysmon(26)},
	"file_block_executable":     {sysmon(27)},
	"file_block_shredding":      {sysmon(28)},
	"file_executable_detected":  {sysmon(29)},
	"sysmon_error":              {sysmon(255)},
	"ps_module":                 {{channel: chPowerShell, ids: []uint32{4103}}, {channel: chPowerShellCore, ids: []uint32{4103}}},
	"ps_script":                 {{channel: chPowerShell, ids: []uint32{4104}}, {channel: chPowerShellCore, ids: []uint32{4104}}},
	"ps_classic_start":          {{channel: chPowerShellV2, ids: []uint32{400}}},
	"ps_classic_provider_start": {{channel: chPowerShellV2, ids: []uint32{600}}},
	"ps_classic_script":         {{channel: chPowerShellV2, ids: []uint32{800}}},
	"file_access":               {{channel: "Microsoft-Windows-Kernel-File/Analytic"}},
	"file_rename":               {{channel: "Microsoft-Windows-Kernel-File/Analytic"}},
}

// SkipReason says why a rule was skipped on purpose (a LoadError with
// Note set).
type SkipReason uint8

// The reasons a rule is skipped.
const (
	NotSkipped      SkipReason = iota
	SkipProduct                // a log source of another product (linux, macos, a proxy, ...)
	SkipUnmapped               // a Windows log source evtxhunt has no channel for
	SkipCorrelation            // a correlation rule (a "correlation:" document)
	SkipAggregation            // an aggregation (condition "| count() ...") or a timeframe
	SkipFilter                 // a Sigma filter document ("filter:"), not a rule
)

var skipNames = [...]string{"", "other product", "unmapped Windows log source", "correlation rule", "aggregation", "filter document"}

// String names the reason for summaries: "other product", ...
func (s SkipReason) String() string {
	if int(s) < len(skipNames) {
		return skipNames[s]
	}
	return fmt.Sprintf("skip(%d)", int(s))
}

// resolveLogSource finds the sources of a rule's log source, or says why
// the rule is skipped.
func resolveLogSource(ls LogSource) ([]eventSource, SkipReason, string) {
	product := strings.ToLower(ls.Product)
	category := strings.ToLower(ls.Category)
	service := strings.ToLower(ls.Service)
	_, knownCategory := categorySources[category]
	_, knownService := serviceChannels[service]
	switch {
	case product != "" && product != "windows":
		return nil, SkipProduct, fmt.Sprintf("not a Windows rule (logsource product %s); skipped", ls.Product)
	case product == "" && (category == "" || !knownCategory) && (service == "" || !knownService):
		return nil, SkipProduct, fmt.Sprintf("not a Windows rule (logsource %s without a product); skipped", describe(ls))
	case category == "" && service == "":
		return []eventSource{{}}, NotSkipped, "" // every Windows record
	case category != "" && !knownCategory:
		return nil, SkipUnmapped, fmt.Sprintf("Windows log source category %s has no event log mapping; skipped", ls.Category)
	case service != "" && !knownService:
		return nil, SkipUnmapped, fmt.Sprintf("Windows log source service %s has no event log mapping; skipped", ls.Service)
	case category == "":
		var out []eventSource
		for _, ch := range serviceChannels[service] {
			out = append(out, eventSource{channel: ch})
		}
		return out, NotSkipped, ""
	}
	srcs := categorySources[category]
	if service == "" {
		return srcs, NotSkipped, ""
	}
	var out []eventSource
	for _, s := range srcs {
		for _, ch := range serviceChannels[service] {
			if strings.EqualFold(s.channel, ch) {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return nil, SkipUnmapped, fmt.Sprintf("Windows log source category %s is not logged by service %s; skipped", ls.Category, ls.Service)
	}
	return out, NotSkipped, ""
}

// describe renders the non-empty parts of a log source for messages.
func describe(ls LogSource) string {
	var parts []string
	for _, p := range []struct{ key, v string }{{"category", ls.Category}, {"service", ls.Service}} {
		if p.v != "" {
			parts = append(parts, p.key+" "+p.v)
		}
	}
	if len(parts) == 0 {
		return "with neither category nor service"
	}
	return strings.Join(parts, ", ")
}

// Categories returns the Windows categories evtxhunt maps, sorted.
func Categories() []string { return sortedKeys(categorySources) }

// Services returns the Windows services evtxhunt maps, sorted.
func Services() []string { return sortedKeys(serviceChannels) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
