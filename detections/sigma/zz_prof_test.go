package sigma

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/detections/builtin"
)

func TestZZProfRules(t *testing.T) {
	if os.Getenv("PROF") == "" {
		t.Skip()
	}
	rules, _, _ := LoadFS(builtin.FS(), builtin.SourcePrefix, Options{})
	if dir := os.Getenv("PROF_RULES"); dir != "" {
		rs, _, _ := LoadPaths([]string{dir}, Options{})
		rules = append(rules, rs...)
	}
	s := NewRuleSet(rules)
	procs, events := readSelected(t, s.Selection(), os.Getenv("PROF"))
	type stat struct {
		r    *Rule
		n    int
		hits int
		d    time.Duration
	}
	stats := map[int32]*stat{}
	sc := s.scratch.Get().(*matchScratch)
	var scanD time.Duration
	for k := range procs {
		p := &procs[k]
		sat := sc.sat[:s.proc.words]
		t0 := time.Now()
		s.proc.start(sat)
		s.scanProcess(p, sat)
		sc.cands = s.proc.candidates(sat, sc.cands[:0])
		scanD += time.Since(t0)
		for _, c := range sc.cands {
			ri := s.procRules[c]
			st := stats[ri]
			if st == nil {
				st = &stat{r: s.rules[ri]}
				stats[ri] = st
			}
			t1 := time.Now()
			m := s.rules[ri].Match(p)
			st.d += time.Since(t1)
			st.n++
			if m {
				st.hits++
			}
		}
	}
	var list []*stat
	var total time.Duration
	for _, st := range stats {
		list = append(list, st)
		total += st.d
	}
	sort.Slice(list, func(i, j int) bool { return list[i].d > list[j].d })
	fmt.Printf("%d process events, %d general; prefilter scan %v, rule evals %v, unindexed %d\n", len(procs), len(events), scanD, total, s.proc.unindexed)
	for _, st := range list[:min(30, len(list))] {
		fmt.Printf("%10v %7d evals %6d hits  %s (%s)\n", st.d, st.n, st.hits, st.r.Title, st.r.Location())
	}
	t0 := time.Now()
	var dst []*Rule
	for k := range events {
		dst = s.MatchEvent(&events[k], dst[:0])
	}
	fmt.Printf("general events: %v\n", time.Since(t0))
}
