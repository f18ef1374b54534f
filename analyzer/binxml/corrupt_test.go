package binxml

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"path/filepath"
	"slices"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// damage is one way of breaking a chunk's record area: it changes data
// in place and returns the damaged byte range [lo, hi).
type damage struct {
	name  string
	apply func(data []byte, lo, hi int, rng *rand.Rand) (int, int)
}

var damages = []damage{
	{"scribble 32 bytes", func(d []byte, lo, hi int, rng *rand.Rand) (int, int) {
		p := lo + rng.Intn(max(1, hi-lo-32))
		rng.Read(d[p : p+32])
		return p, p + 32
	}},
	{"zero 512 bytes", func(d []byte, lo, hi int, rng *rand.Rand) (int, int) {
		p := lo + rng.Intn(max(1, hi-lo-512))
		end := min(p+512, len(d))
		clear(d[p:end])
		return p, end
	}},
	{"flip 8 bits", func(d []byte, lo, hi int, rng *rand.Rand) (int, int) {
		a, b := hi, lo
		for range 8 {
			p := lo + rng.Intn(hi-lo)
			d[p] ^= 1 << rng.Intn(8)
			a, b = min(a, p), max(b, p+1)
		}
		return a, b
	}},
	{"torn tail", func(d []byte, lo, hi int, rng *rand.Rand) (int, int) {
		p := lo + rng.Intn(hi-lo)
		clear(d[p:])
		return p, len(d)
	}},
}

// recordFootprint is what a record needs to decode: its own bytes, the
// template definitions it uses and the names they refer to, as chunk
// ranges, and its pristine result.
type recordFootprint struct {
	rec    evtxfile.Record
	ranges [][2]int
	alone  decode.Result
}

// footprints decodes each record of a pristine chunk on its own, noting
// the template definitions it compiles and the names they read.
func footprints(c *decode.Chunk) []recordFootprint {
	out := make([]recordFootprint, 0, len(c.Records))
	for _, rec := range c.Records {
		s := newState()
		s.beginChunk(c.Data)
		fp := recordFootprint{rec: rec, ranges: [][2]int{{int(rec.Offset), int(rec.Offset + rec.Size)}}}
		s.traceName = func(off, end uint32) { fp.ranges = append(fp.ranges, [2]int{int(off), int(end)}) }
		s.decodeRecord(c, rec, &fp.alone)
		for _, t := range s.templates {
			if t.key&fragmentKey == 0 && int(t.key)+templateDefHeader <= len(c.Data) {
				size := int(binary.LittleEndian.Uint32(c.Data[t.key+20:]))
				fp.ranges = append(fp.ranges, [2]int{int(t.key), int(t.key) + templateDefHeader + size})
			}
		}
		out = append(out, fp)
	}
	return out
}

func (fp *recordFootprint) touched(lo, hi int) bool {
	for _, r := range fp.ranges {
		if lo < r[1] && r[0] < hi {
			return true
		}
	}
	return false
}

// TestCorruption damages every chunk of the corpus in four ways and
// decodes each damaged chunk with both decoders. Neither may crash. A
// record is intact when its bytes, the template definitions it uses and
// the names they refer to are untouched and the record chain still reaches
// it; the fast decoder must
// decode every intact record exactly as it does on the pristine chunk (its
// event, and its host among the chunk's hosts). Velocidex's losses are
// counted for the log.
func TestCorruption(t *testing.T) {
	dir := corpusDir(t)
	fast := New()
	var st struct{ damaged, intact, fastLost, refLost, fastProblems int }
	rng := rand.New(rand.NewSource(7))
	for _, rel := range evtxFiles(t, dir) {
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			if len(c.Records) == 0 {
				continue
			}
			fps := footprints(&c)
			lo, hi := evtxfile.ChunkHeaderSize, int(c.Header.FreeSpaceOffset)
			if hi <= lo || hi > len(c.Data) {
				continue
			}
			for _, dmg := range damages {
				data := slices.Clone(c.Data)
				a, b := dmg.apply(data, lo, hi, rng)
				d := decode.Chunk{File: c.File, Index: c.Index, Offset: c.Offset, Data: data, Header: c.Header}
				d.Records, _ = evtxfile.Records(data, &d.Header)
				var got, ref decode.Result
				fast.Decode(&d, &got)
				velocidex.Decoder{}.Decode(&d, &ref)
				st.damaged++
				st.fastProblems += len(got.Problems)
				if got.Fallbacks != 0 {
					t.Errorf("%s chunk %d, %s: damaged chunk handed to the fallback", rel, c.Index, dmg.name)
				}
				for _, fp := range fps {
					if fp.touched(a, b) || !slices.Contains(d.Records, fp.rec) {
						continue
					}
					st.intact++
					if why := lostBy(&got, &fp.alone); why != "" {
						st.fastLost++
						t.Errorf("%s chunk %d, %s at 0x%x-0x%x: intact record %d lost: %s", rel, c.Index, dmg.name, a, b, fp.rec.Number, why)
					}
					if lostBy(&ref, &fp.alone) != "" {
						st.refLost++
					}
				}
			}
		}
	}
	t.Logf("%d damaged chunks, %d intact records: fast decoder lost %d, Velocidex %d; fast decoder reported %d problems",
		st.damaged, st.intact, st.fastLost, st.refLost, st.fastProblems)
}

// lostBy tells how result r fails to hold the record decoded alone as
// want: its event (identical, or identical but for Velocidex's time
// precision) and its host. Empty when r holds it.
func lostBy(r, want *decode.Result) string {
	for _, h := range want.Hosts {
		if !slices.Contains(r.Hosts, h) {
			return fmt.Sprintf("host %q missing", h)
		}
	}
	for _, w := range want.Events {
		found := false
		for _, p := range r.Events {
			if p.EventRecordID != w.EventRecordID {
				continue
			}
			v := w
			if !p.Timestamp.Equal(v.Timestamp) {
				v.Timestamp = asVelocidex(v.Timestamp)
			}
			if string(p.AppendJSON(nil)) == string(v.AppendJSON(nil)) {
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("event of record id %d missing or different", w.EventRecordID)
		}
	}
	return ""
}
