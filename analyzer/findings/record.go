package findings

import (
	"math/bits"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// procRecord is the compact copy of one process event that the history
// keeps for context and ancestry: what a context row shows and what parent
// matching needs, nothing else.
type procRecord struct {
	time        int64 // UnixNano, UTC
	hash        uint64
	recordID    uint64
	pid, ppid   uint64
	eventID     uint32
	hasPid      bool
	hasPpid     bool
	hasCmdLine  bool
	image       string
	commandLine string
	parentImage string
	user        string
	logonID     string
	guid        string // Sysmon ProcessGuid; "" when absent or all zero
	parentGuid  string
	source      string
}

// nullGUID is the GUID Sysmon writes when it does not know a process.
const nullGUID = "{00000000-0000-0000-0000-000000000000}"

func guidOf(p *event.Process, f event.Field) string {
	g, ok := p.Get(f)
	if !ok || g == nullGUID {
		return ""
	}
	return g
}

// makeRecord fills r from p without copying any string: r is a view of p
// until keep is called.
func makeRecord(r *procRecord, p *event.Process) {
	*r = procRecord{
		time:        p.Timestamp.UnixNano(),
		recordID:    p.EventRecordID,
		eventID:     p.EventID,
		image:       p.Image,
		commandLine: p.CommandLine,
		parentImage: p.ParentImage,
		user:        p.User,
		logonID:     p.LogonId,
		guid:        guidOf(p, event.FieldProcessGuid),
		parentGuid:  guidOf(p, event.FieldParentProcessGuid),
		source:      p.SourceFile,
	}
	r.pid, r.hasPid = p.Number(event.FieldProcessId)
	r.ppid, r.hasPpid = p.Number(event.FieldParentProcessId)
	_, r.hasCmdLine = p.Get(event.FieldCommandLine)
	r.hash = r.contentHash()
}

// contentHash is a deterministic hash of what makes two records the
// same process event: copies of one record in several files hash alike
// whatever their record numbers and file names.
func (r *procRecord) contentHash() uint64 {
	h := hashSeed
	h = hashUint(h, uint64(r.time))
	h = hashUint(h, uint64(r.eventID))
	h = hashUint(h, r.pid)
	h = hashUint(h, r.ppid)
	for _, s := range [...]string{r.image, r.commandLine, r.parentImage, r.user, r.logonID, r.guid, r.parentGuid} {
		h = hashString(h, s)
	}
	return h
}

// sameContent reports whether a and b are copies of one process event.
func (r *procRecord) sameContent(o *procRecord) bool {
	return r.time == o.time && r.eventID == o.eventID && r.pid == o.pid && r.ppid == o.ppid &&
		r.hasPid == o.hasPid && r.hasPpid == o.hasPpid && r.hasCmdLine == o.hasCmdLine && r.image == o.image &&
		r.commandLine == o.commandLine && r.parentImage == o.parentImage && r.user == o.user &&
		r.logonID == o.logonID && r.guid == o.guid && r.parentGuid == o.parentGuid
}

// recordLess is the order of records in every context list: time, then
// event id, process id and content hash, so the order does not depend on
// the order the inputs were read in.
func recordLess(a, b *procRecord) bool {
	if a.time != b.time {
		return a.time < b.time
	}
	if a.eventID != b.eventID {
		return a.eventID < b.eventID
	}
	if a.pid != b.pid {
		return a.pid < b.pid
	}
	return a.hash < b.hash
}

// sameProcessSlack is how far apart the Security 4688 and the Sysmon 1
// record of one process creation may be stamped.
const sameProcessSlack = int64(2 * time.Second)

// sameProcess reports whether two records describe the same process: one
// record, copies, or the 4688 and Sysmon records of one creation.
func sameProcess(a, b *procRecord) bool {
	if a == b {
		return true
	}
	if a.guid != "" && b.guid != "" {
		return a.guid == b.guid
	}
	if !a.hasPid || !b.hasPid || a.pid != b.pid {
		return false
	}
	d := a.time - b.time
	return d <= sameProcessSlack && d >= -sameProcessSlack && strings.EqualFold(a.image, b.image)
}

// contextEvent renders r for reports.
func (r *procRecord) contextEvent() ContextEvent {
	return ContextEvent{
		Timestamp:         time.Unix(0, r.time).UTC(),
		EventID:           r.eventID,
		EventRecordID:     r.recordID,
		ProcessId:         r.pid,
		ParentProcessId:   r.ppid,
		ProcessGuid:       r.guid,
		ParentProcessGuid: r.parentGuid,
		Image:             r.image,
		CommandLine:       r.commandLine,
		User:              r.user,
		LogonId:           r.logonID,
		SourceFile:        r.source,
	}
}

// The content hash mixes 8 bytes at a time with a 64x64->128 bit multiply
// (the folded-multiply construction of wyhash and similar hashes): fast,
// well spread, and the same in every run (maphash is seeded per process,
// and the hash orders records, so it must not change between runs).
const (
	hashSeed  uint64 = 0x243f6a8885a308d3 // the initial state (digits of pi)
	mixPrime  uint64 = 0x9e3779b97f4a7c15
	mixPrime2 uint64 = 0xbf58476d1ce4e5b9
)

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a^mixPrime, b^mixPrime2)
	return hi ^ lo
}

func hashString(h uint64, s string) uint64 {
	for len(s) >= 8 {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = mix(h, v)
		s = s[8:]
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		v |= uint64(s[i]) << (8 * i)
	}
	// The length goes in too, so ("ab","c") and ("a","bc") differ.
	return mix(h^uint64(len(s))<<56, v)
}

func hashUint(h, v uint64) uint64 { return mix(h, v) }
