package evtxwriter

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

// securityGUID is the provider GUID of Microsoft-Windows-Security-Auditing.
var securityGUID = mustGUID("{54849625-5478-4994-A5BA-3E3B0328C30D}")

func mustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

func mustSID(s string) SID {
	sid, err := ParseSID(s)
	if err != nil {
		panic(err)
	}
	return sid
}

// process4688 returns a Security 4688 v2 event laid out as Windows 10
// writes it.
func process4688(i int, computer, cmdline string) *Event {
	return &Event{
		Provider: "Microsoft-Windows-Security-Auditing", ProviderGUID: securityGUID,
		EventID: 4688, Version: 2, Task: 13312, Keywords: 0x8020000000000000,
		TimeCreated: time.Date(2024, 3, 12, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1234567 * time.Microsecond).Add(300 * time.Nanosecond),
		RecordID:    uint64(1000 + i), ProcessID: 4, ThreadID: uint32(6000 + i%50),
		Channel: "Security", Computer: computer,
		Data: []Data{
			{Name: "SubjectUserSid", Value: SIDValue(mustSID("S-1-5-21-1004336348-1177238915-682003330-1104"))},
			{Name: "SubjectUserName", Value: String("alice")},
			{Name: "SubjectDomainName", Value: String("CORP")},
			{Name: "SubjectLogonId", Value: HexInt64(0x977caa)},
			{Name: "NewProcessId", Value: HexInt64(uint64(0x1000 + 4*i)), Decl: TypeSizeT},
			{Name: "NewProcessName", Value: String(`C:\Windows\System32\cmd.exe`)},
			{Name: "TokenElevationType", Value: String("%%1938")},
			{Name: "ProcessId", Value: HexInt64(0x2b1c), Decl: TypeSizeT},
			{Name: "CommandLine", Value: String(cmdline)},
			{Name: "TargetUserSid", Value: SIDValue(mustSID("S-1-0-0"))},
			{Name: "TargetUserName", Value: String("-")},
			{Name: "TargetDomainName", Value: String("-")},
			{Name: "TargetLogonId", Value: HexInt64(0)},
			{Name: "ParentProcessName", Value: String(`C:\Windows\explorer.exe`)},
			{Name: "MandatoryLabel", Value: SIDValue(mustSID("S-1-16-8192"))},
		},
	}
}

// writeEvents writes events to an in-memory file.
func writeEvents(t testing.TB, events []*Event) []byte {
	t.Helper()
	var buf Buffer
	w := New(&buf)
	for i, ev := range events {
		if err := w.Write(ev); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := int64(len(buf.Bytes())), w.Size(); got != want {
		t.Fatalf("file is %d bytes, Size() says %d", got, want)
	}
	return buf.Bytes()
}

// velocidexRecords parses data with the Velocidex parser.
func velocidexRecords(t testing.TB, data []byte) []crossparse.Record {
	t.Helper()
	recs, err := crossparse.VelocidexBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// expected renders what a parser should show for a written value,
// normalized as crossparse normalizes parser output.
func expected(v Value) string {
	switch v.typ {
	case TypeString:
		return crossparse.Normalize(strings.ToValidUTF8(v.str, "\uFFFD"))
	case TypeUInt8, TypeUInt16, TypeUInt32, TypeUInt64, TypeHexInt32, TypeHexInt64:
		return strconv.FormatUint(v.num, 10)
	case TypeGUID:
		var g GUID
		copy(g[:], v.raw)
		return strings.Trim(g.String(), "{}")
	case TypeSID:
		return SID(v.raw).String()
	case TypeFileTime:
		return FromFileTime(v.num).Format(crossparse.TimeLayout)
	case TypeBool:
		return strconv.FormatBool(v.num != 0)
	}
	return ""
}

// wantRecord is what parsers should report for ev.
func wantRecord(ev *Event) crossparse.Record {
	r := crossparse.Record{System: map[string]string{
		"Provider/Name":          ev.Provider,
		"EventID":                strconv.Itoa(int(ev.EventID)),
		"Version":                strconv.Itoa(int(ev.Version)),
		"Level":                  strconv.Itoa(int(ev.Level)),
		"Task":                   strconv.Itoa(int(ev.Task)),
		"Opcode":                 strconv.Itoa(int(ev.Opcode)),
		"Keywords":               strconv.FormatUint(ev.Keywords, 10),
		"TimeCreated/SystemTime": FromFileTime(ToFileTime(ev.TimeCreated)).Format(crossparse.TimeLayout),
		"EventRecordID":          strconv.FormatUint(ev.RecordID, 10),
		"Execution/ProcessID":    strconv.Itoa(int(ev.ProcessID)),
		"Execution/ThreadID":     strconv.Itoa(int(ev.ThreadID)),
		"Channel":                crossparse.Normalize(ev.Channel),
		"Computer":               crossparse.Normalize(ev.Computer),
	}}
	if !ev.ProviderGUID.IsZero() {
		r.System["Provider/Guid"] = strings.Trim(ev.ProviderGUID.String(), "{}")
	}
	if ev.HasQualifiers {
		r.System["EventID/Qualifiers"] = strconv.Itoa(int(ev.Qualifiers))
	}
	if !ev.ActivityID.IsZero() {
		r.System["Correlation/ActivityID"] = strings.Trim(ev.ActivityID.String(), "{}")
	}
	if ev.UserID != nil {
		r.System["Security/UserID"] = ev.UserID.String()
	}
	for _, d := range ev.Data {
		r.Data = append(r.Data, crossparse.Field{Name: d.Name, Value: expected(d.Value)})
	}
	return r
}

// chunkAt returns chunk i of a written file.
func chunkAt(data []byte, i int) []byte {
	off := 4096 + i*65536
	return data[off : off+65536]
}

func u32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
