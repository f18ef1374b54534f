package sigma

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// truthRecords reads every record of the corpus ground truth
// (truth/all-records.jsonl.gz) that is not a process creation, as the
// decoders give them: System values and payload items in document order.
func truthRecords(tb testing.TB) []event.Event {
	tb.Helper()
	path := testshared.Dir(tb, "corpus", "truth", "all-records.jsonl.gz")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var out []event.Event
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for line := 1; sc.Scan(); line++ {
		e, err := truthRecord(sc.Bytes())
		if err != nil {
			tb.Fatalf("%s:%d: %v", path, line, err)
		}
		if !e.IsProcessCreation() {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func truthRecord(line []byte) (event.Event, error) {
	var r struct {
		File, SystemTime, Computer, Channel, Provider, Version, DataKind string
		EventRecordID                                                    uint64
		EventID                                                          uint32
		Data                                                             json.RawMessage
	}
	if err := json.Unmarshal(line, &r); err != nil {
		return event.Event{}, err
	}
	ts, err := time.Parse(time.RFC3339Nano, r.SystemTime)
	if err != nil {
		return event.Event{}, err
	}
	v, _ := strconv.Atoi(r.Version)
	e := event.Event{System: event.System{Timestamp: ts, Computer: r.Computer, Channel: r.Channel, Provider: r.Provider,
		EventID: r.EventID, Version: uint8(v), EventRecordID: r.EventRecordID}, SourceFile: r.File}
	switch r.DataKind {
	case "EventData":
		e.Kind = event.EventData
	case "UserData":
		e.Kind = event.UserData
	}
	if len(r.Data) > 0 && string(r.Data) != "null" {
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.UseNumber()
		if err := readJSONItems(dec, "", &e.Items); err != nil {
			return event.Event{}, err
		}
	}
	return e, nil
}

// regressionRecords reads the JSON renderings of every regression sample.
func regressionRecords(tb testing.TB) ([]event.Process, []event.Event) {
	tb.Helper()
	root := testshared.Dir(tb, "sigma", "regression_data")
	var procs []event.Process
	var events []event.Event
	err := walkFiles(root, ".json", func(path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		p, e, err := jsonRecords(data, path)
		procs, events = append(procs, p...), append(events, e...)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return procs, events
}

// TestRuleSetMatchEventEveryRule checks the buckets and prefilters never
// hide a match: over every general record of the corpus and the
// regression samples, RuleSet.MatchEvent reports exactly the rules whose
// own MatchEvent is true, in rule order. Process records, likewise, with
// Match (the rules of other log sources that apply to 4688 and Sysmon 1).
func TestRuleSetMatchEventEveryRule(t *testing.T) {
	rules, errs := loadPublicRules(t)
	if len(Errors(errs)) > 0 {
		t.Fatalf("public rules do not load: %v", Errors(errs)[0])
	}
	procs, events := regressionRecords(t)
	events = append(events, truthRecords(t)...)
	set := NewRuleSet(rules)
	total := map[string]int{}
	var got []*Rule
	for i := range events {
		e := &events[i]
		got = set.MatchEvent(e, got[:0])
		var want []*Rule
		for _, r := range rules {
			if r.MatchEvent(e) {
				want = append(want, r)
				total[r.LogSource().String()]++
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s record %d (%s %d): RuleSet.MatchEvent gives %v, the rules themselves %v", e.SourceFile, e.EventRecordID, e.Channel, e.EventID, ruleIDs(got), ruleIDs(want))
		}
	}
	for i := range procs {
		got = set.Match(&procs[i], got[:0])
		var want []*Rule
		for _, r := range rules {
			if r.Match(&procs[i]) {
				want = append(want, r)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s record %d: RuleSet.Match gives %v, the rules themselves %v", procs[i].SourceFile, procs[i].EventRecordID, ruleIDs(got), ruleIDs(want))
		}
	}
	t.Logf("%d general records, %d process records; general matches by log source: %v", len(events), len(procs), total)
	t.Logf("index: %s", set.general.stats())
	if len(total) < 5 {
		t.Errorf("general matches in %d log sources only; the corpus holds attacks seen by many", len(total))
	}
}

// stats describes the general index for test logs.
func (g *generalIndex) stats() string {
	buckets, filtered, largest := 0, 0, 0
	seen := map[*bucket]bool{}
	visit := func(b *bucket) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		buckets++
		if b.pf != nil {
			filtered++
		}
		largest = max(largest, len(b.rules))
	}
	for c := range g.byID {
		for _, b := range g.byID[c] {
			visit(b)
		}
		visit(g.wide[c])
	}
	for _, b := range g.anyByID {
		visit(b)
	}
	visit(g.anyWide)
	return fmt.Sprintf("%d channels, %d buckets (%d with a prefilter), largest %d rules, %d field names", len(g.channels), buckets, filtered, largest, len(g.keys))
}

// truthOf picks the corpus records of one channel and event id.
func truthOf(events []event.Event, channel string, id uint32) []event.Event {
	var out []event.Event
	for _, e := range events {
		if strings.EqualFold(e.Channel, channel) && e.EventID == id {
			out = append(out, e)
		}
	}
	return out
}

// BenchmarkMatchEvent measures one general record against every SigmaHQ
// Windows rule (and the Selection the rules need), by kind of record:
// Security 4624 logons, Sysmon 13 registry values, PowerShell 4104
// script blocks, Sysmon 11 file creations, Security 5145 share accesses,
// all from the corpus.
func BenchmarkMatchEvent(b *testing.B) {
	rules, errs := loadPublicRules(b)
	if len(Errors(errs)) > 0 {
		b.Fatal(Errors(errs)[0])
	}
	set := NewRuleSet(rules)
	all := truthRecords(b)
	for _, k := range []struct {
		name    string
		channel string
		id      uint32
	}{
		{"security4624", chSecurity, 4624},
		{"sysmon13", chSysmon, 13},
		{"powershell4104", chPowerShell, 4104},
		{"sysmon11", chSysmon, 11},
		{"security5145", chSecurity, 5145},
	} {
		events := truthOf(all, k.channel, k.id)
		if len(events) == 0 {
			b.Fatalf("no %s %d record in the corpus", k.channel, k.id)
		}
		b.Run(k.name, func(b *testing.B) {
			dst := make([]*Rule, 0, len(rules))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				dst = set.MatchEvent(&events[i%len(events)], dst[:0])
			}
		})
	}
}

// BenchmarkMatchEventNaive evaluates every rule's MatchEvent on Sysmon 13
// records, to show what the buckets and prefilters save.
func BenchmarkMatchEventNaive(b *testing.B) {
	rules, errs := loadPublicRules(b)
	if len(Errors(errs)) > 0 {
		b.Fatal(Errors(errs)[0])
	}
	events := truthOf(truthRecords(b), chSysmon, 13)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := &events[i%len(events)]
		for _, r := range rules {
			r.MatchEvent(e)
		}
	}
}

// walkFiles calls fn for every file under root with the extension, in
// path order.
func walkFiles(root, ext string, fn func(path string) error) error {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ext) {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// TestMatchEventConcurrent runs one RuleSet's MatchEvent from several
// goroutines over the corpus records and checks every goroutine sees the
// answers of a single-threaded run (with -race: no data race in the
// buckets, prefilters and pooled scratch).
func TestMatchEventConcurrent(t *testing.T) {
	rules, _ := loadPublicRules(t)
	set := NewRuleSet(rules)
	events := truthRecords(t)
	want := make([]int, len(events))
	for i := range events {
		want[i] = len(set.MatchEvent(&events[i], nil))
	}
	done := make(chan string, 4)
	for w := 0; w < 4; w++ {
		go func(w int) {
			var dst []*Rule
			for k := range events {
				i := (k + w*len(events)/4) % len(events)
				if dst = set.MatchEvent(&events[i], dst[:0]); len(dst) != want[i] {
					done <- fmt.Sprintf("worker %d, record %d: %d matches, want %d", w, i, len(dst), want[i])
					return
				}
			}
			done <- ""
		}(w)
	}
	for w := 0; w < 4; w++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
