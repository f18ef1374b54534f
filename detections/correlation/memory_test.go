package correlation

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// memoryBound is the most the heap may grow while the engine runs the
// built-in rules over the long stream below.
const memoryBound = 64 << 20

// logonStream generates a long stream of logon-failure matches: 5,000
// source addresses and 20,000 accounts at random, ten records a second,
// with a planted password-guessing burst every 100,000 records (every
// other one followed by a successful logon).
type logonStream struct {
	rng               *rand.Rand
	ips, users, hosts []string
	ids               map[string]string // base rule name -> id
	cur               map[string]string // fields of the current record
}

func newLogonStream(ids map[string]string) *logonStream {
	s := &logonStream{rng: rand.New(rand.NewPCG(7, 11)), ids: ids, cur: map[string]string{}}
	for i := range 5000 {
		s.ips = append(s.ips, fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256))
	}
	for i := range 20000 {
		s.users = append(s.users, fmt.Sprintf("user%05d", i))
	}
	for i := range 50 {
		s.hosts = append(s.hosts, fmt.Sprintf("WS%03d.corp.local", i))
	}
	return s
}

func (s *logonStream) field(name string) (string, bool) {
	v, ok := s.cur[name]
	return v, ok
}

// next fills the current record and returns the base rule it matches.
func (s *logonStream) next() string {
	clear(s.cur)
	s.cur["TargetUserName"] = s.users[s.rng.IntN(len(s.users))]
	s.cur["Computer"] = s.hosts[s.rng.IntN(len(s.hosts))]
	ip := s.ips[s.rng.IntN(len(s.ips))]
	switch n := s.rng.IntN(100); {
	case n < 4:
		s.cur["IpAddress"] = "::ffff:" + ip
		return s.ids["evtxhunt_kerberos_preauth_failed"]
	case n < 7:
		return s.ids["evtxhunt_explicit_credentials"]
	case n < 10:
		s.cur["IpAddress"] = ip
		return s.ids["evtxhunt_successful_logon"]
	}
	s.cur["IpAddress"] = ip
	return s.ids["evtxhunt_failed_logon"]
}

// TestMemoryBounded runs ten million matches (one million with -short,
// 200,000 under the race detector) through the built-in rules and checks
// the heap stays under memoryBound and every planted attack is found.
func TestMemoryBounded(t *testing.T) {
	n := 10_000_000
	switch {
	case raceEnabled:
		n = 200_000
	case testing.Short():
		n = 1_000_000
	}
	set, bases := loadBuiltin(t)
	ids := map[string]string{}
	for _, b := range bases {
		ids[b.name] = b.id
	}
	titles := map[string]int{}
	e := NewEngine(set, Options{}, func(f *Finding) {
		for _, g := range f.Group {
			if strings.HasPrefix(g.Value, "victim") {
				titles[f.Title]++
			}
		}
	})
	s := newLogonStream(ids)
	field := s.field
	var before, now runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak, peakHeld, peakGroups, peakUsed := uint64(0), 0, 0, 0
	start := time.Now()
	const step = 100 * time.Millisecond
	for i := range n {
		at := t0.Add(time.Duration(i) * step)
		ref := Ref{Time: at, Computer: "DC01", Channel: "Security", EventID: 4625, EventRecordID: uint64(i), File: "Security.evtx"}
		e.Observe(s.next(), at, field, ref)
		if i%100_000 == 50_000 {
			s.plant(e, i/100_000, at)
		}
		if i%500_000 == 0 || i == n-1 {
			runtime.GC()
			runtime.ReadMemStats(&now)
			peak = max(peak, now.HeapInuse)
			groups := 0
			for _, rs := range e.rules {
				groups += len(rs.groups)
			}
			peakHeld, peakGroups, peakUsed = max(peakHeld, e.held), max(peakGroups, groups), max(peakUsed, e.used)
		}
	}
	e.Flush()
	elapsed := time.Since(start)
	growth := int64(peak) - int64(before.HeapInuse)
	t.Logf("%d matches in %v (%.0f/s); heap in use %.1f MiB before, peak %.1f MiB (+%.1f MiB); at most %d records held in %d groups, counted %.1f MiB; stats %+v",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), mib(before.HeapInuse), mib(peak), float64(growth)/(1<<20), peakHeld, peakGroups, float64(peakUsed)/(1<<20), e.Stats)
	if growth > memoryBound {
		t.Errorf("heap grew by %.1f MiB, more than %d MiB", float64(growth)/(1<<20), memoryBound>>20)
	}
	bursts := n / 100_000
	if titles["Password Guessing Against One Account"] != bursts || titles["Brute Force Followed by a Successful Logon"] != (bursts+1)/2 {
		t.Errorf("planted %d guessing bursts (%d with a success); found %v", bursts, (bursts+1)/2, titles)
	}
}

// plant feeds a burst of twelve failed logons to account victim<k> from
// one address, one a second from at, followed for even k by a success.
func (s *logonStream) plant(e *Engine, k int, at time.Time) {
	fields := map[string]string{"IpAddress": fmt.Sprintf("203.0.113.%d", k%250), "TargetUserName": fmt.Sprintf("victim%d", k)}
	get := func(name string) (string, bool) { v, ok := fields[name]; return v, ok }
	for j := range 12 {
		ts := at.Add(time.Duration(j) * time.Second)
		e.Observe(s.ids["evtxhunt_failed_logon"], ts, get, Ref{Time: ts, EventRecordID: uint64(j)})
	}
	if k%2 == 0 {
		ts := at.Add(30 * time.Second)
		e.Observe(s.ids["evtxhunt_successful_logon"], ts, get, Ref{Time: ts})
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
