package findings

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// splitByHost splits findings into one list per host, keeping their
// order, as the shards of a scan would report them.
func splitByHost(fs []Finding) [][]Finding {
	byHost := map[string]int{}
	var out [][]Finding
	for _, f := range fs {
		i, ok := byHost[f.Event.Computer]
		if !ok {
			i = len(out)
			byHost[f.Event.Computer] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], f)
	}
	return out
}

func merge(t *testing.T, opts Options, lists ...[]Finding) ([]Finding, *Results) {
	t.Helper()
	m, err := NewMerger(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range lists {
		for i := range list {
			m.Add(&list[i])
		}
	}
	res, err := m.Finish()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Close() })
	all, err := res.All()
	if err != nil {
		t.Fatal(err)
	}
	return all, res
}

// TestMergeEqualsScan: the findings of a scan, split by host and merged
// back in any order of the parts, spilled or not, are the scan's findings
// in the scan's order, with the same summaries.
func TestMergeEqualsScan(t *testing.T) {
	events := manyEvents(300)
	for _, key := range SortKeys {
		for _, group := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s group=%v", key, group), func(t *testing.T) {
				opts := DefaultOptions()
				opts.Order = Order{Key: key, Group: group}
				want, scanned := scan(t, opts, events...)
				parts := splitByHost(want)
				if len(parts) != 4 {
					t.Fatalf("%d hosts, want 4", len(parts))
				}
				slices.Reverse(parts)
				opts.SpoolMemory, opts.TempDir = 8<<10, t.TempDir()
				got, merged := merge(t, opts, parts...)
				if !reflect.DeepEqual(got, want) {
					t.Error("merged findings differ from the scan's")
				}
				if len(merged.spool.runs) < 3 {
					t.Errorf("only %d runs spilled", len(merged.spool.runs))
				}
				if merged.Findings != scanned.Findings || merged.Levels != scanned.Levels || merged.Duplicates != 0 ||
					!reflect.DeepEqual(merged.Groups, scanned.Groups) || !reflect.DeepEqual(merged.Hours, scanned.Hours) {
					t.Errorf("summaries differ: merged %+v %+v, scanned %+v %+v", merged.Stats, merged.Groups, scanned.Stats, scanned.Groups)
				}
			})
		}
	}
}

// TestMergeCopies: the same finding from two reports is one finding with
// the sources of both, and so are the other findings on its record; a
// finding with the same id on a record of other content is kept apart.
func TestMergeCopies(t *testing.T) {
	fs, _ := scan(t, DefaultOptions(),
		ev{at: 0, pid: 8, cmd: "FLAG TWICE", rec: 7},
		ev{at: m, pid: 12, cmd: "FLAG", rec: 9},
	)
	if len(fs) != 3 {
		t.Fatalf("%d findings, want 3", len(fs))
	}
	copies := slices.Clone(fs[:1]) // the first rule's finding on record 7
	copies[0].Sources = []string{"backup/Security.evtx", "Security.evtx"}
	impostor, _ := scan(t, DefaultOptions(), ev{at: 0, pid: 8, cmd: "FLAG other", rec: 7})
	if impostor[0].ID != fs[0].ID || impostor[0].key == fs[0].key {
		t.Fatal("the impostor should share the id, not the record key")
	}
	got, res := merge(t, DefaultOptions(), fs, copies, impostor)
	if len(got) != 4 || res.Findings != 4 || res.Duplicates != 1 {
		t.Fatalf("%d findings (stats %d), %d duplicates; want 4 and 1", len(got), res.Findings, res.Duplicates)
	}
	for _, f := range got {
		want := []string{"Security.evtx"}
		if f.key == fs[0].key {
			want = append(want, "backup/Security.evtx")
		}
		if !slices.Equal(f.Sources, want) {
			t.Errorf("%s on %q: sources %q, want %q", f.RuleID, f.Event.CommandLine, f.Sources, want)
		}
	}
}

func TestRecordKey(t *testing.T) {
	fs, _ := scan(t, DefaultOptions(), ev{at: 0, pid: 8, cmd: "FLAG", rec: 7})
	s := fs[0].RecordKey()
	var g Finding
	if err := g.SetRecordKey(s); err != nil || g.key != fs[0].key || len(s) != 32 {
		t.Errorf("SetRecordKey(%q): %v, key %v, want %v", s, err, g.key, fs[0].key)
	}
	for _, bad := range []string{"", s[:31], s + "0", strings.Repeat("A", 32), "zz" + s[2:], s[:30] + "\x00\x00"} {
		if err := g.SetRecordKey(bad); err == nil {
			t.Errorf("SetRecordKey(%q) accepted", bad)
		}
	}
	if _, err := NewMerger(Options{Order: Order{Key: "colour"}}); err == nil {
		t.Error("NewMerger accepted an unknown sort key")
	}
}
