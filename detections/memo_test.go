package detections

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// sampleProcesses reads the process events of the shipped samples.
func sampleProcesses(t testing.TB) []event.Process {
	t.Helper()
	dir := filepath.Join(testshared.Root(t), "samples", "demo")
	var out []event.Process
	_, err := pipeline.Run(context.Background(), walk.Paths([]string{dir}).Inputs, pipeline.Options{
		Workers:    1,
		NewDecoder: func() decode.Decoder { return binxml.New() },
		OnChunk: func(_ *pipeline.FileStats, _ int, r *decode.Result) {
			out = append(out, r.Events...)
		},
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("samples: %d process events, %v", len(out), err)
	}
	return out
}

// TestMemoMatchesDetect: through a memo, every event of the samples
// (each seen twice) and variants differing in one value the rules read
// get exactly Detect's hits, with the built-in rules and checks plus
// rules reading ParentCommandLine by name, keyword and fieldref.
func TestMemoMatchesDetect(t *testing.T) {
	set := loadLateSet(t)
	events := sampleProcesses(t)[:1000] // within MemoBytes: the second round is all found
	// Variants: one value changed, so a memo keyed on too little fails.
	for _, p := range events[:100] {
		for _, f := range set.memoFields {
			q := p
			if f.IsNumber() {
				q.SetNumber(f.Field, 7)
			} else {
				q.Set(f.Field, `C:\Users\Public\x.exe evilkeyword -enc SQBFAFgA`)
			}
			events = append(events, q)
		}
	}
	memo := set.NewMemo()
	var scratch []*sigma.Rule
	for round := range 2 {
		for i := range events {
			p := &events[i]
			want, _ := set.Detect(p, nil, nil)
			var got []Hit
			got, scratch = memo.Detect(p, got, scratch)
			if !slices.Equal(titles(got), titles(want)) {
				t.Fatalf("round %d, event %d (%s): memo %v, Detect %v", round, i, p.CommandLine, titles(got), titles(want))
			}
		}
	}
	if memo.bytes*2 > MemoBytes {
		t.Fatalf("the test's events take %d bytes: too close to MemoBytes for every second lookup to be found", memo.bytes)
	}
	if memo.Found < len(events) {
		t.Errorf("memo found %d of %d lookups: the second round should all be found", memo.Found, memo.Lookups)
	}
	t.Logf("%d events twice: %d of %d lookups found", len(events), memo.Found, memo.Lookups)
}

// TestMemoFindsSysmonRepeats: with the built-in rules, a Sysmon process
// event that repeats an earlier one but for what makes every process
// unique (its GUIDs, ids and time) is found in the memo, with Detect's
// hits: no built-in rule that applies to process creations reads them
// (a keyword rule bound to other records, such as the Kiwi printer's,
// does not count). Were one to read them, every Sysmon event would be
// matched afresh, about ten times the cost of a lookup.
func TestMemoFindsSysmonRepeats(t *testing.T) {
	set, errs := Load(Config{})
	if len(errs) > 0 {
		t.Fatalf("built-in rules: %v", errs)
	}
	var sysmon []event.Process
	for _, p := range sampleProcesses(t) {
		if p.EventID == event.SysmonProcessCreate && len(sysmon) < 500 {
			sysmon = append(sysmon, p)
		}
	}
	if len(sysmon) == 0 {
		t.Fatal("the samples hold no Sysmon process events")
	}
	memo := set.NewMemo()
	for i := range sysmon {
		memo.Detect(&sysmon[i], nil, nil)
	}
	found := memo.Found
	for i, p := range sysmon {
		q := p
		q.Set(event.FieldProcessGuid, fmt.Sprintf("{00000000-0000-0000-0000-%012d}", i))
		q.Set(event.FieldParentProcessGuid, fmt.Sprintf("{00000000-0000-0000-0001-%012d}", i))
		q.Set(event.FieldUtcTime, fmt.Sprintf("2030-01-01 00:00:%02d.000", i%60))
		q.SetNumber(event.FieldProcessId, uint64(100000+i))
		q.SetNumber(event.FieldParentProcessId, uint64(200000+i))
		want, _ := set.Detect(&q, nil, nil)
		got, _ := memo.Detect(&q, nil, nil)
		if !slices.Equal(titles(got), titles(want)) {
			t.Fatalf("event %d (%s): memo %v, Detect %v", i, q.CommandLine, titles(got), titles(want))
		}
	}
	if n := memo.Found - found; n != len(sysmon) {
		t.Errorf("%d of %d Sysmon repeats with new GUIDs, ids and times were found in the memo; memo fields %v",
			n, len(sysmon), set.memoFields)
	}
}

// TestMemoShapedFields: with a keyword rule loaded (it reads every string
// field), a Sysmon event repeating an earlier one but for its GUIDs and
// time is still found, as long as no keyword could match a GUID or a
// time; a value that leaves its shape is keyed, and matched, as it is.
func TestMemoShapedFields(t *testing.T) {
	dir := t.TempDir()
	rule := "title: Kiwi keyword\nid: 00000000-0000-4000-8000-000000000001\nlevel: high\n" +
		"logsource: {product: windows, category: process_creation}\ndetection:\n    keywords: [kiwi]\n    condition: keywords\n"
	if err := os.WriteFile(filepath.Join(dir, "kiwi.yml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	set, errs := Load(Config{RulePaths: []string{dir}})
	if len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	memo := set.NewMemo()
	p := event.Process{EventID: event.SysmonProcessCreate, Channel: event.SysmonChannel}
	p.Set(event.FieldImage, `C:\Windows\System32\svchost.exe`)
	p.Set(event.FieldCommandLine, `C:\Windows\system32\svchost.exe -k netsvcs`)
	guids := []string{"{1619FF0C-208A-3124-0000-00105A7E0B00}", "{1619FF0C-208A-3124-0000-0010DEADBEEF}",
		"{1619FF0C-KIWI-3124-0000-001000000000}", "{1619FF0C-KIWI-3124-0000-001000000000}", "", "{1619FF0C-208A-3124-0000-001000000001}"}
	for i, g := range guids {
		q := p
		q.Set(event.FieldProcessGuid, g)
		q.Set(event.FieldUtcTime, fmt.Sprintf("2024-03-12 07:35:%02d.447", i))
		want, _ := set.Detect(&q, nil, nil)
		got, _ := memo.Detect(&q, nil, nil)
		if !slices.Equal(titles(got), titles(want)) {
			t.Fatalf("GUID %q: memo %v, Detect %v", g, titles(got), titles(want))
		}
		if strings.Contains(g, "KIWI") != (len(want) == 1) {
			t.Fatalf("GUID %q: Detect gave %v", g, titles(want))
		}
	}
	// Found: the second plain GUID, the repeated KIWI one, the empty one
	// and the last (the first of each key is matched).
	if memo.Found != 4 {
		t.Errorf("%d of %d lookups found, want 4", memo.Found, memo.Lookups)
	}
}

// TestMemoBounded: distinct events never take a memo past MemoBytes, and
// an event with a key past MemoMaxKey is matched but not remembered.
// Every other event repeats one command line, so the memo never pauses.
func TestMemoBounded(t *testing.T) {
	set, _ := Load(Config{})
	memo := set.NewMemo()
	p := event.Process{EventID: 4688, Channel: "Security"}
	for i := range 100_000 {
		line := "cmd.exe /c echo repeated"
		if i%2 == 1 {
			line = fmt.Sprintf("cmd.exe /c echo %0200d", i)
		}
		p.Set(event.FieldCommandLine, line)
		memo.Detect(&p, nil, nil)
		if memo.bytes > MemoBytes {
			t.Fatalf("after %d events the memo holds %d bytes, more than %d", i+1, memo.bytes, MemoBytes)
		}
	}
	if memo.Skipped != 0 {
		t.Fatalf("the memo paused for %d events although half its lookups were found", memo.Skipped)
	}
	before, found := len(memo.entries), memo.Found
	long := make([]byte, MemoMaxKey)
	for i := range long {
		long[i] = 'a'
	}
	p.Set(event.FieldCommandLine, string(long))
	memo.Detect(&p, nil, nil)
	memo.Detect(&p, nil, nil)
	if len(memo.entries) != before || memo.Found != found {
		t.Errorf("a key past MemoMaxKey was remembered (%d entries, was %d; %d found, was %d)", len(memo.entries), before, memo.Found, found)
	}
}

// TestMemoPauses: on distinct events a memo stops looking up after one
// window, for memoPause events, then looks again; its hits stay Detect's
// throughout.
func TestMemoPauses(t *testing.T) {
	set := loadLateSet(t)
	memo := set.NewMemo()
	p := event.Process{EventID: 4688, Channel: "Security", Image: `C:\Windows\System32\reg.exe`}
	var scratch []*sigma.Rule
	total := memoWindow + memoPause + 100
	for i := range total {
		line := fmt.Sprintf(`reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v u%d /d C:\Users\Public\x.exe`, i)
		if i%1000 == 0 {
			line = fmt.Sprintf("cmd.exe /c echo %d", i)
		}
		p.Set(event.FieldCommandLine, line)
		if i%5000 == 0 || i >= total-200 {
			want, _ := set.Detect(&p, nil, nil)
			var got []Hit
			got, scratch = memo.Detect(&p, got, scratch)
			if !slices.Equal(titles(got), titles(want)) {
				t.Fatalf("event %d: memo %v, Detect %v", i, titles(got), titles(want))
			}
			continue
		}
		memo.Detect(&p, nil, scratch)
	}
	if memo.Skipped != memoPause || memo.Lookups != total-memoPause || memo.Found != 0 {
		t.Errorf("%d events: %d looked up, %d found, %d skipped; want %d looked up, %d skipped",
			total, memo.Lookups, memo.Found, memo.Skipped, total-memoPause, memoPause)
	}
}

func BenchmarkMemoDetect(b *testing.B) {
	set, _ := Load(Config{})
	memo := set.NewMemo()
	p := chromeRenderer()
	p.Channel = "Security"
	var hits []Hit
	var scratch []*sigma.Rule
	b.ReportAllocs()
	for b.Loop() {
		hits, scratch = memo.Detect(p, hits[:0], scratch)
	}
}

// BenchmarkMemoDetectSamples: the samples' process events, Security and
// Sysmon, through one memo per worker as a scan runs them (a fresh memo
// every pass), with the built-in rules; ns/op is per pass.
func BenchmarkMemoDetectSamples(b *testing.B) {
	set, errs := Load(Config{})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	all := sampleProcesses(b)
	for _, tc := range []struct {
		name string
		id   uint32
	}{{"security", event.SecurityProcessCreate}, {"sysmon", event.SysmonProcessCreate}} {
		var events []event.Process
		for _, p := range all {
			if p.EventID == tc.id {
				events = append(events, p)
			}
		}
		b.Run(tc.name, func(b *testing.B) {
			var hits []Hit
			var scratch []*sigma.Rule
			b.ReportAllocs()
			for b.Loop() {
				memo := set.NewMemo()
				for i := range events {
					hits, scratch = memo.Detect(&events[i], hits[:0], scratch)
				}
			}
			b.ReportMetric(float64(len(events)), "events/op")
		})
	}
}
