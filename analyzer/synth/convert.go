package synth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
)

// DefaultComputer names the host of lines that give no Computer and follow
// no line that does.
const DefaultComputer = "DESKTOP-SYNTH"

// converter turns lines into records. Lines without a Timestamp come one
// second after the previous line (the first at start); lines without a
// Computer inherit the previous line's.
type converter struct {
	start    time.Time
	last     time.Time
	computer string
}

// convert returns the record of line l (its RecordID is set by the
// caller) and the completed process event, for process lines.
func (c *converter) convert(l *Line) (*evtxwriter.Event, error) {
	p := l.P
	switch {
	case l.given&givenTimestamp != 0:
	case c.last.IsZero():
		p.Timestamp = c.start
	default:
		p.Timestamp = c.last.Add(time.Second)
	}
	c.last = p.Timestamp
	if p.Computer == "" {
		p.Computer = c.computer
		if p.Computer == "" {
			p.Computer = DefaultComputer
		}
	}
	c.computer = p.Computer

	eventID := uint16(p.EventID)
	if l.given&givenEventID == 0 {
		eventID = event.SecurityProcessCreate
		if _, info := knownProvider(p.Provider, p.Channel); info == &sysmonProvider {
			eventID = event.SysmonProcessCreate
		}
	}
	provider, info := knownProvider(p.Provider, p.Channel)
	if provider == "" && p.Channel == "" {
		switch eventID {
		case event.SecurityProcessCreate:
			provider, info = event.SecurityProvider, &securityAuditing
		case event.SysmonProcessCreate:
			provider, info = event.SysmonProvider, &sysmonProvider
		default:
			if _, ok := securityTasks[eventID]; !ok {
				return nil, fmt.Errorf("event %d needs a Provider or Channel", eventID)
			}
			provider, info = event.SecurityProvider, &securityAuditing
		}
	}
	channel := p.Channel
	if channel == "" {
		channel = "Application"
		if info != nil {
			channel = info.channel
		}
	}
	ev := &evtxwriter.Event{
		Provider: provider, EventID: eventID, TimeCreated: p.Timestamp,
		Channel: channel, Computer: p.Computer,
	}
	c.system(ev, info, l)
	p.Provider, p.Channel, p.EventID = provider, channel, uint32(eventID)

	var err error
	switch {
	case event.IsProcessCreation(provider, channel, uint32(eventID)):
		ev.Data, err = c.processData(l, &p, ev)
	case provider == event.SecurityProvider && hasLogonLayout(eventID):
		ev.Data, err = c.logonData(l, ev)
	default:
		ev.Data, err = genericData(l, provider, eventID)
	}
	return ev, err
}

// system fills the System values the provider's events carry, then the
// ones the line gives.
func (c *converter) system(ev *evtxwriter.Event, info *providerInfo, l *Line) {
	switch info {
	case &securityAuditing:
		ev.ProviderGUID, ev.Keywords = info.guid, keywordsAuditSuccess
		if securityFailures[ev.EventID] {
			ev.Keywords = keywordsAuditFailure
		}
		ev.Task = securityTasks[ev.EventID]
		// Process creation is logged by the kernel, the rest by LSA.
		ev.ProcessID = uint32(processID(ev.Computer, `C:\Windows\System32\lsass.exe`))
		if ev.EventID == event.SecurityProcessCreate {
			ev.ProcessID = 4
		}
	case &sysmonProvider:
		ev.ProviderGUID, ev.Level, ev.Keywords = info.guid, info.level, info.keywords
		ev.Task, ev.Version = ev.EventID, sysmonVersions[ev.EventID]
		ev.ProcessID = uint32(processID(ev.Computer, `C:\Windows\Sysmon64.exe`))
		ev.UserID, _ = evtxwriter.ParseSID(info.userID)
	default:
		ev.Level = 4
		ev.ProcessID = uint32(processID(ev.Computer, ev.Provider))
	}
	ev.ThreadID = uint32(processID(ev.Computer, ev.TimeCreated.String(), "thread"))
	if l.given&givenVersion != 0 {
		ev.Version = l.P.Version
	}
	if l.given&givenLevel != 0 {
		ev.Level = l.Level
	}
	if l.given&givenTask != 0 {
		ev.Task = l.Task
	}
	if l.given&givenOpcode != 0 {
		ev.Opcode = l.Opcode
	}
	if l.given&givenKeywords != 0 {
		ev.Keywords = l.Keywords
	}
}

// processData returns the EventData of a 4688 or Sysmon 1 line.
func (c *converter) processData(l *Line, p *event.Process, ev *evtxwriter.Event) ([]evtxwriter.Data, error) {
	if l.given&givenEventData != 0 {
		return nil, errors.New("EventData cannot be given for a process event: it is written from the Sigma fields")
	}
	stated := l.given&givenVersion != 0
	if ev.EventID == event.SecurityProcessCreate {
		if !stated {
			ev.Version = 2
		}
		return security4688(p, ev.Version, stated)
	}
	if !stated {
		ev.Version = 5
	}
	return sysmon1(p, ev.Version, stated)
}

// genericData returns the EventData of any other event, typed by the
// event's type table.
func genericData(l *Line, provider string, eventID uint16) ([]evtxwriter.Data, error) {
	for f := event.FieldImage; f < event.NumFields; f++ {
		if l.P.Has&(1<<f) != 0 {
			return nil, fmt.Errorf("field %s applies to process events only (Security 4688, Sysmon 1); give other events' values in EventData", f.Name())
		}
	}
	types := dataTypesOf(provider, eventID)
	d := newDataList(len(l.Data))
	for _, v := range l.Data {
		d.typed(v, types[v.Name])
	}
	if d.err != nil {
		return nil, fmt.Errorf("EventData %w", d.err)
	}
	return d.list, nil
}

// isSysmonChannel reports whether a channel is Sysmon's.
func isSysmonChannel(ch string) bool { return strings.EqualFold(ch, event.SysmonChannel) }
