package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

//go:embed findings_html.tmpl
var findingsHTMLTemplate string

// findingsHTML parses the template when an HTML report is first written,
// not at every start of the program (parsing took most of the package's
// start-up time, for a report few runs write).
var findingsHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("findings").Parse(findingsHTMLTemplate))
})

// HTMLFindingsWriter writes one self-contained HTML file (no network: the
// style, script and chart are inline): a summary per host and user, a
// histogram of findings per level over time, and the findings table,
// whose rows expand to show the finding's details and context. Text from
// the evidence is HTML-escaped and shown terminal-safe (control and
// bidirectional characters as visible escapes).
type HTMLFindingsWriter struct{}

// WriteFindings implements FindingsWriter.
func (hw *HTMLFindingsWriter) WriteFindings(w io.Writer, r *FindingsReport) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	tmpl := findingsHTML()
	if err := tmpl.ExecuteTemplate(bw, "head", headView(r)); err != nil {
		return err
	}
	n := 0
	err := r.Findings.Each(func(f *findings.Finding) error {
		n++
		return tmpl.ExecuteTemplate(bw, "finding", findingView(n, f))
	})
	if err != nil {
		return err
	}
	if err := tmpl.ExecuteTemplate(bw, "foot", n); err != nil {
		return err
	}
	return bw.Flush()
}

type htmlLevel struct {
	Name  string
	Count int
}

type htmlGroup struct {
	Host, User  string
	Levels      []htmlLevel // every level, most critical first
	Total       int
	First, Last string
}

type htmlHead struct {
	Total        int
	Levels       []htmlLevel
	Groups       []htmlGroup
	Hosts        int
	First, Last  string
	Chart        htmlChart
	LevelsLegend []string
}

func headView(r *FindingsReport) htmlHead {
	h := htmlHead{Total: r.Stats.Levels.Total(), Chart: chartOf(r.Hours)}
	for _, l := range r.Stats.Levels.List() {
		h.Levels = append(h.Levels, htmlLevel{l.Level.String(), l.Count})
	}
	for l := sigma.Critical; l >= sigma.Informational; l-- {
		h.LevelsLegend = append(h.LevelsLegend, l.String())
	}
	hosts := map[string]bool{}
	for _, g := range r.Groups {
		hg := htmlGroup{Host: SafeText(g.Host), User: SafeText(g.User), Total: g.Levels.Total(),
			First: g.First.UTC().Format(timeShort[:19]), Last: g.Last.UTC().Format(timeShort[:19])}
		for l := sigma.Critical; l >= sigma.Informational; l-- {
			hg.Levels = append(hg.Levels, htmlLevel{l.String(), g.Levels[l]})
		}
		h.Groups = append(h.Groups, hg)
		hosts[strings.ToLower(g.Host)] = true
		if h.First == "" || hg.First < h.First {
			h.First = hg.First
		}
		if hg.Last > h.Last {
			h.Last = hg.Last
		}
	}
	h.Hosts = len(hosts)
	return h
}

type htmlContext struct {
	Relation, Time, Image, ImagePath, PID, User, CommandLine, Source string
	Unknown                                                          bool
}

type htmlFinding struct {
	N                                           int
	ID, Time, Level, Title, Host, User, Image   string
	ImagePath, CommandLine, Parent, Description string
	RuleID, RuleSource, Tags, Reason, Decoded   string
	Record, LogonID, PID, ParentPID             string
	Sources                                     []string
	Ancestry, Timeline, Children                []htmlContext
	// A finding on a record that is not a process creation: its event
	// name and payload (the table shows the summary as its command line).
	General   bool
	EventName string
	// A correlation finding: its window (the table shows it as its
	// command line) and its listed records, one line each.
	Correlation bool
	CorrRecords []string
	Payload     []event.Item
	// Session is the logon session's one-line description ("" when none).
	Session      string
	MoreChildren int
}

func findingView(n int, f *findings.Finding) htmlFinding {
	p := &f.Event
	v := htmlFinding{
		N: n, ID: f.ID, Time: p.Timestamp.UTC().Format(timeShort), Level: f.Level.String(), Title: SafeText(f.Title),
		Host: SafeText(p.Computer), User: SafeText(p.User), Image: SafeText(baseName(p.Image)),
		ImagePath: SafeText(p.Image), CommandLine: SafeText(p.CommandLine), Description: SafeText(f.Description),
		RuleID: f.RuleID, RuleSource: SafeText(f.RuleSource), Tags: strings.Join(f.Tags, ", "),
		Reason: SafeText(f.Reason), Decoded: SafeText(f.Decoded), LogonID: SafeText(p.LogonId),
		Record:       fmt.Sprintf("%s %d (%s)", SafeText(p.Channel), p.EventRecordID, event.FormatTime(p.Timestamp)),
		MoreChildren: f.Context.MoreChildren,
	}
	for _, src := range f.Sources {
		v.Sources = append(v.Sources, SafeText(src))
	}
	if pid, ok := p.Number(event.FieldProcessId); ok {
		v.PID = strconv.FormatUint(pid, 10)
	}
	if ppid, ok := p.Number(event.FieldParentProcessId); ok {
		v.ParentPID = strconv.FormatUint(ppid, 10)
	}
	v.Parent = strings.TrimSpace(SafeText(p.ParentImage) + "  " + SafeText(p.ParentCommandLine))
	if g := f.General; g != nil {
		img := event.ActorOf(g).Image
		v.General = true
		v.EventName = SafeText(g.Provider) + " " + strconv.FormatUint(uint64(g.EventID), 10)
		v.Image, v.ImagePath, v.CommandLine = SafeText(baseName(img)), SafeText(img), SafeText(event.Summary(g))
		if v.Image == "" {
			v.Image = SafeText(g.Channel) + " " + strconv.FormatUint(uint64(g.EventID), 10)
		}
		for _, it := range g.Items {
			v.Payload = append(v.Payload, event.Item{Name: SafeText(it.Name), Value: SafeText(it.Value)})
		}
	}
	if c := f.Correlation; c != nil {
		v.Correlation = true
		v.Image, v.ImagePath, v.CommandLine = "correlation", "", SafeText(CorrelationSummary(c))
		v.Record = fmt.Sprintf("%d listed of %d", len(c.Records), c.Total)
		for i := range c.Records {
			r := &c.Records[i]
			v.CorrRecords = append(v.CorrRecords, SafeText(fmt.Sprintf("%s  %s  %s %d #%d  %s",
				r.Time.UTC().Format(timeShort), r.Computer, r.Channel, r.EventID, r.EventRecordID, r.File)))
		}
	}
	if f.Session != nil {
		v.Session = SafeText(f.Session.TableLine())
	}
	c := &f.Context
	for i := len(c.Ancestry) - 1; i >= 0; i-- {
		v.Ancestry = append(v.Ancestry, contextView("ancestor "+strconv.Itoa(i+1), &c.Ancestry[i]))
	}
	for i := range c.Before {
		v.Timeline = append(v.Timeline, contextView(findings.RelBefore, &c.Before[i]))
	}
	v.Timeline = append(v.Timeline, htmlContext{Relation: "this finding", Time: v.Time, Image: v.Image, ImagePath: v.ImagePath,
		PID: v.PID, User: v.User, CommandLine: v.CommandLine})
	for i := range c.After {
		v.Timeline = append(v.Timeline, contextView(findings.RelAfter, &c.After[i]))
	}
	for i := range c.Children {
		v.Children = append(v.Children, contextView(findings.RelChild, &c.Children[i]))
	}
	return v
}

func contextView(rel string, e *findings.ContextEvent) htmlContext {
	c := htmlContext{Relation: rel, Image: SafeText(baseName(e.Image)), ImagePath: SafeText(e.Image),
		PID: strconv.FormatUint(e.ProcessId, 10), Unknown: e.Unknown}
	if !e.Unknown {
		c.Time = e.Timestamp.UTC().Format(timeShort)
		c.User, c.CommandLine = SafeText(e.User), SafeText(e.CommandLine)
		c.Source = SafeText(fmt.Sprintf("%s, record %d", e.SourceFile, e.EventRecordID))
	}
	return c
}

// htmlChart is the level histogram: stacked bars in a 1000x220 SVG.
type htmlChart struct {
	Bars        []htmlBar
	Max         int
	Bucket      string
	First, Last string
}

type htmlBar struct {
	X, Width float64
	Segments []htmlSegment
	Title    string
}

type htmlSegment struct {
	Y, Height float64
	Level     string
}

// chartBuckets are the bucket sizes the histogram chooses from: the
// smallest that gives at most maxBars bars.
var chartBuckets = []struct {
	d    time.Duration
	name string
}{
	{time.Hour, "hour"}, {3 * time.Hour, "3 hours"}, {6 * time.Hour, "6 hours"}, {12 * time.Hour, "12 hours"},
	{24 * time.Hour, "day"}, {7 * 24 * time.Hour, "week"}, {30 * 24 * time.Hour, "30 days"},
	{91 * 24 * time.Hour, "91 days"}, {365 * 24 * time.Hour, "365 days"}, {3650 * 24 * time.Hour, "3650 days"},
}

const maxBars = 60

func chartOf(hours []findings.HourCount) htmlChart {
	var c htmlChart
	if len(hours) == 0 {
		return c
	}
	first, last := hours[0].Hour.Unix(), hours[len(hours)-1].Hour.Unix()
	size := chartBuckets[len(chartBuckets)-1]
	for _, b := range chartBuckets {
		if (last/int64(b.d.Seconds()))-(first/int64(b.d.Seconds())) < maxBars {
			size = b
			break
		}
	}
	sec := int64(size.d.Seconds())
	start := first / sec
	n := int(last/sec-start) + 1
	counts := make([]findings.LevelCounts, n)
	for _, h := range hours {
		i := int(h.Hour.Unix()/sec - start)
		for l := range h.Levels {
			counts[i][l] += h.Levels[l]
		}
	}
	for i := range counts {
		c.Max = max(c.Max, counts[i].Total())
	}
	const left, right, top, bottom = 50.0, 990.0, 10.0, 190.0
	slot := (right - left) / float64(n)
	for i := range counts {
		t := time.Unix((start+int64(i))*sec, 0).UTC()
		w := min(slot*0.8, 60)
		bar := htmlBar{X: left + float64(i)*slot + (slot-w)/2, Width: w}
		y := bottom
		var parts []string
		for l := sigma.Informational; l <= sigma.Critical; l++ {
			v := counts[i][l]
			if v == 0 {
				continue
			}
			h := (bottom - top) * float64(v) / float64(c.Max)
			y -= h
			bar.Segments = append(bar.Segments, htmlSegment{Y: y, Height: h, Level: l.String()})
			parts = append(parts, fmt.Sprintf("%d %s", v, l))
		}
		label := t.Format("2006-01-02 15:04")
		if len(parts) > 0 {
			label += ": " + strings.Join(parts, ", ")
		}
		bar.Title = label
		c.Bars = append(c.Bars, bar)
	}
	c.Bucket = size.name
	c.First = time.Unix(start*sec, 0).UTC().Format("2006-01-02 15:04")
	c.Last = time.Unix((start+int64(n))*sec, 0).UTC().Format("2006-01-02 15:04")
	return c
}
