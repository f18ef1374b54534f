package synth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
	"github.com/evtxhunt/evtxhunt/analyzer/extract"
)

// Fields each process source can carry; a line giving another field for
// that source is an error, since the record could not hold it.
var (
	securityFields = fieldSet(event.FieldImage, event.FieldCommandLine, event.FieldParentImage,
		event.FieldProcessId, event.FieldParentProcessId, event.FieldUser, event.FieldUserSid,
		event.FieldLogonId, event.FieldIntegrityLevel, event.FieldTokenElevationType,
		event.FieldTargetUser, event.FieldTargetUserSid, event.FieldTargetLogonId, event.FieldMandatoryLabel)
	sysmonFields = fieldSet(event.FieldImage, event.FieldOriginalFileName, event.FieldCommandLine,
		event.FieldCurrentDirectory, event.FieldParentImage, event.FieldParentCommandLine,
		event.FieldProcessId, event.FieldParentProcessId, event.FieldProcessGuid, event.FieldParentProcessGuid,
		event.FieldUser, event.FieldLogonId, event.FieldLogonGuid, event.FieldTerminalSessionId,
		event.FieldIntegrityLevel, event.FieldHashes, event.FieldFileVersion, event.FieldDescription,
		event.FieldProduct, event.FieldCompany, event.FieldRuleName, event.FieldParentUser, event.FieldUtcTime)
	// Fields 4688 version 1 and the early version 2 layout lack.
	security4688v2Only = fieldSet(event.FieldTargetUser, event.FieldTargetUserSid, event.FieldTargetLogonId)
	security4688Long   = fieldSet(event.FieldParentImage, event.FieldMandatoryLabel, event.FieldIntegrityLevel)
)

func fieldSet(fs ...event.Field) event.FieldSet {
	var s event.FieldSet
	for _, f := range fs {
		s = s.With(f)
	}
	return s
}

// checkFields returns an error naming the first process field p carries
// that allowed does not contain.
func checkFields(p *event.Process, allowed event.FieldSet, what string) error {
	for f := event.FieldImage; f < event.NumFields; f++ {
		if p.Has&(1<<f) != 0 && !allowed.Contains(f) {
			return fmt.Errorf("field %s cannot be written in a %s record", f.Name(), what)
		}
	}
	return nil
}

// image returns the line's Image, or the program its CommandLine starts.
func image(p *event.Process) (string, error) {
	if p.Image != "" {
		return p.Image, nil
	}
	first := strings.TrimSpace(p.CommandLine)
	if strings.HasPrefix(first, `"`) {
		if end := strings.IndexByte(first[1:], '"'); end >= 0 {
			first = first[1 : end+1]
		}
	} else if sp := strings.IndexAny(first, " \t"); sp >= 0 {
		first = first[:sp]
	}
	switch {
	case first == "":
		return "", errors.New("a process event needs an Image (or a CommandLine to take it from)")
	case strings.ContainsAny(first, `\/`):
		return first, nil
	case !strings.Contains(first, "."):
		first += ".exe"
	}
	return `C:\Windows\System32\` + first, nil
}

// processDefaults fills what both sources share: the image, the account,
// the parent. It returns the completed copy of p.
func processDefaults(p *event.Process) (event.Process, error) {
	q := *p
	img, err := image(p)
	if err != nil {
		return q, err
	}
	q.Image = img
	if !p.Has.Contains(event.FieldCommandLine) {
		q.CommandLine = img
	}
	if q.User == "" && !p.Has.Contains(event.FieldUser) {
		q.User = `NT AUTHORITY\SYSTEM`
	}
	service := isServiceAccount(q.User)
	if q.ParentImage == "" && !p.Has.Contains(event.FieldParentImage) {
		q.ParentImage = `C:\Windows\explorer.exe`
		if service {
			q.ParentImage = `C:\Windows\System32\services.exe`
		}
	}
	if !p.Has.Contains(event.FieldProcessId) {
		q.ProcessId = processID(q.Computer, img, q.CommandLine, q.Timestamp.String())
	}
	if !p.Has.Contains(event.FieldParentProcessId) {
		q.ParentProcessId = processID(q.Computer, q.ParentImage)
	}
	if !p.Has.Contains(event.FieldLogonId) {
		q.LogonId = event.FormatHex(logonID(q.Computer, q.User))
	}
	if !p.Has.Contains(event.FieldIntegrityLevel) && !p.Has.Contains(event.FieldMandatoryLabel) {
		q.IntegrityLevel = "Medium"
		if service {
			q.IntegrityLevel = "System"
		}
	}
	return q, nil
}

// mandatoryLabels maps integrity levels to their mandatory label SIDs.
var mandatoryLabels = map[string]string{
	"untrusted": "S-1-16-0", "low": "S-1-16-4096", "medium": "S-1-16-8192", "mediumplus": "S-1-16-8448",
	"high": "S-1-16-12288", "system": "S-1-16-16384", "protected": "S-1-16-20480",
}

// security4688 returns the EventData of a 4688 record of the given
// version. A version-2 line that states its version and carries none of
// ParentImage, MandatoryLabel and IntegrityLevel gets the 13-value layout
// of early Windows 10; otherwise version 2 has all 15 values.
func security4688(p *event.Process, version uint8, stated bool) ([]evtxwriter.Data, error) {
	if version > 2 {
		return nil, fmt.Errorf("security 4688 version %d is not supported (0, 1 and 2 are)", version)
	}
	if err := checkFields(p, securityFields, "Security 4688"); err != nil {
		return nil, err
	}
	long := version == 2 && (!stated || p.Has&security4688Long != 0)
	if version < 2 && p.Has&(security4688v2Only|security4688Long) != 0 {
		return nil, fmt.Errorf("security 4688 version %d has no target account, ParentProcessName or MandatoryLabel", version)
	}
	if version == 0 && p.Has.Contains(event.FieldCommandLine) {
		return nil, errors.New("security 4688 version 0 has no CommandLine")
	}
	q, err := processDefaults(p)
	if err != nil {
		return nil, err
	}
	label, err := mandatoryLabel(p, &q)
	if err != nil {
		return nil, err
	}
	d := newDataList(15)
	sid := q.UserSid
	if !p.Has.Contains(event.FieldUserSid) {
		sid = accountSID(q.User)
	}
	domain, name := subjectAccount(p, &q)
	d.sid("SubjectUserSid", sid)
	d.str("SubjectUserName", name)
	d.str("SubjectDomainName", domain)
	d.hex64("SubjectLogonId", q.LogonId)
	d.pid("NewProcessId", q.ProcessId)
	d.str("NewProcessName", q.Image)
	d.str("TokenElevationType", tokenElevation(p, &q))
	d.pid("ProcessId", q.ParentProcessId)
	if version >= 1 {
		d.str("CommandLine", q.CommandLine)
	}
	if version == 2 {
		targetSID, targetDomain, targetName, targetLogon := "S-1-0-0", "-", "-", "0x0"
		if p.Has.Contains(event.FieldTargetUser) {
			targetDomain, targetName = splitAccount(q.TargetUser)
		}
		if p.Has.Contains(event.FieldTargetUserSid) {
			targetSID = q.TargetUserSid
		}
		if p.Has.Contains(event.FieldTargetLogonId) {
			targetLogon = q.TargetLogonId
		}
		d.sid("TargetUserSid", targetSID)
		d.str("TargetUserName", targetName)
		d.str("TargetDomainName", targetDomain)
		d.hex64("TargetLogonId", targetLogon)
	}
	if long {
		d.str("ParentProcessName", q.ParentImage)
		d.sid("MandatoryLabel", label)
	}
	return d.list, d.err
}

// subjectAccount splits the subject of a 4688: SYSTEM is written, as
// Windows writes it, as the machine account in the computer's domain.
func subjectAccount(p *event.Process, q *event.Process) (domain, name string) {
	if !p.Has.Contains(event.FieldUser) {
		return domainOf(q.Computer), netbiosName(q.Computer) + "$"
	}
	if q.User == "" {
		return "", ""
	}
	return splitAccount(q.User)
}

// mandatoryLabel returns the label SID of a 4688, checking that a given
// IntegrityLevel agrees with a given MandatoryLabel.
func mandatoryLabel(p *event.Process, q *event.Process) (string, error) {
	if p.Has.Contains(event.FieldMandatoryLabel) {
		if p.Has.Contains(event.FieldIntegrityLevel) {
			if got, ok := extract.IntegrityLevel(q.MandatoryLabel); !ok || !strings.EqualFold(got, q.IntegrityLevel) {
				return "", fmt.Errorf("IntegrityLevel %q does not match MandatoryLabel %s", q.IntegrityLevel, q.MandatoryLabel)
			}
		}
		return q.MandatoryLabel, nil
	}
	label, ok := mandatoryLabels[strings.ToLower(q.IntegrityLevel)]
	if !ok {
		return "", fmt.Errorf("IntegrityLevel %q has no mandatory label (one of Untrusted, Low, Medium, MediumPlus, High, System, Protected)", q.IntegrityLevel)
	}
	return label, nil
}

// tokenElevation returns the TokenElevationType of a 4688: full for
// SYSTEM and elevated tokens, limited for standard users.
func tokenElevation(p *event.Process, q *event.Process) string {
	if p.Has.Contains(event.FieldTokenElevationType) {
		return q.TokenElevationType
	}
	switch {
	case isServiceAccount(q.User):
		return "%%1936"
	case strings.EqualFold(q.IntegrityLevel, "High"), q.MandatoryLabel == "S-1-16-12288":
		return "%%1937"
	}
	return "%%1938"
}
