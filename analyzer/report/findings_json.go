package report

import (
	"bufio"
	"io"
	"strconv"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/findings"
)

// JSONFindingsWriter writes findings as one JSON array, or with Lines as
// JSONL: one object per line.
type JSONFindingsWriter struct {
	Lines bool
}

// WriteFindings implements FindingsWriter.
func (jw *JSONFindingsWriter) WriteFindings(w io.Writer, r *FindingsReport) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var b []byte
	first := true
	if !jw.Lines {
		bw.WriteString("[")
	}
	err := r.Findings.Each(func(f *findings.Finding) error {
		b = b[:0]
		if !jw.Lines {
			if !first {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		first = false
		b = AppendFindingJSON(b, f)
		if jw.Lines {
			b = append(b, '\n')
		}
		_, err := bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if !jw.Lines {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// AppendFindingJSON appends one finding as a JSON object. Its top-level
// message, datetime and timestamp_desc make JSONL load into Timesketch
// as it is; then come the id, the record key (the same for copies of the
// record in several files), level, rule metadata, every source file, the
// correlation object of a correlation finding, the event (with f.Raw set:
// its parts verbatim; for a correlation its identity) and its context (before, after,
// ancestry, children). UnmarshalFinding reads it back.
func AppendFindingJSON(b []byte, f *findings.Finding) []byte {
	message, datetime, desc := f.Message(), event.FormatTime(f.Event.Timestamp), timestampDesc(f)
	if f.Raw != nil {
		message, datetime, desc = f.Raw.Message, f.Raw.Datetime, f.Raw.TimestampDesc
	}
	b = append(b, `{"message":`...)
	b = event.AppendJSONString(b, message)
	b = append(b, `,"datetime":`...)
	b = event.AppendJSONString(b, datetime)
	b = append(b, `,"timestamp_desc":`...)
	b = event.AppendJSONString(b, desc)
	b = append(b, `,"id":`...)
	b = event.AppendJSONString(b, f.ID)
	b = append(b, `,"record":"`...)
	b = append(b, f.RecordKey()...)
	b = append(b, `","level":`...)
	b = event.AppendJSONString(b, f.Level.String())
	b = append(b, `,"rule":{"id":`...)
	b = event.AppendJSONString(b, f.RuleID)
	b = append(b, `,"title":`...)
	b = event.AppendJSONString(b, f.Title)
	b = append(b, `,"level":`...)
	b = event.AppendJSONString(b, f.Level.String())
	b = append(b, `,"tags":`...)
	b = appendJSONStrings(b, f.Tags)
	b = append(b, `,"description":`...)
	b = event.AppendJSONString(b, f.Description)
	b = append(b, `,"source":`...)
	b = event.AppendJSONString(b, f.RuleSource)
	b = append(b, '}')
	if f.Reason != "" {
		b = append(b, `,"reason":`...)
		b = event.AppendJSONString(b, f.Reason)
	}
	if f.Decoded != "" {
		b = append(b, `,"decoded":`...)
		b = event.AppendJSONString(b, f.Decoded)
	}
	b = append(b, `,"sources":`...)
	b = appendJSONStrings(b, f.Sources)
	if len(f.Records) > 0 {
		b = append(b, `,"records":[`...)
		for i, r := range f.Records {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"Channel":`...)
			b = event.AppendJSONString(b, r.Channel)
			b = append(b, `,"EventRecordID":`...)
			b = strconv.AppendUint(b, r.EventRecordID, 10)
			b = append(b, `,"SourceFile":`...)
			b = event.AppendJSONString(b, r.SourceFile)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if f.Correlation != nil {
		b = append(b, `,"correlation":`...)
		b = appendCorrelationJSON(b, f.Correlation)
	}
	b = append(b, `,"event":`...)
	switch {
	case f.Raw != nil:
		b = append(b, f.Raw.Event...)
	case f.General != nil:
		b = f.General.AppendJSON(b)
	default:
		b = f.Event.AppendJSON(b)
	}
	b = append(b, `,"context":`...)
	b = appendContextJSON(b, &f.Context)
	if f.Session != nil {
		b = b[:len(b)-1] // inside the context object
		b = append(b, `,"session":`...)
		b = f.Session.AppendJSON(b)
		b = append(b, '}')
	}
	return append(b, '}')
}

// timestampDesc says what the finding's time is, for Timesketch: "Process
// Creation", the record's channel and event id ("Security 4624"), or for
// a correlation "Correlation window start".
func timestampDesc(f *findings.Finding) string {
	if f.Correlation != nil {
		return "Correlation window start"
	}
	if f.General == nil {
		return "Process Creation"
	}
	return f.General.Channel + " " + strconv.FormatUint(uint64(f.General.EventID), 10)
}

func appendJSONStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = event.AppendJSONString(b, s)
	}
	return append(b, ']')
}

func appendContextJSON(b []byte, c *findings.Context) []byte {
	b = append(b, `{"before":`...)
	b = appendContextEventsJSON(b, c.Before)
	b = append(b, `,"after":`...)
	b = appendContextEventsJSON(b, c.After)
	b = append(b, `,"ancestry":`...)
	b = appendContextEventsJSON(b, c.Ancestry)
	b = append(b, `,"children":`...)
	b = appendContextEventsJSON(b, c.Children)
	if c.MoreChildren > 0 {
		b = append(b, `,"more_children":`...)
		b = strconv.AppendInt(b, int64(c.MoreChildren), 10)
	}
	return append(b, '}')
}

// appendContextEventsJSON writes context events with the field names of
// the event JSON. An unknown ancestor has "Known":false and only what its
// child recorded.
func appendContextEventsJSON(b []byte, list []findings.ContextEvent) []byte {
	b = append(b, '[')
	for i := range list {
		e := &list[i]
		if i > 0 {
			b = append(b, ',')
		}
		if e.Unknown {
			b = append(b, `{"Known":false,"ProcessId":`...)
			b = strconv.AppendUint(b, e.ProcessId, 10)
			b = appendOptionalJSON(b, "ProcessGuid", e.ProcessGuid)
			b = appendOptionalJSON(b, "Image", e.Image)
			b = append(b, '}')
			continue
		}
		b = append(b, `{"Timestamp":`...)
		b = event.AppendJSONString(b, event.FormatTime(e.Timestamp))
		b = append(b, `,"EventID":`...)
		b = strconv.AppendUint(b, uint64(e.EventID), 10)
		b = append(b, `,"EventRecordID":`...)
		b = strconv.AppendUint(b, e.EventRecordID, 10)
		b = append(b, `,"ProcessId":`...)
		b = strconv.AppendUint(b, e.ProcessId, 10)
		b = append(b, `,"ParentProcessId":`...)
		b = strconv.AppendUint(b, e.ParentProcessId, 10)
		b = appendOptionalJSON(b, "ProcessGuid", e.ProcessGuid)
		b = appendOptionalJSON(b, "ParentProcessGuid", e.ParentProcessGuid)
		b = append(b, `,"Image":`...)
		b = event.AppendJSONString(b, e.Image)
		b = append(b, `,"CommandLine":`...)
		b = event.AppendJSONString(b, e.CommandLine)
		b = append(b, `,"User":`...)
		b = event.AppendJSONString(b, e.User)
		b = appendOptionalJSON(b, "LogonId", e.LogonId)
		b = append(b, `,"SourceFile":`...)
		b = event.AppendJSONString(b, e.SourceFile)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendOptionalJSON(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return event.AppendJSONString(b, value)
}
