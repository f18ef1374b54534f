package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// correlationFields writes what a correlation finding adds: a Correlation
// line (type, count and condition, timespan, group values, first to last
// time, records counted), the listed records one per line, the finding id
// and the files.
func (t *tableWriter) correlationFields(f *findings.Finding) {
	c := f.Correlation
	t.field("Correlation", SafeText(CorrelationSummary(c)))
	for i := range c.Records {
		r := &c.Records[i]
		row := fmt.Sprintf("    %s  %s  %s %d #%d  %s", r.Time.UTC().Format(timeShort), SafeText(r.Computer),
			SafeText(r.Channel), r.EventID, r.EventRecordID, SafeText(r.File))
		t.line(t.fit(row))
	}
	if more := c.Total - int64(len(c.Records)); more > 0 {
		t.line(fmt.Sprintf("    … and %d more %s", more, plural(int(min(more, 2)), "record", "records")))
	}
	t.field("Finding", "id "+f.ID)
	t.field("Files", SafeText(strings.Join(f.Sources, ", ")))
}

// CorrelationSummary is the one-line description of a correlation
// finding's window: "event_count 12 (gte 10) within 5m0s;
// IpAddress=10.0.0.9, TargetUserName=bob; 2024-03-01 09:00:00.000 to
// 09:01:50.000; 12 records".
func CorrelationSummary(c *findings.CorrelationInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d (%s) within %s", c.Type, c.Count, c.Condition, c.Timespan)
	for i, g := range c.Group {
		if i == 0 {
			b.WriteString("; ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(g.Field + "=" + g.Value)
	}
	first, last := c.First.UTC().Format(timeShort), c.Last.UTC().Format(timeShort)
	if first[:10] == last[:10] {
		last = last[11:]
	}
	b.WriteString("; " + first + " to " + last + "; " + strconv.FormatInt(c.Total, 10) + " " + plural(int(min(c.Total, 2)), "record", "records"))
	if len(c.Values) > 0 {
		b.WriteString("; values " + strings.Join(c.Values, ", "))
	}
	return b.String()
}
