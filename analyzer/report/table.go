package report

import (
	"bufio"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable renders rows under a header as a plain bordered text table.
// Cells are made terminal-safe here, so callers pass raw values.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	)
	h := make([]any, len(header))
	for i, s := range header {
		h[i] = s
	}
	t.Header(h...)
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = SafeText(c)
		}
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	return t.Render()
}

// tableStream writes a table row by row when the column widths are known
// beforehand (the widest cell of each column, header included), with the
// bytes WriteTable gives for the same header and rows: a rule, the
// header, a rule, the rows, and a closing rule when there are rows.
type tableStream struct {
	w      *bufio.Writer
	widths []int
	rule   []byte
	line   []byte
	rows   int
}

func newTableStream(w io.Writer, header []string, widths []int) (*tableStream, error) {
	t := &tableStream{w: bufio.NewWriterSize(w, 64<<10), widths: widths}
	t.rule = append(t.rule, '+')
	for _, n := range widths {
		t.rule = append(t.rule, strings.Repeat("-", n+2)...)
		t.rule = append(t.rule, '+')
	}
	t.rule = append(t.rule, '\n')
	t.w.Write(t.rule)
	if err := t.writeLine(header); err != nil {
		return t, err
	}
	_, err := t.w.Write(t.rule)
	return t, err
}

// row writes one row; cells are raw values, made terminal-safe here.
func (t *tableStream) row(cells []string) error {
	for i, c := range cells {
		cells[i] = SafeText(c)
	}
	t.rows++
	return t.writeLine(cells)
}

func (t *tableStream) writeLine(cells []string) error {
	t.line = append(t.line[:0], '|')
	for i, c := range cells {
		t.line = append(t.line, ' ')
		t.line = append(t.line, c...)
		for pad := t.widths[i] - textWidth(c); pad > 0; pad-- {
			t.line = append(t.line, ' ')
		}
		t.line = append(t.line, ' ', '|')
	}
	t.line = append(t.line, '\n')
	_, err := t.w.Write(t.line)
	return err
}

// close writes the closing rule (when there are rows) and flushes.
func (t *tableStream) close() error {
	if t.rows > 0 {
		t.w.Write(t.rule)
	}
	return t.w.Flush()
}

// textWidth is the width of terminal-safe text in columns, as the table
// renderer counts it.
func textWidth(s string) int {
	if printableASCII(s) {
		return len(s)
	}
	return twwidth.Width(s)
}

// printableASCII reports whether s is only printable ASCII characters,
// each one column wide and left as it is by SafeText.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
