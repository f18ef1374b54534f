package report

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// minRoom is the fewest runes the flexible column of a fitted table is
// cut to.
const minRoom = 20

// fitTable fits a table to a width from measures taken one row at a time,
// so that rows too many to hold can be written as they stream past, with
// the bytes of fitting all rows at once: column c is cut to caps[c] runes
// keeping its end (0: never cut), and the flexible column (cap -1, at
// most one) gets the room the others leave on the line, at least minRoom
// runes, keeping its start; nothing is cut with Options.Full. Widths count
// cells made terminal-safe (SafeText), as WriteTable shows them.
//
// Rows are measured in any order (cell, asciiCell, then row), then the
// layout is fixed by writer and the rows written in order.
type fitTable struct {
	ell    int // width of the ellipsis that marks a cut
	header []string
	caps   []int
	opts   Options
	cols   []columnStats
	flex   flexStats
	rows   int
}

func newFitTable(header []string, caps []int, opts Options) *fitTable {
	if opts.Width <= 0 {
		opts.Width = 120
	}
	ell := twwidth.Width("…")
	return &fitTable{ell: ell, header: header, caps: caps, opts: opts, cols: make([]columnStats, len(header)),
		flex: newFlexStats(max(opts.Width, minRoom), ell)}
}

// cell measures s as a cell of column c.
func (t *fitTable) cell(c int, s string) {
	if t.caps[c] < 0 {
		t.flex.add(s)
		return
	}
	t.cols[c].add(s, t.caps[c], t.ell)
}

// asciiCell measures a cell of column c known to be n printable-ASCII
// characters, never more than the column's cap.
func (t *fitTable) asciiCell(c, n int) { t.cols[c].addASCII(n) }

// row counts one measured row.
func (t *fitTable) row() { t.rows++ }

// layout fits the shown columns (in order): their widths, how many runes
// each is cut to (cut, keeping the end; 0: not cut), and the room of the
// flexible column (0: not cut).
func (t *fitTable) layout(shown []int) (widths, cut []int, room int) {
	widths, cut = make([]int, len(shown)), make([]int, len(shown))
	used := 1 + 3*len(shown) // borders and padding
	flexAt := -1
	for i, c := range shown {
		if t.caps[c] < 0 {
			flexAt = i
			continue
		}
		st := &t.cols[c]
		n := max(utf8.RuneCountInString(t.header[c]), st.runes)
		w := st.width
		if limit := t.caps[c]; limit > 0 && !t.opts.Full {
			if n >= limit {
				n, w = limit, st.cutWidth
			}
			cut[i] = n
		}
		used += n
		widths[i] = max(twwidth.Width(t.header[c]), w)
	}
	if flexAt >= 0 {
		w := t.flex.fullWidth
		if !t.opts.Full {
			room = max(t.opts.Width-used, minRoom)
			w = t.flex.widthAt(room)
		}
		widths[flexAt] = max(twwidth.Width(t.header[shown[flexAt]]), w)
	}
	return widths, cut, room
}

// fitWriter writes the rows of a fitted table.
type fitWriter struct {
	ts     *tableStream
	shown  []int
	caps   []int
	cut    []int
	room   int
	cells  []string
	rows   int
	wanted int
}

// writer fixes the layout of the shown columns and writes the header.
func (t *fitTable) writer(w io.Writer, shown []int) (*fitWriter, error) {
	widths, cut, room := t.layout(shown)
	header := make([]string, len(shown))
	for i, c := range shown {
		header[i] = t.header[c]
	}
	ts, err := newTableStream(w, header, widths)
	if err != nil {
		return nil, err
	}
	return &fitWriter{ts: ts, shown: shown, caps: t.caps, cut: cut, room: room,
		cells: make([]string, len(shown)), wanted: t.rows}, nil
}

// row writes one row; all holds the raw cells of every column, shown or
// not.
func (fw *fitWriter) row(all []string) error {
	fw.rows++
	for i, c := range fw.shown {
		s := all[c]
		switch {
		case fw.caps[c] < 0 && fw.room > 0:
			s = Shorten(s, fw.room)
		case fw.cut[i] > 0:
			s = ShortenLeft(s, fw.cut[i])
		}
		fw.cells[i] = s
	}
	return fw.ts.row(fw.cells)
}

// close ends the table; the rows written must be the rows measured.
func (fw *fitWriter) close() error {
	if fw.rows != fw.wanted {
		return fmt.Errorf("table laid out for %d rows, given %d", fw.wanted, fw.rows)
	}
	return fw.ts.close()
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

// add counts the cell s of a column cut to limit runes (0: never), ell
// the width of the ellipsis that marks a cut.
func (c *columnStats) add(s string, limit, ell int) {
	var runes, width, cutWidth int
	if printableASCII(s) {
		runes, width, cutWidth = len(s), len(s), len(s)
		if limit > 0 && len(s) > limit {
			cutWidth = ell + limit - 1
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

// flexStats are what the layout needs of the cells of the flexible
// column. Their room is only known once every other column is measured,
// so the widest
// cell is kept for every room the line could leave, from minRoom to
// maxRoom runes: a cell of L runes is whole when L fits the room, else
// its first room-1 runes and an ellipsis (Shorten). A printable-ASCII
// cell is as wide as it has runes, so the longest one stands for all.
type flexStats struct {
	maxRoom   int
	ell       int   // width of the ellipsis that marks a cut
	fullWidth int   // widest cell, whole
	ascii     int   // most runes of a printable-ASCII cell (-1: none)
	whole     []int // [L]: widest other cell of L <= maxRoom runes, whole (-1: none)
	prefix    []int // [room]: widest first room-1 runes of another cell longer than room (-1: none)
}

func newFlexStats(maxRoom, ell int) flexStats {
	c := flexStats{maxRoom: maxRoom, ell: ell, ascii: -1, whole: make([]int, maxRoom+1), prefix: make([]int, maxRoom+1)}
	for i := range c.whole {
		c.whole[i], c.prefix[i] = -1, -1
	}
	return c
}

func (c *flexStats) add(s string) {
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
func (c *flexStats) widthAt(room int) int {
	w := 0
	if c.ascii > room {
		w = room - 1 + c.ell
	} else {
		w = max(w, c.ascii)
	}
	for n := 0; n <= min(room, c.maxRoom); n++ {
		w = max(w, c.whole[n])
	}
	if room <= c.maxRoom && c.prefix[room] >= 0 {
		w = max(w, c.prefix[room]+c.ell)
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
