package velocidex

import "github.com/evtxhunt/evtxhunt/analyzer/evtxfile"

// Estimate returns Guard's estimate of what decoding the records recs of
// chunk b allocates (meaningful when Guard accepts them all).
func Estimate(b []byte, recs []evtxfile.Record) int64 {
	m := newMirror(b)
	m.run(recs)
	return m.bytes
}
