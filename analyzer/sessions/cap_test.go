package sessions

import (
	"runtime"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// busyHost feeds b n ended network logons of ws01 (4624, 4672, 4634 each,
// eight seconds apart from 07:00) and calls check after each logon.
func busyHost(b *Builder, n int, check func(i int)) {
	base := at(7, 0, 0, 0)
	for i := range n {
		id := event.FormatHex(uint64(0x100000 + i))
		t := base.Add(time.Duration(i) * 8 * time.Second)
		rec := uint64(1000 + 3*i)
		b.Add(privileges4672(ws01, rec, t, id))
		b.Add(logon4624(ws01, rec+1, t, `CORP\svc_backup`, id, "3", "IpAddress", "10.20.30.40",
			"AuthenticationPackageName", "Kerberos", "ElevatedToken", "%%1842"))
		b.Add(logoff4634(ws01, rec+2, t.Add(5*time.Second), id, "3"))
		check(i)
	}
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// One host logging a hundred times more sessions than the cap: the
// Builder never holds more than the cap (nor more records than the cap
// allows), its heap stops growing once the cap is reached, the host's
// open sessions and a quieter host's sessions all stay, and the ended
// sessions kept are the newest ones.
func TestCapHoldsOnBusiestHost(t *testing.T) {
	const max, n = 1000, 100 * 1000
	b := NewBuilder(Options{MaxSessions: max})
	const ws02 = "WS02.corp.example.com"
	var open []string
	for i := range 50 {
		id := event.FormatHex(uint64(0x10 + i))
		b.Add(logon4624(ws01, uint64(1+i), at(6, 0, i, 0), `CORP\alice`, id, "2"))
		open = append(open, id)
	}
	for i := range 10 {
		id := event.FormatHex(uint64(0x20 + i))
		b.Add(logon4624(ws02, uint64(1+2*i), at(6, i, 0, 0), `CORP\bob`, id, "2"))
		b.Add(logoff4634(ws02, uint64(2+2*i), at(6, i, 30, 0), id, "2"))
	}
	var atCap uint64
	busyHost(b, n, func(i int) {
		if b.logons > max || b.records > max*MaxRecordsPerSession {
			t.Fatalf("after %d logons: %d sessions and %d records held, cap %d", i+1, b.logons, b.records, max)
		}
		if i == 4*max {
			atCap = heapInUse()
		}
	})
	grown := int64(heapInUse()) - int64(atCap)
	t.Logf("heap %d bytes at %d logons, %+d bytes at %d", atCap, 4*max, grown, n)
	if grown > 2<<20 {
		t.Errorf("the heap grew by %d bytes from %d to %d logons past the cap", grown, 4*max, n)
	}
	x := b.Finish()
	hosts := x.Sessions()
	if len(hosts) != 2 || len(hosts[1].Sessions) != 10 {
		t.Fatalf("the quiet host lost sessions: %d hosts, %+v", len(hosts), hosts[1:])
	}
	kept := hosts[0].Sessions
	if len(kept) > max || len(kept) < max*3/4 {
		t.Fatalf("%d sessions kept on the busy host, cap %d", len(kept), max)
	}
	for i, id := range open {
		if kept[i].Session.LogonId != id || !kept[i].Session.LogoffTime.IsZero() {
			t.Fatalf("open session %s evicted; kept[%d] = %+v", id, i, kept[i].Session)
		}
	}
	ended := kept[len(open):]
	for i, e := range ended {
		want := event.FormatHex(uint64(0x100000 + n - len(ended) + i))
		if e.Session.LogonId != want || !e.Session.Elevated || e.Session.LogoffTime.IsZero() {
			t.Fatalf("ended session %d kept is %+v, want the newest ones (%s) with their records", i, e.Session, want)
		}
	}
	if st := x.Stats(); st.Evicted != n+len(open)-len(kept) || st.Logons != len(kept)+10 {
		t.Errorf("stats %+v with %d kept", st, len(kept))
	}
}

// BenchmarkBuilderOverCap: 100,000 logons of one host with their 4672 and
// 4634 under a cap of 10,000 sessions, so that a quarter of the host's
// sessions is evicted every 2,500 logons.
func BenchmarkBuilderOverCap(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		bl := NewBuilder(Options{MaxSessions: 10_000})
		busyHost(bl, 100_000, func(int) {})
		bl.Finish()
	}
}
