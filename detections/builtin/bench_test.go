package builtin_test

import (
	"testing"

	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// BenchmarkBuiltinMatch matches every built-in rule against the process
// events of the shared corpus, one event per iteration.
func BenchmarkBuiltinMatch(b *testing.B) {
	events := truthEvents(b)
	set := sigma.NewRuleSet(loadBuiltin(b))
	dst := make([]*sigma.Rule, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dst = set.Match(events[i%len(events)], dst[:0])
	}
}
