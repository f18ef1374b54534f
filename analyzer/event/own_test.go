package event

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestOwn: every string field of a Process but the identity ones is a
// view into a buffer; after Own, overwriting the buffer changes none of
// them, and the identity strings are left as they were.
func TestOwn(t *testing.T) {
	identity := map[string]bool{"Computer": true, "Channel": true, "Provider": true, "SourceFile": true}
	buf := []byte(strings.Repeat("0123456789abcdef", 64))
	view := func(i int) string { return unsafe.String(&buf[i%512], 1+i%7) }

	var p Process
	v := reflect.ValueOf(&p).Elem()
	want := map[string]string{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		s := view(i * 13)
		if identity[f.Name] {
			s = "identity-" + f.Name
		}
		v.Field(i).SetString(s)
		want[f.Name] = strings.Clone(s)
	}
	p.Has = ^FieldSet(0)
	p.Own()
	for i := range buf {
		buf[i] = 'X'
	}
	for name, w := range want {
		if got := v.FieldByName(name).String(); got != w {
			t.Errorf("%s = %q after the buffer changed, want %q: Own missed it", name, got, w)
		}
	}
}

// TestOwnNothing: an event without values allocates nothing.
func TestOwnNothing(t *testing.T) {
	p := Process{Computer: "WS01", Channel: SecurityChannel}
	if n := testing.AllocsPerRun(10, p.Own); n != 0 {
		t.Errorf("Own of an event without values allocated %v times", n)
	}
}

// TestEventOwn: after Own, a general event's values and items no longer
// share the storage they were built in.
func TestEventOwn(t *testing.T) {
	buf := []byte("4624S-1-5-18alice")
	view := func(i, j int) string { return unsafe.String(&buf[i], j-i) }
	items := []Item{{Name: "EventID", Value: view(0, 4)}, {Name: "Sid", Value: view(4, 12)}, {Name: "Empty"}, {Name: "User", Value: view(12, 17)}}
	e := Event{Items: items}
	e.Own()
	clear(buf)
	items[0] = Item{Name: "changed", Value: "changed"}
	want := []Item{{Name: "EventID", Value: "4624"}, {Name: "Sid", Value: "S-1-5-18"}, {Name: "Empty"}, {Name: "User", Value: "alice"}}
	if !reflect.DeepEqual(e.Items, want) {
		t.Errorf("items after Own and a change to their storage: %q, want %q", e.Items, want)
	}
}
