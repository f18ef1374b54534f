package detections

import (
	"encoding/binary"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// memoField is one field a memo key holds. With within set, only
// keyword searches that cannot match text of those characters read the
// field (sigma.Rule.ReadsFieldWithin), so a value made of them counts as
// if the event lacked the field, and only other values go in the key.
type memoField struct {
	event.Field
	within *charSet
}

// charSet is a set of ASCII characters.
type charSet [256]bool

func newCharSet(chars string) *charSet {
	var s charSet
	for i := 0; i < len(chars); i++ {
		s[chars[i]] = true
	}
	return &s
}

// holds reports whether every byte of v is in the set.
func (s *charSet) holds(v string) bool {
	for i := 0; i < len(v); i++ {
		if !s[v[i]] {
			return false
		}
	}
	return true
}

// memoShapes are the process fields that differ in nearly every event,
// with the characters their values are made of: Sysmon's process and
// logon GUIDs and its UtcTime. Were a keyword search (which reads every
// string field) to put them in the key, no Sysmon event would ever be
// found in the memo; one whose values need other characters does not
// read them.
var memoShapes = []struct {
	field event.Field
	chars string
}{
	{event.FieldProcessGuid, guidChars},
	{event.FieldParentProcessGuid, guidChars},
	{event.FieldLogonGuid, guidChars},
	{event.FieldUtcTime, "0123456789-:. "},
}

const guidChars = "{}-0123456789abcdefABCDEF"

// memoFields lists the process fields some rule or check of the set can
// read (sigma.Rule.ReadsField; the checks read the command line), each
// field of memoShapes that no rule reads but through keywords with its
// shape.
func memoFields(rules []*sigma.Rule, checks bool) []memoField {
	var out []memoField
	for _, f := range event.Fields() {
		if checks && f == event.FieldCommandLine {
			out = append(out, memoField{Field: f})
			continue
		}
		if mf, ok := memoFieldOf(rules, f); ok {
			out = append(out, mf)
		}
	}
	return out
}

// memoFieldOf returns how a memo key holds f, and false when no rule
// reads it.
func memoFieldOf(rules []*sigma.Rule, f event.Field) (memoField, bool) {
	read := false
	for _, r := range rules {
		if r.ReadsField(f) {
			read = true
			break
		}
	}
	if !read {
		return memoField{}, false
	}
	for _, sh := range memoShapes {
		if sh.field != f {
			continue
		}
		for _, r := range rules {
			if r.ReadsFieldWithin(f, sh.chars) {
				return memoField{Field: f}, true
			}
		}
		return memoField{Field: f, within: newCharSet(sh.chars)}, true
	}
	return memoField{Field: f}, true
}

// appendMemoKey appends to b everything Detect's result on p can
// depend on, unambiguously: the event id, the channel, whether rules are
// deferred, and each read field's presence and value (for a field read
// only where its value leaves its shape, whether it does and that value).
func (s *Set) appendMemoKey(b []byte, p *event.Process, fields []memoField) []byte {
	b = binary.LittleEndian.AppendUint32(b, p.EventID)
	b = appendString(b, p.Channel)
	if s.Defers(p) {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, f := range fields {
		if !p.Has.Contains(f.Field) {
			b = append(b, 0)
			continue
		}
		if f.IsNumber() {
			n, _ := p.Number(f.Field)
			b = binary.LittleEndian.AppendUint64(append(b, 1), n)
			continue
		}
		v, _ := p.Get(f.Field)
		if f.within != nil && f.within.holds(v) {
			b = append(b, 0)
			continue
		}
		b = appendString(append(b, 1), v)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
