package event

import "strings"

// Own gives p's field values storage of their own, one allocation for all
// of them. A decoder may hand events over whose values share storage it
// reuses for a later chunk (decode.Result.KeepText); whoever keeps such an
// event, or a value of it, past the call that handed it over owns it
// first. The identity strings (Computer, Channel, Provider, SourceFile)
// are never in that storage and stay as they are.
func (p *Process) Own() {
	n := 0
	for f := Field(0); f < NumFields; f++ {
		if s := p.ownable(f); s != nil {
			n += len(*s)
		}
	}
	if n == 0 {
		return
	}
	var b strings.Builder
	b.Grow(n)
	for f := Field(0); f < NumFields; f++ {
		if s := p.ownable(f); s != nil {
			b.WriteString(*s)
		}
	}
	all, start := b.String(), 0
	for f := Field(0); f < NumFields; f++ {
		if s := p.ownable(f); s != nil {
			end := start + len(*s)
			*s = all[start:end]
			start = end
		}
	}
}

// ownable returns where p keeps the value of f when it is a string field
// other than an identity one, else nil. Absent fields are included: they
// hold "", unless a caller set one without marking it.
func (p *Process) ownable(f Field) *string {
	spec := &fields[f]
	if spec.always || spec.kind == kindNumber {
		return nil
	}
	return spec.str(p)
}

// Own gives e's payload values storage of their own, one allocation for
// all of them, and e an Items slice of its own; see Process.Own. Names
// and System strings are never in a decoder's reused storage.
func (e *Event) Own() {
	n := 0
	for i := range e.Items {
		n += len(e.Items[i].Value)
	}
	items := append([]Item(nil), e.Items...)
	if n > 0 {
		var b strings.Builder
		b.Grow(n)
		for i := range items {
			b.WriteString(items[i].Value)
		}
		all, start := b.String(), 0
		for i := range items {
			end := start + len(items[i].Value)
			items[i].Value = all[start:end]
			start = end
		}
	}
	e.Items = items
}
