package findings

import (
	"encoding/json"

	"encoding/binary"
	"errors"
	"fmt"
	"github.com/evtxhunt/evtxhunt/analyzer/sessions"
	"slices"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// The spool stores findings in a compact binary form: unsigned varints,
// signed varints for times, and strings as a length then the bytes. It is
// private to one run (written and read by the same binary), so it carries
// no version.

// appendFinding encodes f.
func appendFinding(b []byte, f *Finding) []byte {
	b = appendString(b, f.ID)
	b = appendString(b, f.RuleID)
	b = appendString(b, f.Title)
	b = binary.AppendUvarint(b, uint64(f.Level))
	b = appendStrings(b, f.Tags)
	b = appendString(b, f.Description)
	b = appendString(b, f.RuleSource)
	b = appendString(b, f.Reason)
	b = appendString(b, f.Decoded)
	b = binary.LittleEndian.AppendUint64(b, f.key[0])
	b = binary.LittleEndian.AppendUint64(b, f.key[1])
	b = appendStrings(b, f.Sources)
	b = appendEvent(b, &f.Event)
	b = appendGeneral(b, f.General)
	b = appendBool(b, f.Session != nil)
	if f.Session != nil {
		b = appendString(b, string(f.Session.AppendJSON(nil)))
	}
	b = appendCorrelation(b, f.Correlation)
	b = binary.AppendUvarint(b, uint64(len(f.Records)))
	for _, r := range f.Records {
		b = appendString(b, r.Channel)
		b = binary.AppendUvarint(b, r.EventRecordID)
		b = appendString(b, r.SourceFile)
	}
	b = appendBool(b, f.Raw != nil)
	if f.Raw != nil {
		b = appendString(b, string(f.Raw.Event))
		b = appendString(b, f.Raw.Message)
		b = appendString(b, f.Raw.Datetime)
		b = appendString(b, f.Raw.TimestampDesc)
	}
	b = appendContextEvents(b, f.Context.Before)
	b = appendContextEvents(b, f.Context.After)
	b = appendContextEvents(b, f.Context.Ancestry)
	b = appendContextEvents(b, f.Context.Children)
	return binary.AppendUvarint(b, uint64(f.Context.MoreChildren))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, list []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(list)))
	for _, s := range list {
		b = appendString(b, s)
	}
	return b
}

func appendTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// appendEvent encodes a process event in its binary form
// (event.Process.AppendBinary) as a string.
func appendEvent(b []byte, p *event.Process) []byte {
	enc, _ := p.AppendBinary(nil)
	return appendString(b, string(enc))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendContextEvents(b []byte, list []ContextEvent) []byte {
	b = binary.AppendUvarint(b, uint64(len(list)))
	for i := range list {
		e := &list[i]
		b = appendTime(b, e.Timestamp)
		b = binary.AppendUvarint(b, uint64(e.EventID))
		b = binary.AppendUvarint(b, e.EventRecordID)
		b = binary.AppendUvarint(b, e.ProcessId)
		b = binary.AppendUvarint(b, e.ParentProcessId)
		for _, s := range [...]string{e.ProcessGuid, e.ParentProcessGuid, e.Image, e.CommandLine, e.User, e.LogonId, e.SourceFile} {
			b = appendString(b, s)
		}
		b = appendBool(b, e.Unknown)
	}
	return b
}

// errCorrupt reports a spool item that does not decode; it can only come
// from a damaged temporary file.
var errCorrupt = errors.New("corrupt spool item")

// decoder reads what the append functions wrote; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes(d.uvarint())) }

func (d *decoder) strings() []string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	var list []string
	for range n {
		list = append(list, d.string())
	}
	return list
}

func (d *decoder) time() time.Time {
	sec := d.varint()
	nsec := d.uvarint()
	if nsec >= 1e9 {
		d.err = errCorrupt
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *decoder) bool() bool {
	b := d.bytes(1)
	return len(b) == 1 && b[0] == 1
}

// decodeFinding decodes one item written by appendFinding.
func decodeFinding(b []byte) (Finding, error) {
	d := &decoder{b: b}
	var f Finding
	f.ID, f.RuleID, f.Title = d.string(), d.string(), d.string()
	f.Level = sigma.Level(d.uvarint())
	f.Tags = d.strings()
	f.Description, f.RuleSource, f.Reason, f.Decoded = d.string(), d.string(), d.string(), d.string()
	if k := d.bytes(16); k != nil {
		f.key = recordKey{binary.LittleEndian.Uint64(k), binary.LittleEndian.Uint64(k[8:])}
	}
	f.Sources = d.strings()
	d.event(&f.Event)
	f.General = d.general()
	if d.bool() {
		f.Session = new(sessions.Session)
		if err := json.Unmarshal(d.bytes(d.uvarint()), f.Session); err != nil && d.err == nil {
			d.err = errCorrupt
		}
	}
	f.Correlation = d.correlation()
	if n := d.uvarint(); n > uint64(len(d.b)) {
		d.err = errCorrupt
	} else {
		for range n {
			f.Records = append(f.Records, RecordRef{Channel: d.string(), EventRecordID: d.uvarint(), SourceFile: d.string()})
		}
	}
	if d.bool() {
		f.Raw = &RawJSON{Event: slices.Clone(d.bytes(d.uvarint())), // the item's buffer is reused
			Message: d.string(), Datetime: d.string(), TimestampDesc: d.string()}
	}
	f.Context.Before = d.contextEvents()
	f.Context.After = d.contextEvents()
	f.Context.Ancestry = d.contextEvents()
	f.Context.Children = d.contextEvents()
	f.Context.MoreChildren = int(d.uvarint())
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	return f, d.err
}

// event decodes what appendEvent wrote.
func (d *decoder) event(p *event.Process) {
	if err := p.UnmarshalBinary(d.bytes(d.uvarint())); err != nil && d.err == nil {
		d.err = errCorrupt
	}
}

func (d *decoder) contextEvents() []ContextEvent {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	var list []ContextEvent
	for range n {
		var e ContextEvent
		e.Timestamp = d.time()
		e.EventID = uint32(d.uvarint())
		e.EventRecordID = d.uvarint()
		e.ProcessId = d.uvarint()
		e.ParentProcessId = d.uvarint()
		e.ProcessGuid, e.ParentProcessGuid = d.string(), d.string()
		e.Image, e.CommandLine = d.string(), d.string()
		e.User, e.LogonId, e.SourceFile = d.string(), d.string(), d.string()
		e.Unknown = d.bool()
		list = append(list, e)
	}
	return list
}
