package findings

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/detections/allowlist"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// TestDedupeCopies: a record read from several files (a backup, a copy
// under another name) is one finding listing every file, whether the copy
// comes while the finding waits for context or after it was spooled; its
// context is not doubled by the copies. A different record that shares
// the record id is not a copy.
func TestDedupeCopies(t *testing.T) {
	log := []ev{
		{at: 0, pid: 100, ppid: 4, cmd: "before"},
		{at: m, pid: 200, ppid: 100, cmd: "FLAG TWICE", rec: 42},
		{at: 2 * m, pid: 300, ppid: 200, cmd: "after"},
	}
	var events []ev
	for _, file := range []string{"Security.evtx", "backup/Security.evtx", "copy of Security.evtx"} {
		for _, e := range log {
			e.file = file
			events = append(events, e)
		}
	}
	impostor := ev{at: m, pid: 200, ppid: 100, cmd: "FLAG other content", rec: 42}
	for _, pendingLimit := range []int{DefaultPendingLimit, 1} {
		t.Run(fmt.Sprint("pending limit ", pendingLimit), func(t *testing.T) {
			opts := DefaultOptions()
			opts.PendingLimit = pendingLimit
			fs, res := scan(t, opts, append(events, impostor)...)
			if len(fs) != 3 {
				t.Fatalf("%d findings, want 3 (two rules on the copied record, one on the impostor)", len(fs))
			}
			want := []string{"Security.evtx", "backup/Security.evtx", "copy of Security.evtx"}
			for _, f := range fs {
				if f.Event.CommandLine == impostor.cmd {
					if !slices.Equal(f.Sources, []string{"Security.evtx"}) {
						t.Errorf("impostor sources %q", f.Sources)
					}
					continue
				}
				if !slices.Equal(f.Sources, want) {
					t.Errorf("%s: sources %q, want %q", f.Title, f.Sources, want)
				}
				if got := cmds(f.Context.Before); !slices.Equal(got, []string{"before"}) {
					t.Errorf("%s: before %q", f.Title, got)
				}
				if got := cmds(f.Context.Children); !slices.Equal(got, []string{"after"}) {
					t.Errorf("%s: children %q", f.Title, got)
				}
			}
			if res.Findings != 3 || res.Duplicates != 4 {
				t.Errorf("stats: %d findings, %d duplicates; want 3 and 4", res.Findings, res.Duplicates)
			}
		})
	}
}

// manyEvents makes n flagged events over hosts and users, out of time
// order, every third flagged by both rules.
func manyEvents(n int) []ev {
	var events []ev
	for i := range n {
		cmd := fmt.Sprintf("FLAG %d", i)
		if i%3 == 0 {
			cmd += " TWICE"
		}
		events = append(events, ev{
			at:   time.Duration((i*7919)%n) * time.Second,
			host: fmt.Sprintf("WS%02d", i%4), user: fmt.Sprintf(`CORP\u%d`, i%3),
			pid: uint64(100 + 4*i), ppid: 4, cmd: cmd,
		})
	}
	return events
}

// TestSpoolOrder: findings spilled to many run files come back in the
// same order as sorting them all in memory, for every order, and the run
// files are removed on Close.
func TestSpoolOrder(t *testing.T) {
	events := manyEvents(600)
	for _, key := range SortKeys {
		for _, group := range []bool{false, true} {
			order := Order{Key: key, Group: group}
			t.Run(fmt.Sprintf("%s group=%v", key, group), func(t *testing.T) {
				dir := t.TempDir()
				opts := DefaultOptions()
				opts.Order, opts.TempDir, opts.SpoolMemory, opts.PendingLimit = order, dir, 16<<10, 50
				spilled, res := scan(t, opts, events...)
				if len(res.spool.runs) < 5 {
					t.Fatalf("only %d runs spilled", len(res.spool.runs))
				}
				opts.SpoolMemory = 1 << 30
				inMemory, res2 := scan(t, opts, events...)
				if len(res2.spool.runs) != 0 {
					t.Fatalf("%d runs spilled with a large memory limit", len(res2.spool.runs))
				}
				if !reflect.DeepEqual(spilled, inMemory) {
					t.Fatal("spilled findings differ from findings kept in memory")
				}
				sorted := append([]Finding(nil), inMemory...)
				if err := order.Sort(sorted); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(sorted, inMemory) {
					t.Error("results are not in the order's order")
				}
				if len(inMemory) != 800 {
					t.Errorf("%d findings, want 800", len(inMemory))
				}
				res.Close()
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Errorf("run files left after Close: %d", len(left))
				}
			})
		}
	}
}

// TestBoundedState: the history and the pending findings stay within their
// limits on a long stream, and context survives eviction: the evicted
// half of the history spans more than the context window, so the
// findings it finishes early have seen all their events.
func TestBoundedState(t *testing.T) {
	opts := DefaultOptions()
	opts.HistoryLimit, opts.PendingLimit = 1000, 16
	s, err := NewScanner(testSet(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30_000 {
		e := ev{at: time.Duration(i) * 10 * time.Second, pid: uint64(8 + 4*(i%5000)), ppid: 4, cmd: fmt.Sprint("run ", i)}
		if i%500 == 250 {
			e.cmd = fmt.Sprint("FLAG ", i)
		}
		p := e.process()
		s.Scan(&p)
		if s.hist.total > opts.HistoryLimit || len(s.pending) > opts.PendingLimit {
			t.Fatalf("after %d events: %d records kept (limit %d), %d pending (limit %d)",
				i+1, s.hist.total, opts.HistoryLimit, len(s.pending), opts.PendingLimit)
		}
	}
	all, _ := finishAll(t, s)
	if len(all) != 60 {
		t.Fatalf("%d findings, want 60", len(all))
	}
	for _, f := range all {
		if len(f.Context.Before) != DefaultContext || len(f.Context.After) != DefaultContext {
			t.Errorf("%s: %d before, %d after", f.Event.CommandLine, len(f.Context.Before), len(f.Context.After))
		}
	}
}

func TestGroupsAndHours(t *testing.T) {
	_, res := scan(t, DefaultOptions(),
		ev{at: 0, pid: 8, cmd: "FLAG TWICE"},
		ev{at: 90 * m, pid: 12, cmd: "FLAG"},
		ev{at: 30 * m, pid: 16, user: `corp\ALICE`, cmd: "FLAG"},
		ev{at: 10 * m, pid: 20, host: "ws00", user: `CORP\bob`, cmd: "FLAG"},
	)
	if len(res.Groups) != 2 {
		t.Fatalf("groups %+v", res.Groups)
	}
	g := res.Groups[1]
	if g.Host != "WS01" || g.User != `CORP\alice` || g.Levels.Total() != 4 || g.Levels[3] != 3 ||
		!g.First.Equal(t0) || !g.Last.Equal(t0.Add(90*m)) {
		t.Errorf("group %+v", g)
	}
	if res.Groups[0].Host != "ws00" || res.Groups[0].Levels.Total() != 1 {
		t.Errorf("group %+v", res.Groups[0])
	}
	if len(res.Hours) != 2 || res.Hours[0].Levels.Total() != 4 || !res.Hours[1].Hour.Equal(t0.Add(time.Hour)) {
		t.Errorf("hours %+v", res.Hours)
	}
	if got := res.Levels.List(); len(got) != 2 || got[0].String() != "4 high" || got[1].String() != "1 medium" {
		t.Errorf("levels %v", got)
	}
}

// TestAllowlist: suppressed findings are counted, not reported, and a copy
// of a record whose findings were all suppressed is not counted again.
func TestAllowlist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allow.yml")
	yml := "- rule: 6a3e2d10-1c4b-4f5e-9b8a-7c6d5e4f3a21\n  reason: the second rule is noisy here\n" +
		"- where:\n    CommandLine|contains: 'nightly'\n  reason: the nightly job\n"
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	list, err := allowlist.Load(path, sigma.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Allowlist = list
	fs, res := scan(t, opts,
		ev{at: 0, pid: 8, cmd: "FLAG TWICE"},
		ev{at: m, pid: 12, cmd: "FLAG nightly"},
		ev{at: m, pid: 12, cmd: "FLAG nightly", file: "copy.evtx"},
	)
	if len(fs) != 1 || fs[0].Title != "Flagged by the test" || fs[0].Event.CommandLine != "FLAG TWICE" {
		t.Fatalf("findings %+v", fs)
	}
	if res.Suppressed != 2 || res.Findings != 1 || res.Duplicates != 1 {
		t.Errorf("stats %+v, want 2 suppressed, 1 finding, 1 duplicate", res.Stats)
	}
}
