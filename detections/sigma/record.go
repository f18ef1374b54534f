package sigma

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// record is what a rule is evaluated on: a process creation (p), or any
// other record (e) read, when it comes from a Security-log equivalent of
// the rule's category, through that equivalent's field mapping (eq). It
// is passed by value so that matchers, called through an interface, do
// not make it escape to the heap.
type record struct {
	p  *event.Process
	e  *event.Event
	eq *equivalent
}

// sysValue names the System values a general event's field may resolve
// to when its payload has no item of that name.
type sysValue uint8

const (
	sysNone sysValue = iota
	sysEventID
	sysVersion
	sysRecordID
	sysChannel
	sysComputer
	sysProvider
	sysOther // rendered by event.System.SystemValueOf
)

// sysNames are the System values read without rendering them as text.
var sysNames = map[string]sysValue{
	"eventid":       sysEventID,
	"version":       sysVersion,
	"eventrecordid": sysRecordID,
	"channel":       sysChannel,
	"computer":      sysComputer,
	"provider":      sysProvider,
	"provider_name": sysProvider,
}

// everySystemValue has every optional System value, to tell System value
// names from others.
var everySystemValue = event.System{Has: ^event.SystemSet(0)}

// systemValueOf classifies a lower-cased field name.
func systemValueOf(lower string) sysValue {
	if v, ok := sysNames[lower]; ok {
		return v
	}
	if _, ok := everySystemValue.SystemValueOf(lower); ok {
		return sysOther
	}
	return sysNone
}

// getEvent reads the field from a general event: through the
// equivalent's mapping when there is one for it, else the payload item of
// that name (exact, then ignoring case), else the System value of that
// name.
func (r *fieldRef) getEvent(e *event.Event, eq *equivalent) value {
	if eq != nil {
		if fs, ok := eq.fields[r.lower]; ok {
			return fs.get(e)
		}
	}
	if s, ok := lookupItem(e.Items, r.name); ok {
		return value{present: true, str: s}
	}
	switch r.sys {
	case sysEventID:
		return value{present: true, isNum: true, num: uint64(e.EventID)}
	case sysVersion:
		return value{present: true, isNum: true, num: uint64(e.Version)}
	case sysRecordID:
		return value{present: true, isNum: true, num: e.EventRecordID}
	case sysChannel:
		return value{present: true, str: e.Channel}
	case sysComputer:
		return value{present: true, str: e.Computer}
	case sysProvider:
		return value{present: true, str: e.Provider}
	case sysOther:
		if s, ok := e.SystemValueOf(r.name); ok {
			return value{present: true, str: s}
		}
	}
	return value{}
}

// lookupItem finds a payload item by name: the exact name first, then
// ignoring case (as event.Event.Get does, for names of equal length,
// which every ASCII name is), then ignoring case and spaces (Windows
// Defender names its items "Threat Name", "Process Name", ...; Sigma rules
// say ThreatName, ProcessName).
func lookupItem(items []event.Item, name string) (string, bool) {
	fold, spaced := -1, -1
	for i := range items {
		n := items[i].Name
		switch {
		case n == name:
			return items[i].Value, true
		case len(n) == len(name):
			if fold < 0 && strings.EqualFold(n, name) {
				fold = i
			}
		case len(n) > len(name) && len(name) > 0:
			if spaced < 0 && lowerASCII(n[0]) == lowerASCII(name[0]) && strings.IndexByte(n, ' ') >= 0 && equalFoldNoSpace(n, name) {
				spaced = i
			}
		}
	}
	if fold >= 0 {
		return items[fold].Value, true
	}
	if spaced >= 0 {
		return items[spaced].Value, true
	}
	return "", false
}

// equalFoldNoSpace compares two ASCII names ignoring case and spaces.
func equalFoldNoSpace(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && a[i] == ' ' {
			i++
		}
		for j < len(b) && b[j] == ' ' {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if lowerASCII(a[i]) != lowerASCII(b[j]) {
			return false
		}
		i++
		j++
	}
}

// isUnnamedData reports whether an item name is one decoders give Data
// elements without a Name: Data_1, Data_2, ...
func isUnnamedData(name string) bool {
	if len(name) < 6 || !strings.EqualFold(name[:5], "data_") {
		return false
	}
	for i := 5; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return false
		}
	}
	return true
}

// processChannel is the channel of a process event; an event without one
// (a carved record whose System values were lost, say) takes its source's.
func processChannel(p *event.Process) string {
	if p.Channel != "" {
		return p.Channel
	}
	if p.IsSysmon() {
		return chSysmon
	}
	return chSecurity
}
