package findings

import (
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// Scanner runs detections over events delivered in input order.
type Scanner struct {
	set     *detections.Set
	parents map[parentKey]parentInfo // last 4688 process per host and pid
	hits    []detections.Hit
	scratch []*sigma.Rule

	Findings []Finding
	Events   int // process events scanned
}

type parentKey struct {
	host string
	pid  uint64
}

type parentInfo struct {
	started     time.Time
	commandLine string
}

// NewScanner returns a scanner over the detection set.
func NewScanner(set *detections.Set) *Scanner {
	return &Scanner{set: set, parents: map[parentKey]parentInfo{}}
}

// Scan enriches p, runs the detections on it and records its findings.
func (s *Scanner) Scan(p *event.Process) {
	s.Events++
	s.fillParentCommandLine(p)
	s.hits, s.scratch = s.set.Detect(p, s.hits[:0], s.scratch)
	for _, h := range s.hits {
		s.Findings = append(s.Findings, Finding{
			ID:          newID(h.Rule.ID, p),
			RuleID:      h.Rule.ID,
			Title:       h.Rule.Title,
			Level:       h.Rule.Level,
			Tags:        h.Rule.AttackTags(),
			Description: h.Rule.Description,
			RuleSource:  h.Rule.Location(),
			Event:       *p,
			Sources:     []string{p.SourceFile},
		})
	}
}

// fillParentCommandLine gives a 4688 event the command line of its parent
// when the parent's own 4688 event was seen on the same host: the latest
// process with the parent's id that started no later than the child.
func (s *Scanner) fillParentCommandLine(p *event.Process) {
	if p.EventID != event.SecurityProcessCreate {
		return
	}
	host := strings.ToLower(p.Computer)
	if _, has := p.Get(event.FieldParentCommandLine); !has {
		if pid, ok := p.Number(event.FieldParentProcessId); ok {
			if par, ok := s.parents[parentKey{host, pid}]; ok && !par.started.After(p.Timestamp) {
				p.Set(event.FieldParentCommandLine, par.commandLine)
			}
		}
	}
	if pid, ok := p.Number(event.FieldProcessId); ok {
		if _, has := p.Get(event.FieldCommandLine); has {
			s.parents[parentKey{host, pid}] = parentInfo{started: p.Timestamp, commandLine: p.CommandLine}
		}
	}
}
