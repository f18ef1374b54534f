package event

// itemBlock is the number of items a Builder allocates at once.
const itemBlock = 512

// Builder assembles Events whose items share storage: items are carved
// from blocks of itemBlock items, so a chunk of records costs a few
// allocations for all of its items rather than one per event (log/slog's
// Record keeps a small inline array for the same reason; a decoder builds
// whole chunks of events, so one shared block serves better than an array
// in every event). A Builder is used by one goroutine; the Events it
// returns are independent of it and never change.
type Builder struct {
	e     Event
	block []Item // the current block; items of the event being built at its end
	start int    // index in block of the current event's first item
}

// Begin starts an event with these System values and payload kind.
func (b *Builder) Begin(sys System, kind DataKind, sourceFile string, chunk int) {
	b.e = Event{System: sys, Kind: kind, SourceFile: sourceFile, ChunkIndex: chunk}
	b.start = len(b.block)
}

// Add appends one payload item to the event being built.
func (b *Builder) Add(name, value string) {
	if len(b.block) == cap(b.block) {
		n := len(b.block) - b.start
		fresh := make([]Item, n, max(itemBlock, 2*n))
		copy(fresh, b.block[b.start:])
		b.block, b.start = fresh, 0
	}
	b.block = append(b.block, Item{Name: name, Value: value})
}

// Len returns the number of items of the event being built.
func (b *Builder) Len() int { return len(b.block) - b.start }

// Finish returns the event built since Begin. Its Items slice is capped,
// so nothing appended later can reach into another event's items.
func (b *Builder) Finish() Event {
	e := b.e
	if n := len(b.block); n > b.start {
		e.Items = b.block[b.start:n:n]
	}
	b.start = len(b.block)
	return e
}
