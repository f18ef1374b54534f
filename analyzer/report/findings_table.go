package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// TableFindingsWriter writes findings for people: a header per host and
// user, then each finding with its image, command line, parent and
// record, and its context rows indented under it. Lines fit Width (long
// command lines are wrapped, context rows shortened) unless Full is set;
// levels are coloured when Color is set. Findings are expected grouped
// by host and user (findings.Order.Group); a new header starts whenever
// the group changes.
type TableFindingsWriter struct {
	Options
}

// maxWrappedLines bounds the lines a wrapped value takes without --full.
const maxWrappedLines = 4

// WriteFindings implements FindingsWriter.
func (tw *TableFindingsWriter) WriteFindings(w io.Writer, r *FindingsReport) error {
	width := tw.Width
	if width <= 0 {
		width = 120
	}
	groups := map[[2]string]*findings.Group{}
	for i := range r.Groups {
		g := &r.Groups[i]
		groups[groupKey(g.Host, g.User)] = g
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	t := &tableWriter{w: bw, width: width, opts: tw.Options}
	var cur [2]string
	n := 0
	err := r.Findings.Each(func(f *findings.Finding) error {
		k := groupKey(f.Event.Computer, f.Event.User)
		if n == 0 || k != cur {
			if n > 0 {
				t.line("")
			}
			t.groupHeader(f, groups[k])
			cur = k
		}
		n++
		t.line("")
		t.finding(f)
		return t.err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		t.line("No findings.")
	} else {
		t.line("")
		t.line(fmt.Sprintf("%s in %d host/user %s", countLine(n, r.Stats.Levels.List()), len(r.Groups), plural(len(r.Groups), "group", "groups")))
	}
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

func groupKey(host, user string) [2]string {
	return [2]string{strings.ToLower(host), strings.ToLower(user)}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// countLine says "3 findings (1 high, 2 medium)".
func countLine(n int, levels []findings.LevelCount) string {
	s := fmt.Sprintf("%d %s", n, plural(n, "finding", "findings"))
	if len(levels) == 0 {
		return s
	}
	parts := make([]string, len(levels))
	for i, l := range levels {
		parts[i] = l.String()
	}
	return s + " (" + strings.Join(parts, ", ") + ")"
}

type tableWriter struct {
	w     *bufio.Writer
	width int
	opts  Options
	err   error
}

func (t *tableWriter) line(s string) {
	if t.err != nil {
		return
	}
	if _, err := t.w.WriteString(s); err != nil {
		t.err = err
		return
	}
	t.err = t.w.WriteByte('\n')
}

// fit cuts a line (already terminal-safe) to the width unless Full.
func (t *tableWriter) fit(s string) string {
	if t.opts.Full {
		return s
	}
	return Shorten(s, t.width)
}

func (t *tableWriter) groupHeader(f *findings.Finding, g *findings.Group) {
	host, user := f.Event.Computer, f.Event.User
	if user == "" {
		user = "(no user)"
	}
	if !t.opts.Full {
		host, user = Shorten(host, 40), Shorten(user, 30)
	}
	s := "== " + SafeText(host) + "  " + SafeText(user)
	if g != nil {
		first, last := g.First.UTC().Format(timeShort[:19]), g.Last.UTC().Format(timeShort[:19])
		if first[:10] == last[:10] {
			last = last[11:]
		}
		s += "  " + countLine(g.Levels.Total(), g.Levels.List()) + "  " + first + " to " + last
	}
	t.line(t.fit(s))
}

// levelColours are ANSI SGR codes per level.
var levelColours = [...]string{
	sigma.Informational: "2", sigma.Low: "36", sigma.Medium: "33", sigma.High: "1;31", sigma.Critical: "1;35",
}

func (t *tableWriter) level(l sigma.Level) string {
	name := l.String()
	pad := strings.Repeat(" ", max(0, 13-len(name)))
	if t.opts.Color && l >= 0 && int(l) < len(levelColours) {
		return "\x1b[" + levelColours[l] + "m" + name + "\x1b[0m" + pad
	}
	return name + pad
}

func (t *tableWriter) finding(f *findings.Finding) {
	p := &f.Event
	title := SafeText(f.Title)
	if tech := techniques(f.Tags); tech != "" {
		title += "  [" + tech + "]"
	}
	if !t.opts.Full {
		title = Shorten(title, max(20, t.width-len(timeShort)-2-13))
	}
	t.line(p.Timestamp.UTC().Format(timeShort) + "  " + t.level(f.Level) + title)
	if f.Correlation != nil {
		t.correlationFields(f)
		return
	}
	if f.General != nil {
		t.generalFields(f.General)
	} else {
		t.processFields(p)
	}
	if f.Reason != "" {
		t.field("Reason", SafeText(f.Reason))
	}
	if f.Decoded != "" {
		t.field("Decoded", SafeText(f.Decoded))
	}
	record := SafeText(p.Channel) + " " + strconv.FormatUint(p.EventRecordID, 10)
	if p.Recovered {
		record += " (recovered by --carve)"
	}
	for _, r := range f.Records[min(1, len(f.Records)):] {
		record += " + " + SafeText(r.Channel) + " " + strconv.FormatUint(r.EventRecordID, 10)
	}
	t.field("Record", record+"  finding id "+f.ID)
	t.field("Files", SafeText(strings.Join(f.Sources, ", ")))
	if s := f.Session; s != nil {
		t.field("Session", SafeText(s.TableLine()))
	}
	for _, row := range f.Context.Rows() {
		t.contextRow(f, row)
	}
	if f.Context.MoreChildren > 0 {
		t.line(fmt.Sprintf("    %-12s… and %d more", findings.RelChild, f.Context.MoreChildren))
	}
}

// generalFields writes the event id and summary of a finding on a record
// that is not a process creation.
func (t *tableWriter) generalFields(e *event.Event) {
	t.field("Event", SafeText(e.Provider)+" "+strconv.FormatUint(uint64(e.EventID), 10))
	t.field("Summary", SafeText(event.Summary(e)))
}

// processFields writes the image, command line and parent of a process
// finding.
func (t *tableWriter) processFields(p *event.Process) {
	image := SafeText(p.Image)
	if pid, ok := p.Number(event.FieldProcessId); ok {
		image += " (pid " + strconv.FormatUint(pid, 10) + ")"
	}
	t.field("Image", image)
	t.field("Command", SafeText(p.CommandLine))
	if p.ParentImage != "" || p.ParentCommandLine != "" {
		parent := SafeText(p.ParentImage)
		if p.ParentCommandLine != "" {
			if parent != "" {
				parent += ": "
			}
			parent += SafeText(p.ParentCommandLine)
		}
		t.field("Parent", parent)
	}
}

// field writes a labelled value, wrapped to the width (at most
// maxWrappedLines lines unless Full).
func (t *tableWriter) field(label, value string) {
	prefix := "  " + label + strings.Repeat(" ", max(1, 9-len(label)))
	indent := strings.Repeat(" ", len(prefix))
	if t.opts.Full {
		t.line(prefix + value)
		return
	}
	lines := wrap(value, max(20, t.width-len(prefix)), maxWrappedLines)
	for i, l := range lines {
		if i == 0 {
			t.line(prefix + l)
		} else {
			t.line(indent + l)
		}
	}
}

// wrap cuts s into lines of at most n runes, at most maxLines of them, the
// last one ending in an ellipsis when s is longer.
func wrap(s string, n, maxLines int) []string {
	var lines []string
	for len(lines) < maxLines {
		if utf8.RuneCountInString(s) <= n {
			return append(lines, s)
		}
		cut := byteOffset(s, n)
		// Break after a space when there is one in the line's last third.
		if sp := strings.LastIndexByte(s[:cut], ' '); sp >= 0 && utf8.RuneCountInString(s[sp+1:cut]) < n/3 {
			cut = sp + 1
		}
		lines = append(lines, s[:cut])
		s = s[cut:]
	}
	last := lines[len(lines)-1]
	lines[len(lines)-1] = Shorten(last+s, n)
	return lines
}

// byteOffset returns the byte offset of rune n of s.
func byteOffset(s string, n int) int {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

func (t *tableWriter) contextRow(f *findings.Finding, row findings.ContextRow) {
	e := row.Event
	label := row.Relation
	if row.Relation == findings.RelAncestor {
		label += " " + strconv.Itoa(row.Index)
	}
	label = "    " + label + strings.Repeat(" ", max(1, 12-len(label)))
	if e.Unknown {
		s := label + "(not in the logs)  pid " + strconv.FormatUint(e.ProcessId, 10)
		if e.Image != "" {
			s += "  " + SafeText(e.Image)
		}
		t.line(t.fit(s))
		return
	}
	ts := e.Timestamp.UTC().Format(timeShort)
	if e.Timestamp.UTC().Format("2006-01-02") == f.Event.Timestamp.UTC().Format("2006-01-02") {
		ts = ts[11:]
	}
	who := ""
	if row.Relation != findings.RelBefore && row.Relation != findings.RelAfter && e.User != "" {
		who = "  " + SafeText(e.User)
	}
	s := label + ts + "  " + SafeText(baseName(e.Image)) + " (" + strconv.FormatUint(e.ProcessId, 10) + ")" + who + "  " + SafeText(e.CommandLine)
	t.line(t.fit(s))
}

// baseName returns the file name of a Windows path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// techniques lists the ATT&CK technique ids of tags ("T1059.001"), leaving
// tactics out.
func techniques(tags []string) string {
	var out []string
	for _, tag := range tags {
		id, ok := strings.CutPrefix(strings.ToLower(tag), "attack.t")
		if ok && id != "" && id[0] >= '0' && id[0] <= '9' {
			out = append(out, "T"+id)
		}
	}
	return strings.Join(out, ", ")
}
