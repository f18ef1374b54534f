package binxml

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// hostsOnlyDiffs decodes every chunk of files under dir in full and with
// HostsOnly and reports where the two differ in records, time span, hosts
// or problems, or where HostsOnly built an event. It returns the events
// the full decode found, so a caller can check the test saw some.
func hostsOnlyDiffs(t *testing.T, dir string) (chunks, events int) {
	t.Helper()
	full, hosts := &Decoder{}, &Decoder{HostsOnly: true}
	for _, rel := range evtxFiles(t, dir) {
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			var a, b decode.Result
			full.Decode(&c, &a)
			hosts.Decode(&c, &b)
			chunks++
			events += len(a.Events)
			if a.Records != b.Records || !a.First.Equal(b.First) || !a.Last.Equal(b.Last) {
				t.Errorf("%s chunk %d: records/first/last: full %d %s %s, hosts-only %d %s %s",
					rel, c.Index, a.Records, a.First, a.Last, b.Records, b.First, b.Last)
			}
			if fh, hh := slices.Sorted(slices.Values(a.Hosts)), slices.Sorted(slices.Values(b.Hosts)); !slices.Equal(fh, hh) {
				t.Errorf("%s chunk %d: hosts: full %q, hosts-only %q", rel, c.Index, fh, hh)
			}
			if len(a.Problems) != len(b.Problems) {
				t.Errorf("%s chunk %d: problems: full %v, hosts-only %v", rel, c.Index, a.Problems, b.Problems)
			}
			if len(b.Events) != 0 {
				t.Errorf("%s chunk %d: hosts-only decode built %d events", rel, c.Index, len(b.Events))
			}
		}
	}
	return chunks, events
}

// TestHostsOnlySamples: on samples/, HostsOnly finds the records, time
// span and hosts of a full decode, and builds no event.
func TestHostsOnlySamples(t *testing.T) {
	chunks, events := hostsOnlyDiffs(t, filepath.Join(testshared.Root(t), "samples"))
	if chunks < 50 || events < 1000 {
		t.Errorf("only %d chunks and %d events compared", chunks, events)
	}
}

// TestHostsOnlyCorpus does the same on every chunk of the shared corpus.
func TestHostsOnlyCorpus(t *testing.T) {
	chunks, events := hostsOnlyDiffs(t, corpusDir(t))
	t.Logf("%d chunks, %d events in full", chunks, events)
}

// BenchmarkHostsOnly measures the host pre-pass of sharded scans against
// a full decode of the same chunks (those holding process creations,
// where the two differ).
func BenchmarkHostsOnly(b *testing.B) {
	b.Run("samples-full", func(b *testing.B) {
		_, full := sampleSplit(b)
		benchChunks(b, &Decoder{}, full)
	})
	b.Run("samples-hosts", func(b *testing.B) {
		_, full := sampleSplit(b)
		benchChunks(b, &Decoder{HostsOnly: true}, full)
	})
	b.Run("corpus-full", func(b *testing.B) {
		_, full := corpusSplit(b)
		benchChunks(b, &Decoder{}, full)
	})
	b.Run("corpus-hosts", func(b *testing.B) {
		_, full := corpusSplit(b)
		benchChunks(b, &Decoder{HostsOnly: true}, full)
	})
}
