package findings

import (
	"bytes"
	"math/bits"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// procView is one process event seen as a history record, its strings
// still the event's own: what dedupe compares and hashes, and what a new
// record is made from.
type procView struct {
	time        int64 // UnixNano, UTC
	hash        uint64
	recordID    uint64
	pid, ppid   uint64
	eventID     uint32
	flags       recordFlags
	image       string
	commandLine string
	parentImage string
	user        string
	logonID     string
	guid        string // Sysmon ProcessGuid; "" when absent or all zero
	parentGuid  string
	source      string
}

type recordFlags uint8

const (
	hasPid recordFlags = 1 << iota
	hasPpid
	hasCmdLine
)

// procRecord is the compact copy of one process event that the history
// keeps for context and ancestry: what a context row shows and what parent
// matching needs, nothing else. Its strings live in the host's arena, so
// it holds no pointers.
type procRecord struct {
	time        int64
	hash        uint64
	recordID    uint64
	pid, ppid   uint64
	eventID     uint32
	flags       recordFlags
	image       strRef // interned, like parentImage, user, logonID and source
	parentImage strRef
	user        strRef
	logonID     strRef
	source      strRef
	commandLine strRef
	guid        strRef
	parentGuid  strRef
}

func (r *procRecord) has(f recordFlags) bool { return r.flags&f != 0 }

// nullGUID is the GUID Sysmon writes when it does not know a process.
const nullGUID = "{00000000-0000-0000-0000-000000000000}"

func guidOf(p *event.Process, f event.Field) string {
	g, ok := p.Get(f)
	if !ok || g == nullGUID {
		return ""
	}
	return g
}

// makeView fills v from p.
func makeView(v *procView, p *event.Process) {
	*v = procView{
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
	var ok bool
	if v.pid, ok = p.Number(event.FieldProcessId); ok {
		v.flags |= hasPid
	}
	if v.ppid, ok = p.Number(event.FieldParentProcessId); ok {
		v.flags |= hasPpid
	}
	if _, ok = p.Get(event.FieldCommandLine); ok {
		v.flags |= hasCmdLine
	}
	v.hash = v.contentHash()
}

// contentHash is a deterministic hash of what makes two records the same
// process event: copies of one record in several files hash alike whatever
// their record numbers and file names.
func (v *procView) contentHash() uint64 {
	h := hashSeed
	h = hashUint(h, uint64(v.time))
	h = hashUint(h, uint64(v.eventID)|uint64(v.flags)<<32)
	h = hashUint(h, v.pid)
	h = hashUint(h, v.ppid)
	for _, s := range [...]string{v.image, v.commandLine, v.parentImage, v.user, v.logonID, v.guid, v.parentGuid} {
		h = hashString(h, s)
	}
	return h
}

// sameContent reports whether the record r (of arena a) is a copy of v.
func (v *procView) sameContent(a *arena, r *procRecord) bool {
	return r.hash == v.hash && r.time == v.time && r.eventID == v.eventID && r.pid == v.pid && r.ppid == v.ppid &&
		r.flags == v.flags && a.is(r.image, v.image) && a.is(r.commandLine, v.commandLine) &&
		a.is(r.parentImage, v.parentImage) && a.is(r.user, v.user) && a.is(r.logonID, v.logonID) &&
		a.is(r.guid, v.guid) && a.is(r.parentGuid, v.parentGuid)
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

// sameProcess reports whether two records of arena ar describe the same
// process: one record, copies, or the 4688 and Sysmon records of one
// creation.
func sameProcess(ar *arena, a, b *procRecord) bool {
	if a == b {
		return true
	}
	if a.guid != 0 && b.guid != 0 {
		return bytes.Equal(ar.bytes(a.guid), ar.bytes(b.guid))
	}
	if !a.has(hasPid) || !b.has(hasPid) || a.pid != b.pid {
		return false
	}
	d := a.time - b.time
	return d <= sameProcessSlack && d >= -sameProcessSlack && ar.equalFold(a.image, b.image)
}

// contextEvent renders r for reports.
func (ar *arena) contextEvent(r *procRecord) ContextEvent {
	return ContextEvent{
		Timestamp:         time.Unix(0, r.time).UTC(),
		EventID:           r.eventID,
		EventRecordID:     r.recordID,
		ProcessId:         r.pid,
		ParentProcessId:   r.ppid,
		ProcessGuid:       ar.str(r.guid),
		ParentProcessGuid: ar.str(r.parentGuid),
		Image:             ar.str(r.image),
		CommandLine:       ar.str(r.commandLine),
		User:              ar.str(r.user),
		LogonId:           ar.str(r.logonID),
		SourceFile:        ar.str(r.source),
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

func hashString[T string | []byte](h uint64, s T) uint64 {
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
