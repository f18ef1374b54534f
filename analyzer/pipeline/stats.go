package pipeline

import (
	"sort"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// FileStats describes one input file after it has been read.
type FileStats struct {
	Path         string
	Bytes        int64
	HeaderChunks int  // chunk count the file header claims
	Dirty        bool // the header's dirty flag: the log was not closed cleanly
	Chunks       int  // chunks holding records
	EmptyChunks  int  // chunks never written (zeroed or marked unused)
	Records      int
	N4688        int
	NSysmon1     int
	First, Last  time.Time
	Hosts        []string // sorted
	Problems     int      // problems located in this file
	Fallbacks    int      // chunks or records decoded by a fallback decoder

	// With carving (Carved is set): records recovered from slack and
	// unallocated space, not counted in Records, and how many of them are
	// process creations; StaleCopies counts carved copies of records still
	// allocated in the file (or recovered twice), which are not reported.
	Carved           bool
	Recovered        int
	Recovered4688    int
	RecoveredSysmon1 int
	StaleCopies      int

	slots int // chunk slots in the file, set by the dispatcher
}

func (f *FileStats) add(r *decode.Result, empty bool) {
	if empty {
		f.EmptyChunks++
	} else if r.Records > 0 || len(r.Problems) == 0 {
		f.Chunks++
	}
	f.Records += r.Records
	f.Problems += len(r.Problems)
	f.Fallbacks += r.Fallbacks
	n4688, nSysmon1 := countBySource(r.Events)
	f.N4688 += n4688
	f.NSysmon1 += nSysmon1
	if !r.First.IsZero() && (f.First.IsZero() || r.First.Before(f.First)) {
		f.First = r.First
	}
	if r.Last.After(f.Last) {
		f.Last = r.Last
	}
	for _, h := range r.Hosts {
		i := sort.SearchStrings(f.Hosts, h)
		if i < len(f.Hosts) && f.Hosts[i] == h {
			continue
		}
		f.Hosts = append(f.Hosts, "")
		copy(f.Hosts[i+1:], f.Hosts[i:])
		f.Hosts[i] = h
	}
}

// Summary totals a whole run.
type Summary struct {
	Files     []*FileStats
	Problems  []decode.Problem // every problem, in input order
	Bytes     int64
	Records   int
	Events    int // process-creation events, recovered ones included
	Recovered int // records recovered by carving
	Fallbacks int
	Elapsed   time.Duration
}

// countBySource counts the Security 4688 and the Sysmon 1 events.
func countBySource(events []event.Process) (n4688, nSysmon1 int) {
	for i := range events {
		switch events[i].EventID {
		case event.SecurityProcessCreate:
			n4688++
		case event.SysmonProcessCreate:
			nSysmon1++
		}
	}
	return n4688, nSysmon1
}
