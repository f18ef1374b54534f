package shard

import (
	"bufio"
	"fmt"
	"io"
)

// WritePlacement writes where the plan's hosts went, as text: a comment
// line with the shard count, the placement's fingerprint and the
// capacity, a header, then one tab-separated line per host (lower-cased
// name, bytes of the inputs holding it, hash shard, shard), largest
// first. Every job of one sharded scan writes the same file; comparing
// them shows whether the jobs saw the same inputs.
func (p *Plan) WritePlacement(w io.Writer) error {
	bw := bufio.NewWriter(w)
	switch {
	case !p.Spec.Active() || p.Spec.N == 1:
		fmt.Fprintf(bw, "# evtxhunt placement: one shard, every host\n")
	case p.TooManyHosts || p.Owners == nil:
		fmt.Fprintf(bw, "# evtxhunt placement of %d shards: by hash alone (over %d host names)\n", p.Spec.N, maxHosts)
	default:
		a := p.Owners
		fmt.Fprintf(bw, "# evtxhunt placement of %d shards: fingerprint %s, capacity %d bytes\n", p.Spec.N, a.Fingerprint(), a.Capacity())
		fmt.Fprintf(bw, "host\tbytes\thash_shard\tshard\n")
		for _, h := range a.Placed() {
			fmt.Fprintf(bw, "%s\t%d\t%d\t%d\n", h.Host, h.Bytes, h.HashShard, h.Shard)
		}
	}
	return bw.Flush()
}
