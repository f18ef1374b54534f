package report

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// The timeline table's columns. Each is cut to its limit in runes, keeping
// the end (0: never cut), unless --full; the command line gets the room
// the others leave on the line, at least minRoom runes. Recovered is shown
// only when some event was recovered.
const (
	colTime = iota
	colRecovered
	colHost
	colUser
	colPID
	colImage
	colCommandLine
	numEventCols
)

var (
	eventHeaders = [numEventCols]string{"Time (UTC)", "Recovered", "Host", "User", "PID", "Image", "Command line"}
	eventLimits  = [numEventCols]int{0, 0, 16, 24, 0, 32, -1}
)

// minRoom is the fewest runes the command line is cut to.
const minRoom = 20

// timeShort renders a time for tables: to the millisecond, no zone letter
// (all times are UTC, which the header says).
const timeShort = "2006-01-02 15:04:05.000"

// EventTable lays out the timeline table. Column widths depend on every
// row, and a timeline may be too large to hold, so the table is made in
// two steps: Add every event, in any order, as it is read (the table
// keeps a few numbers per column, not the rows), then write the events in
// order as they stream past (WriteEventStream). The bytes are those of
// laying out all the rows at once.
type EventTable struct {
	opts      Options
	rows      int
	recovered bool
	cols      [colCommandLine]columnStats
	cmd       commandStats
}

// NewEventTable returns an empty layout for a table written with opts.
func NewEventTable(opts Options) *EventTable {
	if opts.Width <= 0 {
		opts.Width = 120
	}
	return &EventTable{opts: opts, cmd: newCommandStats(max(opts.Width, minRoom))}
}

// Add counts one event of the table.
func (t *EventTable) Add(p *event.Process) {
	t.rows++
	t.recovered = t.recovered || p.Recovered
	t.cols[colTime].addASCII(timeCellLen(p.Timestamp.UTC().Year()))
	if p.Recovered {
		t.cols[colRecovered].addASCII(len("yes"))
	}
	t.cols[colHost].add(p.Computer, eventLimits[colHost])
	t.cols[colUser].add(p.User, eventLimits[colUser])
	pid := 0
	if n, ok := p.Number(event.FieldProcessId); ok {
		pid = len(strconv.FormatUint(n, 10))
	}
	t.cols[colPID].addASCII(pid)
	t.cols[colImage].add(p.Image, eventLimits[colImage])
	t.cmd.add(p.CommandLine)
}

// timeCellLen is the length of a time in timeShort for a year: 23 for
// years of four digits.
func timeCellLen(year int) int {
	if year >= 0 && year <= 9999 {
		return len(timeShort)
	}
	return len(timeShort) - 4 + len(strconv.Itoa(year))
}

// layout decides which columns are shown, their widths, and the cuts:
// column c is cut to cut[c] runes keeping its end (0: not cut), the
// command line to room runes (0: not cut).
func (t *EventTable) layout() (cols []int, widths []int, cut [numEventCols]int, room int) {
	for c := range numEventCols {
		if c != colRecovered || t.recovered {
			cols = append(cols, c)
		}
	}
	used := 1 + 3*len(cols) // borders and padding
	for _, c := range cols {
		if c == colCommandLine {
			continue
		}
		st := &t.cols[c]
		n := max(utf8.RuneCountInString(eventHeaders[c]), st.runes)
		w := st.width
		if limit := eventLimits[c]; limit > 0 && !t.opts.Full {
			if n >= limit {
				n, w = limit, st.cutWidth
			}
			cut[c] = n
		}
		used += n
		widths = append(widths, max(twwidth.Width(eventHeaders[c]), w))
	}
	w := t.cmd.fullWidth
	if !t.opts.Full {
		room = max(t.opts.Width-used, minRoom)
		w = t.cmd.widthAt(room)
	}
	widths = append(widths, max(twwidth.Width(eventHeaders[colCommandLine]), w))
	return cols, widths, cut, room
}

// write renders the table of the events stream delivers, which must be
// those added.
func (t *EventTable) write(w io.Writer, stream EventStream) error {
	cols, widths, cut, room := t.layout()
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = eventHeaders[c]
	}
	ts, err := newTableStream(w, header, widths)
	if err != nil {
		return err
	}
	var all [numEventCols]string
	cells := make([]string, len(cols))
	rows := 0
	err = stream(func(p *event.Process) error {
		rows++
		all[colTime] = p.Timestamp.UTC().Format(timeShort)
		all[colRecovered] = ""
		if p.Recovered {
			all[colRecovered] = "yes"
		}
		all[colHost], all[colUser], all[colImage] = p.Computer, p.User, p.Image
		all[colPID] = ""
		if n, ok := p.Number(event.FieldProcessId); ok {
			all[colPID] = strconv.FormatUint(n, 10)
		}
		all[colCommandLine] = p.CommandLine
		for i, c := range cols {
			cells[i] = all[c]
			if cut[c] > 0 {
				cells[i] = ShortenLeft(cells[i], cut[c])
			}
		}
		if room > 0 {
			cells[len(cells)-1] = Shorten(cells[len(cells)-1], room)
		}
		return ts.row(cells)
	})
	if err != nil {
		return err
	}
	if rows != t.rows {
		return fmt.Errorf("timeline table: laid out for %d events, given %d", t.rows, rows)
	}
	return ts.close()
}

// columnStats are what the layout needs of one column's cells, each made
// terminal-safe (SafeText): the most runes, the widest, and the widest
// once cut to the column's limit.
type columnStats struct {
	runes, width, cutWidth int
}

// addASCII counts a printable-ASCII cell of n characters never cut.
func (c *columnStats) addASCII(n int) {
	c.runes, c.width, c.cutWidth = max(c.runes, n), max(c.width, n), max(c.cutWidth, n)
}

// add counts the cell s of a column cut to limit runes (0: never).
func (c *columnStats) add(s string, limit int) {
	var runes, width, cutWidth int
	if printableASCII(s) {
		runes, width, cutWidth = len(s), len(s), len(s)
		if limit > 0 && len(s) > limit {
			cutWidth = ellipsisWidth() + limit - 1
		}
	} else {
		safe := SafeText(s)
		runes, width = utf8.RuneCountInString(safe), twwidth.Width(safe)
		cutWidth = width
		if limit > 0 && utf8.RuneCountInString(s) > limit {
			cutWidth = twwidth.Width(SafeText(ShortenLeft(s, limit)))
		}
	}
	c.runes, c.width, c.cutWidth = max(c.runes, runes), max(c.width, width), max(c.cutWidth, cutWidth)
}

// ellipsisWidth is the width of the mark of a cut.
func ellipsisWidth() int { return twwidth.Width("…") }

// commandStats are what the layout needs of the command-line cells. Their
// room is only known once every other column is measured, so the widest
// cell is kept for every room the line could leave, from minRoom to
// maxRoom runes: a cell of L runes is whole when L fits the room, else
// its first room-1 runes and an ellipsis (Shorten). A printable-ASCII
// cell is as wide as it has runes, so the longest one stands for all.
type commandStats struct {
	maxRoom   int
	fullWidth int   // widest cell, whole
	ascii     int   // most runes of a printable-ASCII cell (-1: none)
	whole     []int // [L]: widest other cell of L <= maxRoom runes, whole (-1: none)
	prefix    []int // [room]: widest first room-1 runes of another cell longer than room (-1: none)
}

func newCommandStats(maxRoom int) commandStats {
	c := commandStats{maxRoom: maxRoom, ascii: -1, whole: make([]int, maxRoom+1), prefix: make([]int, maxRoom+1)}
	for i := range c.whole {
		c.whole[i], c.prefix[i] = -1, -1
	}
	return c
}

func (c *commandStats) add(s string) {
	if printableASCII(s) {
		c.ascii = max(c.ascii, len(s))
		c.fullWidth = max(c.fullWidth, len(s))
		return
	}
	width := twwidth.Width(SafeText(s))
	c.fullWidth = max(c.fullWidth, width)
	n := utf8.RuneCountInString(s)
	if n <= c.maxRoom {
		c.whole[n] = max(c.whole[n], width)
	}
	// Shorten cuts the runes of s as []rune does, so an invalid byte
	// becomes U+FFFD, which SafeText shows as \ufffd.
	w := 0
	for k, i := 0, 0; ; k++ {
		if room := k + 1; room >= minRoom && room <= c.maxRoom && room < n {
			c.prefix[room] = max(c.prefix[room], w)
		}
		if k+1 >= min(c.maxRoom, n-1) || i >= len(s) {
			return
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		w += safeRuneWidth(r)
	}
}

// widthAt is the widest cell once cut to room runes.
func (c *commandStats) widthAt(room int) int {
	w := 0
	if c.ascii > room {
		w = room - 1 + ellipsisWidth()
	} else {
		w = max(w, c.ascii)
	}
	for n := 0; n <= min(room, c.maxRoom); n++ {
		w = max(w, c.whole[n])
	}
	if room <= c.maxRoom && c.prefix[room] >= 0 {
		w = max(w, c.prefix[room]+ellipsisWidth())
	}
	return w
}

// safeRuneWidth is the width of SafeText(string(r)).
func safeRuneWidth(r rune) int {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return len(`\n`)
	case r < 0x20 || r == 0x7f:
		return len(`\x00`)
	case unsafeRune(r):
		return len(`\u0000`)
	case r < utf8.RuneSelf:
		return 1
	}
	return twwidth.Width(string(r))
}
