package evtxwriter

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// variedEvents covers every value type, optional System values, bare and
// empty EventData, two computers and non-ASCII text.
func variedEvents() []*Event {
	base := time.Date(2024, 3, 12, 8, 0, 0, 123456700, time.UTC)
	logon := &Event{
		Provider: "Microsoft-Windows-Security-Auditing", ProviderGUID: securityGUID,
		EventID: 4624, Version: 2, Task: 12544, Keywords: 0x8020000000000000,
		TimeCreated: base, RecordID: 7, ProcessID: 712, ThreadID: 5600, Channel: "Security", Computer: "WS01.corp.example.com",
		ActivityID: mustGUID("{42422748-35ED-0000-6027-4242ED35D901}"),
		Data: []Data{
			{Name: "SubjectUserSid", Value: SIDValue(mustSID("S-1-5-18"))},
			{Name: "TargetLogonId", Value: HexInt64(0x1375fbd)},
			{Name: "LogonType", Value: UInt32(3)},
			{Name: "LogonGuid", Value: GUIDValue(mustGUID("{B8C3A477-69DB-D96F-F0C0-889CCECB69EE}"))},
			{Name: "ProcessId", Value: HexInt32(0x1d4), Decl: TypeSizeT},
			{Name: "IpAddress", Value: String("10.23.42.22")},
			{Name: "KeyLength", Value: UInt8(0)},
			{Name: "Flags", Value: UInt16(65535)},
			{Name: "FilterRTID", Value: UInt64(1 << 40)},
			{Name: "When", Value: FileTime(base.Add(-time.Hour))},
		},
	}
	sysmon := &Event{
		Provider: "Microsoft-Windows-Sysmon", ProviderGUID: mustGUID("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"),
		EventID: 1, Version: 5, Level: 4, Task: 1, Keywords: 0x8000000000000000,
		TimeCreated: base.Add(time.Second), RecordID: 8, ProcessID: 2320, ThreadID: 3120,
		Channel: "Microsoft-Windows-Sysmon/Operational", Computer: "WS02.corp.example.com",
		UserID: mustSID("S-1-5-18"),
		Data: []Data{
			{Name: "RuleName", Value: String("")},
			{Name: "ProcessGuid", Value: GUIDValue(mustGUID("{08DA6306-2A54-6211-0B01-000000001000}"))},
			{Name: "ProcessId", Value: UInt32(1232)},
			{Name: "Initiated", Value: Bool(true)},
			{Name: "SourceIsIpv6", Value: Bool(false)},
			{Name: "CommandLine", Value: String(`"C:\Program Files\Äpp\ü.exe" -x "a & b" <c> 'd' ☃`)},
		},
	}
	classic := &Event{
		Provider: "Service Control Manager", EventID: 7036, HasQualifiers: true, Qualifiers: 16384,
		Level: 4, Keywords: 0x8080000000000000, TimeCreated: base.Add(2 * time.Second), RecordID: 9,
		ProcessID: 640, ThreadID: 700, Channel: "System", Computer: "WS01.corp.example.com",
		Data: []Data{{Value: String("Windows Update")}, {Value: String("running")}},
	}
	empty := &Event{
		Provider: "Microsoft-Windows-Eventlog", EventID: 1100, Level: 4, Task: 103,
		TimeCreated: base.Add(3 * time.Second), RecordID: 10, Channel: "Security", Computer: "WS01.corp.example.com",
	}
	return []*Event{logon, sysmon, classic, empty, process4688(4, "WS01.corp.example.com", "cmd.exe /c whoami")}
}

func TestWriterVelocidexRoundTrip(t *testing.T) {
	events := variedEvents()
	got := velocidexRecords(t, writeEvents(t, events))
	if len(got) != len(events) {
		t.Fatalf("velocidex read %d records, want %d", len(got), len(events))
	}
	for i, ev := range events {
		for _, d := range crossparse.Diff(got[i], wantRecord(ev), 2*time.Microsecond) {
			t.Errorf("record %d (event %d): %s", i, ev.EventID, d)
		}
	}
}

func TestWriterContainer(t *testing.T) {
	var events []*Event
	for i := 0; i < 500; i++ {
		events = append(events, process4688(i, "WS01", strings.Repeat("x", i%200)))
	}
	data := writeEvents(t, events)
	fh, err := evtxfile.ParseFileHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	nchunks := (len(data) - evtxfile.FileHeaderSize) / evtxfile.ChunkSize
	switch {
	case !fh.ChecksumOK:
		t.Error("file header checksum mismatch")
	case fh.MajorVersion != 3 || fh.MinorVersion != 1:
		t.Errorf("version %d.%d, want 3.1", fh.MajorVersion, fh.MinorVersion)
	case int(fh.ChunkCount) != nchunks || fh.LastChunk != uint64(nchunks-1) || fh.FirstChunk != 0:
		t.Errorf("header chunks %d..%d count %d, file has %d", fh.FirstChunk, fh.LastChunk, fh.ChunkCount, nchunks)
	case fh.NextRecordID != 1500:
		t.Errorf("next record id %d, want 1500", fh.NextRecordID)
	case fh.Flags != 0 || fh.HeaderSize != 128 || fh.HeaderBlockSize != 4096:
		t.Errorf("flags %d header size %d block %d", fh.Flags, fh.HeaderSize, fh.HeaderBlockSize)
	}
	if nchunks < 4 {
		t.Fatalf("only %d chunks for 500 records", nchunks)
	}
	next := uint64(1000)
	for i := 0; i < nchunks; i++ {
		c := chunkAt(data, i)
		h, err := evtxfile.ParseChunkHeader(c)
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if errs := h.Verify(c); len(errs) > 0 {
			t.Errorf("chunk %d: %v", i, errs)
		}
		recs, err := evtxfile.Records(c, &h)
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if h.FirstRecordNumber != next || h.LastRecordNumber != next+uint64(len(recs))-1 ||
			h.FirstRecordID != h.FirstRecordNumber || h.LastRecordID != h.LastRecordNumber {
			t.Errorf("chunk %d: numbers %d..%d ids %d..%d for %d records from %d", i,
				h.FirstRecordNumber, h.LastRecordNumber, h.FirstRecordID, h.LastRecordID, len(recs), next)
		}
		last := recs[len(recs)-1]
		if h.LastRecordOffset != last.Offset || h.FreeSpaceOffset != last.Offset+last.Size {
			t.Errorf("chunk %d: last record at 0x%x free at 0x%x, records end at 0x%x", i, h.LastRecordOffset, h.FreeSpaceOffset, last.Offset+last.Size)
		}
		for _, r := range recs {
			if r.Number != next || r.Size%8 != 0 || r.FileTime != ToFileTime(events[next-1000].TimeCreated) {
				t.Errorf("chunk %d: record %d: number %d size %d time %d", i, next, r.Number, r.Size, r.FileTime)
			}
			next++
		}
		if !bytes.Equal(c[h.FreeSpaceOffset:], make([]byte, len(c)-int(h.FreeSpaceOffset))) {
			t.Errorf("chunk %d: free space is not zero", i)
		}
		// Chunks are filled: the next chunk's first record did not fit.
		if i+1 < nchunks {
			nc := chunkAt(data, i+1)
			firstSize := u32(nc, 512+4)
			if room := evtxfile.ChunkSize - int(h.FreeSpaceOffset); room >= int(firstSize) {
				t.Errorf("chunk %d has %d bytes free but the next record (%d bytes) went to a new chunk", i, room, firstSize)
			}
		}
	}
	if next != 1500 {
		t.Errorf("chain holds %d records, want 500", next-1000)
	}
}

// Names and templates are stored once per chunk and every table chain is
// sound, newest first.
func TestWriterTables(t *testing.T) {
	var events []*Event
	for i := 0; i < 300; i++ {
		ev := process4688(i, []string{"WS01", "WS02"}[i%2], "cmd.exe")
		if i%3 == 0 {
			ev.Data = ev.Data[:13] // the Windows 10 1507 layout: another EventData template
		}
		events = append(events, ev)
	}
	data := writeEvents(t, events)
	for i := 0; i < (len(data)-4096)/65536; i++ {
		c := chunkAt(data, i)
		seen := map[string]bool{}
		for _, n := range tableNames(t, c) {
			if seen[n.text] {
				t.Errorf("chunk %d: name %q stored twice", i, n.text)
			}
			seen[n.text] = true
			if n.hash != NameHash(n.text) || int(n.hash)%64 != n.bucket {
				t.Errorf("chunk %d: name %q hash 0x%x in bucket %d", i, n.text, n.hash, n.bucket)
			}
			if next := u32(c, int(n.offset)); next >= n.offset {
				t.Errorf("chunk %d: name %q chains forward to 0x%x", i, n.text, next)
			}
		}
		for _, want := range []string{"Event", "System", "Provider", "EventData", "Data", "Name", "Computer", "xmlns"} {
			if !seen[want] {
				t.Errorf("chunk %d: name %q missing from the string table", i, want)
			}
		}
		// Two computers and two EventData layouts: four templates.
		var defs []uint32
		for b := 0; b < templateBuckets; b++ {
			for off := u32(c, templateTableOffset+4*b); off != 0; off = u32(c, int(off)) {
				if c[off-10] != tokTemplate || u32(c, int(off)-4) != off || u32(c, int(off)-8) != u32(c, int(off)+4) {
					t.Fatalf("chunk %d: template table entry 0x%x is not a definition", i, off)
				}
				if int(u32(c, int(off)+4)%templateBuckets) != b {
					t.Errorf("chunk %d: template 0x%x in bucket %d", i, off, b)
				}
				defs = append(defs, off)
			}
		}
		if len(defs) != 4 {
			t.Errorf("chunk %d: %d template definitions, want 4", i, len(defs))
		}
	}
}

func TestWriterRecordNumbers(t *testing.T) {
	tests := []struct {
		name    string
		ids     []uint64
		numbers []uint64
	}{
		{"consecutive ids are the numbers", []uint64{41, 42, 43}, []uint64{41, 42, 43}},
		{"gaps: numbered in file order from the first id", []uint64{100, 7, 7, 5000}, []uint64{100, 101, 102, 103}},
		{"id 0 starts at 1", []uint64{0, 0}, []uint64{1, 2}},
	}
	for _, tc := range tests {
		var events []*Event
		for i, id := range tc.ids {
			ev := process4688(i, "WS01", "x")
			ev.RecordID = id
			events = append(events, ev)
		}
		data := writeEvents(t, events)
		c := chunkAt(data, 0)
		h, _ := evtxfile.ParseChunkHeader(c)
		recs, err := evtxfile.Records(c, &h)
		if err != nil || len(recs) != len(tc.ids) {
			t.Fatalf("%s: %d records, %v", tc.name, len(recs), err)
		}
		for i, r := range recs {
			if r.Number != tc.numbers[i] {
				t.Errorf("%s: record %d has number %d, want %d", tc.name, i, r.Number, tc.numbers[i])
			}
		}
		parsed := velocidexRecords(t, data)
		for i, p := range parsed {
			if p.System["EventRecordID"] != fmt.Sprint(tc.ids[i]) {
				t.Errorf("%s: record %d EventRecordID %s, want %d", tc.name, i, p.System["EventRecordID"], tc.ids[i])
			}
		}
		fh, _ := evtxfile.ParseFileHeader(data)
		if fh.NextRecordID != tc.numbers[len(tc.numbers)-1]+1 {
			t.Errorf("%s: next record id %d", tc.name, fh.NextRecordID)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	var buf Buffer
	w := New(&buf)
	huge := process4688(0, "WS01", strings.Repeat("A", 30000))
	huge.Data = append(huge.Data, Data{Name: "More", Value: String(strings.Repeat("B", 30000))})
	if err := w.Write(huge); !errors.Is(err, ErrRecordTooLarge) {
		t.Errorf("huge record: %v, want ErrRecordTooLarge", err)
	}
	bad := process4688(1, "WS01", "x")
	bad.Data[0].Decl = TypeUInt64
	var ve *ValueError
	if err := w.Write(bad); !errors.As(err, &ve) || ve.Field != "SubjectUserSid" {
		t.Errorf("bad value: %v, want a *ValueError naming SubjectUserSid", err)
	}
	// Rejected records leave the writer usable.
	if err := w.Write(process4688(2, "WS01", "fine")); err != nil {
		t.Fatalf("write after rejected records: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := velocidexRecords(t, buf.Bytes()); len(got) != 1 || got[0].System["EventRecordID"] != "1002" {
		t.Errorf("file holds %v", got)
	}
	if err := w.Write(process4688(3, "WS01", "x")); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second close: %v", err)
	}
}

type failingWriterAt struct{ after int }

func (f *failingWriterAt) WriteAt(p []byte, off int64) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriterOutputErrorIsSticky(t *testing.T) {
	w := New(&failingWriterAt{after: 1})
	var err error
	for i := 0; i < 400 && err == nil; i++ {
		err = w.Write(process4688(i, "WS01", "cmd"))
	}
	if err == nil || !strings.Contains(err.Error(), "chunk 1") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("got %v, want the second chunk's write error", err)
	}
	if err2 := w.Write(process4688(0, "WS01", "cmd")); !errors.Is(err2, err) {
		t.Errorf("error not sticky: %v", err2)
	}
}

func TestWriterEmptyFile(t *testing.T) {
	data := writeEvents(t, nil)
	fh, err := evtxfile.ParseFileHeader(data)
	if err != nil || !fh.ChecksumOK || fh.ChunkCount != 0 || fh.NextRecordID != 1 || len(data) != 4096 {
		t.Fatalf("empty file: %+v, %v, %d bytes", fh, err, len(data))
	}
	if got := velocidexRecords(t, data); len(got) != 0 {
		t.Errorf("empty file holds %d records", len(got))
	}
}

// The golden file pins the exact bytes: a change in the encoding shows up
// here first. Regenerate with go test -run Golden -update.
func TestWriterGolden(t *testing.T) {
	data := writeEvents(t, variedEvents())
	path := filepath.Join("testdata", "varied.evtx")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("written file differs from %s (rerun with -update if the change is intended)", path)
	}
}

func BenchmarkWrite4688(b *testing.B) {
	events := make([]*Event, 256)
	for i := range events {
		events[i] = process4688(i, "WS01.corp.example.com", `"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --field-trial-handle=1234`)
	}
	w := New(discardAt{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.Write(events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(w.Size())/float64(b.N), "file-bytes/record")
}

type discardAt struct{}

func (discardAt) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

// libevtx (evtxexport) silently drops a record that ends exactly at the
// chunk's end, so a record may end at most at recordsEnd; one that does
// not fit is rolled back without a trace.
func TestRecordNeverEndsAtChunkEnd(t *testing.T) {
	ev := process4688(0, "WS01", "cmd.exe /c dir")
	w := New(discardAt{})
	sys, data := w.systemShape(ev.Computer), w.dataShape(ev.Data)
	var vals [subEventData]Value
	probe := newChunk()
	if !probe.addRecord(ev, sys, data, 1, &vals) {
		t.Fatal("record does not fit an empty chunk")
	}
	size := probe.pos - evtxfile.ChunkHeaderSize

	full := newChunk()
	full.pos = evtxfile.ChunkSize - size
	if full.addRecord(ev, sys, data, 1, &vals) {
		t.Fatal("a record ending exactly at the chunk end was accepted")
	}
	if full.pos != evtxfile.ChunkSize-size || full.records != 0 || len(full.names) != 0 || len(full.templates) != 0 ||
		!bytes.Equal(full.buf, make([]byte, evtxfile.ChunkSize)) {
		t.Error("the rejected record left bytes or table entries behind")
	}
	fits := newChunk()
	fits.pos = recordsEnd - size
	if !fits.addRecord(ev, sys, data, 1, &vals) || fits.pos != recordsEnd {
		t.Errorf("a record ending at %d was refused", recordsEnd)
	}
}
