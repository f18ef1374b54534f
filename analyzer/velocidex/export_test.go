package velocidex

import "github.com/evtxhunt/evtxhunt/analyzer/evtxfile"

// Estimate returns Guard's estimate of what decoding the records recs of
// chunk b allocates: the records it accepts, and what it charged for the
// one it refuses before refusing it (its own memory among them).
func Estimate(b []byte, recs []evtxfile.Record) int64 {
	m := newMirror(b)
	m.run(recs)
	return m.bytes
}
