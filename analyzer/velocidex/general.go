package velocidex

import (
	"strconv"
	"strings"

	"github.com/Velocidex/ordereddict"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// The general event of a selected record, read from the tree the parser
// returns. The parser keeps an element's attributes and child elements as
// keys of one dictionary, its text under "Value" (or as the element's
// value itself when it has nothing else), turns repeated elements into
// lists, drops elements and attributes whose value is null, and rewrites
// EventData of named Data elements into a dictionary of name to value
// when every Data element has a name and a value.

// systemValues completes sys (time, host, channel, provider, event id
// and record id filled in by the caller) from the System dictionary.
func systemValues(sys *ordereddict.Dict, s *event.System) {
	s.Version = uint8(number(scalar(get(sys, "Version"))))
	if v := scalar(get(dict(get(sys, "Provider"), ""), "Guid")); v != nil {
		s.ProviderGUID = braced(str(v))
		s.Has = s.Has.With(event.SysProviderGUID)
	}
	if v := scalar(get(dict(get(sys, "Security"), ""), "UserID")); v != nil {
		s.UserID = str(v)
		s.Has = s.Has.With(event.SysUserID)
	}
	execution := dict(get(sys, "Execution"), "")
	for _, o := range optionalNumbers {
		from := sys
		if o.execution {
			from = execution
		}
		v := scalar(get(from, o.key))
		if v == nil {
			continue
		}
		s.SetNumber(o.v, number(v))
	}
}

// optionalNumbers are the optional System values that are numbers, by
// their key under System (or under Execution).
var optionalNumbers = [...]struct {
	key       string
	v         event.SystemValue
	execution bool
}{
	{"Level", event.SysLevel, false},
	{"Task", event.SysTask, false},
	{"Opcode", event.SysOpcode, false},
	{"Keywords", event.SysKeywords, false},
	{"ProcessID", event.SysProcessID, true},
	{"ThreadID", event.SysThreadID, true},
}

// scalar returns the text value of an element that also has attributes
// (its "Value"), or v itself.
func scalar(v any) any {
	if d, ok := v.(*ordereddict.Dict); ok {
		return get(d, "Value")
	}
	return v
}

// braced writes a GUID the parser renders bare (a GUID-typed value) in
// braces, as event XML does; Provider/@Guid always holds a GUID.
func braced(s string) string {
	if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' {
		return "{" + s + "}"
	}
	return s
}

// payload adds the items of the record's EventData or UserData to b and
// returns the payload kind.
func payload(root *ordereddict.Dict, b *event.Builder) event.DataKind {
	if v, ok := root.Get("EventData"); ok {
		if d, ok := v.(*ordereddict.Dict); ok {
			eventDataItems(d, b)
		}
		return event.EventData
	}
	if v, ok := root.Get("UserData"); ok {
		if d, ok := v.(*ordereddict.Dict); ok {
			for _, k := range d.Keys() { // the wrapper element(s): dropped
				w, _ := d.Get(k)
				each(w, func(w any) { leafItems(w, b) })
			}
		}
		return event.UserData
	}
	return event.NoData
}

// eventDataItems adds the items of EventData: the Data elements (named
// by their Name, else Data_N), the Binary elements (Binary_N), and the
// named values of the dictionary form. Next to Data elements, other keys
// are attributes of EventData (User Profiles Service writes a Name); the
// dictionary form has dropped those, and Binary with them.
func eventDataItems(d *ordereddict.Dict, b *event.Builder) {
	_, raw := d.Get("Data")
	for _, k := range d.Keys() {
		v, _ := d.Get(k)
		switch {
		case k == "Data":
			each(v, func(e any) {
				if m, ok := e.(*ordereddict.Dict); ok {
					name, _ := get(m, "Name").(string)
					addItems(b, name, "Data_", get(m, "Value"))
					return
				}
				addItems(b, "", "Data_", e)
			})
		case k == "Binary":
			each(v, func(e any) { addItems(b, "", "Binary_", scalar(e)) })
		case !raw:
			addItems(b, k, "", v)
		}
	}
}

// leafItems adds the leaf elements under a UserData wrapper element by
// element name; an element with text and attributes is a leaf (its
// text), attributes of the wrapper and of branches (namespace
// declarations) are skipped. The parser cannot tell attributes from
// child elements otherwise.
func leafItems(v any, b *event.Builder) {
	d, ok := v.(*ordereddict.Dict)
	if !ok {
		return
	}
	for _, k := range d.Keys() {
		if k == "xmlns" || strings.HasPrefix(k, "xmlns:") {
			continue
		}
		child, _ := d.Get(k)
		each(child, func(e any) {
			if m, ok := e.(*ordereddict.Dict); ok {
				if text, ok := m.Get("Value"); ok {
					addItems(b, k, "", text)
				} else {
					leafItems(m, b)
				}
				return
			}
			addItems(b, k, "", e)
		})
	}
}

// each calls fn with each element of a list, or with v itself.
func each(v any, fn func(any)) {
	if list, ok := v.([]any); ok {
		for _, e := range list {
			fn(e)
		}
		return
	}
	fn(v)
}

// addItems adds an item named name, or prefix and its position when name
// is empty; an array of strings is one item per string, as event XML
// repeats the element of an array.
func addItems(b *event.Builder, name, prefix string, v any) {
	add := func(value string) {
		n := name
		if n == "" {
			n = prefix + strconv.Itoa(b.Len()+1)
		}
		b.Add(n, value)
	}
	if list, ok := v.([]string); ok && len(list) > 0 {
		for _, s := range list {
			add(s)
		}
		return
	}
	add(render(v))
}
