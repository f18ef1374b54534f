package findings

import (
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
)

// RecordRef names one record a finding stands for.
type RecordRef struct {
	Channel       string
	EventRecordID uint64
	SourceFile    string // the first file it was read from
}

// A host that logs both Security 4688 and Sysmon 1 records every process
// creation twice. The two records of one creation (same host, same
// process id and image, stamped within sameProcessSlack) give one finding
// per rule: its event is the Sysmon event completed with the 4688 fields
// Sysmon lacks, and its Records list both. Pairs are found among the
// flagged records still pending, whatever order the files are read in; a
// pair whose first record was already finished (more than PendingLimit
// flagged records apart) stays two findings.

// twinKey is what the two records of one process creation share.
type twinKey struct {
	host  string
	pid   uint64
	image string // lower case
}

func twinKeyOf(p *event.Process) (twinKey, bool) {
	pid, ok := p.Number(event.FieldProcessId)
	if !ok || p.Image == "" {
		return twinKey{}, false
	}
	return twinKey{strings.ToLower(p.Computer), pid, strings.ToLower(p.Image)}, true
}

// pendingTwin returns the pending record of the other source of p's
// process creation, or nil.
func (s *Scanner) pendingTwin(k twinKey, p *event.Process) *pendingRecord {
	for _, o := range s.twins[k] {
		if o.general != nil || o.twin != nil || o.event.EventID == p.EventID {
			continue
		}
		d := o.event.Timestamp.UnixNano() - p.Timestamp.UnixNano()
		if d <= sameProcessSlack && d >= -sameProcessSlack {
			return o
		}
	}
	return nil
}

// mergeTwin merges the flagged record pr into o, the pending record of
// the other source of the same process creation: the Sysmon record
// becomes the finding's event, the 4688 its twin, and the hits are
// united by rule. It returns the hits pr adds.
func (s *Scanner) mergeTwin(o, pr *pendingRecord) []detections.Hit {
	if pr.event.EventID == event.SysmonProcessCreate {
		o.twin, o.twinSources = new(event.Process), o.sources
		*o.twin = o.event
		o.event, o.sources = pr.event, pr.sources
	} else {
		o.twin, o.twinSources = new(event.Process), pr.sources
		*o.twin = pr.event
	}
	s.seen[pr.key] = o
	var added []detections.Hit
	for _, h := range pr.hits {
		dup := false
		for _, k := range o.hits {
			if k.Rule.ID == h.Rule.ID {
				dup = true
				break
			}
		}
		if !dup {
			o.hits = append(o.hits, h)
			added = append(added, h)
		}
	}
	s.MergedPairs++
	return added
}

// forgetTwin drops a finished record from the pairing index.
func (s *Scanner) forgetTwin(pr *pendingRecord) {
	if pr.general != nil {
		return
	}
	k, ok := twinKeyOf(&pr.event)
	if !ok {
		return
	}
	list := s.twins[k]
	for i, o := range list {
		if o == pr {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.twins, k)
	} else {
		s.twins[k] = list
	}
}

// completeSysmon returns the Sysmon event sys completed with the fields of
// its 4688 twin sec that Sysmon does not carry.
func completeSysmon(sys, sec *event.Process) event.Process {
	out := *sys
	for _, f := range event.Fields() {
		if out.Has.Contains(f) {
			continue
		}
		if f.IsNumber() {
			if n, ok := sec.Number(f); ok {
				out.SetNumber(f, n)
			}
		} else if v, ok := sec.Get(f); ok {
			out.Set(f, v)
		}
	}
	return out
}

// recordsOf lists the records a pending record stands for.
func recordsOf(pr *pendingRecord) []RecordRef {
	refs := []RecordRef{{pr.event.Channel, pr.event.EventRecordID, first(pr.sources)}}
	if pr.twin != nil {
		refs = append(refs, RecordRef{pr.twin.Channel, pr.twin.EventRecordID, first(pr.twinSources)})
	}
	return refs
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}
