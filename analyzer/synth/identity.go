package synth

import (
	"crypto/md5"  //nolint:gosec // stand-in file hashes in Sysmon's format, not security
	"crypto/sha1" //nolint:gosec // stand-in file hashes in Sysmon's format, not security
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Identities that lines leave out are derived from the values they give,
// by hashing: the same input always yields the same file, and two lines
// that name the same process (same host, id and image) agree on its GUID,
// so a child's ParentProcessGuid matches its parent's ProcessGuid.

// hash64 hashes its parts, case-insensitively, with separators.
func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(strings.ToLower(p)))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// Well-known accounts: their SID, logon id, and the name 4688 gives them.
type wellKnown struct {
	sid     string
	logonID uint64
}

var wellKnownAccounts = map[string]wellKnown{
	`nt authority\system`:          {"S-1-5-18", 0x3e7},
	`nt authority\local service`:   {"S-1-5-19", 0x3e5},
	`nt authority\network service`: {"S-1-5-20", 0x3e4},
}

// isServiceAccount reports whether user is SYSTEM, LOCAL SERVICE, NETWORK
// SERVICE or a machine account (NAME$): processes that run without an
// interactive logon.
func isServiceAccount(user string) bool {
	if user == "" {
		return true
	}
	if _, ok := wellKnownAccounts[strings.ToLower(user)]; ok {
		return true
	}
	return strings.HasSuffix(user, "$")
}

// splitAccount splits DOMAIN\name; a name without a domain gets "-", as
// Windows writes an empty domain.
func splitAccount(user string) (domain, name string) {
	if i := strings.LastIndexByte(user, '\\'); i >= 0 {
		return user[:i], user[i+1:]
	}
	return "-", user
}

// domainSID returns the S-1-5-21-a-b-c prefix of a domain.
func domainSID(domain string) string {
	h := hash64("domain", domain)
	a := 1000000000 + uint32(h)%3000000000
	b := 1000000000 + uint32(h>>20)%3000000000
	c := 100000000 + uint32(h>>40)%900000000
	return fmt.Sprintf("S-1-5-21-%d-%d-%d", a, b, c)
}

// accountSID derives the SID of DOMAIN\name.
func accountSID(user string) string {
	if w, ok := wellKnownAccounts[strings.ToLower(user)]; ok {
		return w.sid
	}
	if strings.HasSuffix(user, "$") {
		return "S-1-5-18"
	}
	domain, name := splitAccount(user)
	return domainSID(domain) + "-" + itoa(1100+hash64("rid", domain, name)%8900)
}

// logonID derives the logon id of a user's session on a host.
func logonID(computer, user string) uint64 {
	if w, ok := wellKnownAccounts[strings.ToLower(user)]; ok {
		return w.logonID
	}
	if isServiceAccount(user) {
		return 0x3e7
	}
	return 0x20000 + hash64("logon", computer, user)%0x3fffff
}

// processID derives a process id: a multiple of 4, as Windows assigns.
func processID(parts ...string) uint64 {
	return 4 * (100 + hash64(append([]string{"pid"}, parts...)...)%4000)
}

// machineID is the first group of the host's Sysmon GUIDs.
func machineID(computer string) uint32 { return uint32(hash64("machine", computer)) }

// sysmonGUID renders a Sysmon-style GUID: the host's machine id, then 32
// bits standing for the start time, then a process key.
func sysmonGUID(computer string, start uint32, key uint64) string {
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", machineID(computer),
		start&0xffff, start>>16, uint16(key>>48), key&0xffffffffffff)
}

// processGUID derives the Sysmon ProcessGuid of a process from its host,
// id and image.
func processGUID(computer string, pid uint64, image string) string {
	h := hash64("process", computer, itoa(pid), image)
	return sysmonGUID(computer, uint32(h>>32), h&0x0000ffffffffffff|0x0010<<48)
}

// logonGUID derives the LogonGuid of a logon session.
func logonGUID(computer string, logon uint64) string {
	h := hash64("logonguid", computer, itoa(logon))
	return sysmonGUID(computer, uint32(h>>32), logon&0xffffffff|0x0020<<48)
}

// fileHashes returns Sysmon's Hashes value for an image: stand-in digests
// derived from its path, stable across runs and consistent per image.
func fileHashes(image string) string {
	p := []byte(strings.ToLower(image))
	s1, m, s2 := sha1.Sum(p), md5.Sum(p), sha256.Sum256(p) //nolint:gosec // stand-in digests, see the imports
	imp := md5.Sum(append([]byte("imphash:"), p...))       //nolint:gosec // stand-in digest
	return "SHA1=" + upperHex(s1[:]) + ",MD5=" + upperHex(m[:]) + ",SHA256=" + upperHex(s2[:]) + ",IMPHASH=" + upperHex(imp[:])
}

func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// netbiosName returns the host part of a computer name, upper case.
func netbiosName(computer string) string {
	host, _, _ := strings.Cut(computer, ".")
	return strings.ToUpper(host)
}

// domainOf returns the NetBIOS domain of a computer: the first label of
// its DNS domain, upper case, or WORKGROUP.
func domainOf(computer string) string {
	_, dns, ok := strings.Cut(computer, ".")
	if !ok || dns == "" {
		return "WORKGROUP"
	}
	label, _, _ := strings.Cut(dns, ".")
	return strings.ToUpper(label)
}

// baseName returns the file name of a Windows path.
func baseName(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[i+1:]
	}
	return path
}
