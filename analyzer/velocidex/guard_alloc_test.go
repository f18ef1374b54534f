package velocidex_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/velocidex"
)

// decodeAlloc decodes c with the Velocidex decoder and returns what it
// allocated.
func decodeAlloc(c *decode.Chunk) (alloc int64, r decode.Result) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	velocidex.Decoder{}.Decode(c, &r)
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc), r
}

// estimateSlack covers what Guard does not charge: its own work and the
// noise of the measurement.
const estimateSlack = 64 << 10

// record returns a record builder for hostileChunk from a bx writer.
func record(body func(x *bx)) func(at int) []byte {
	return func(at int) []byte {
		x := newBX(at)
		body(x)
		x.eof()
		return x.bytes()
	}
}

// elements writes n elements named name, each with one attribute.
func elements(x *bx, name string, n int) {
	for range n {
		x.open(name, true)
		x.attr("A", "x")
		x.closeStart()
		x.end()
	}
}

// Hostile chunks: each makes the parser allocate far more than the chunk
// is worth, if it is given the records. Built small enough to be
// accepted, they check that Guard's estimate covers what decoding them
// really allocates.
var hostileCases = []struct {
	name        string
	records     func(scale int) []func(at int) []byte
	small, full int    // scales at which Guard must accept all records, refuse one
	reason      string // of the refusal
}{
	{"SID claiming parts by the thousand", func(n int) []func(int) []byte {
		return []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) { x.open("Data", false); x.closeStart(); x.subst(0); x.end(); x.eof() },
				[]val{sidValue(n, 0xff)})
		})}
	}, 1000, 10000, "allocation budget"},
	{"template instancing itself while it is defined", func(n int) []func(int) []byte {
		return []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) {
				elements(x, "E", 100)
				for range n {
					x.instance(1, nil, nil)
				}
				x.eof()
			}, nil)
		})}
	}, 5, 1000, "allocation budget"},
	{"instances claiming thousands of values", func(n int) []func(int) []byte {
		recs := []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) { elements(x, "E", 1); x.eof() }, nil)
		})}
		for range n {
			recs = append(recs, func(int) []byte { return knownInstance(1, 15000, nil) })
		}
		return recs
	}, 3, 100, "allocation budget"},
	{"element with attributes by the thousand, half of them repeated", func(n int) []func(int) []byte {
		recs := []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) {
				x.open("E", true)
				for i := range 1000 {
					x.attr(fmt.Sprint("a", i%500), "x")
				}
				x.closeStart()
				x.end()
				x.eof()
			}, nil)
		})}
		for range n {
			recs = append(recs, func(int) []byte { return knownInstance(1, 0, nil) })
		}
		return recs
	}, 10, 1000, "allocation budget"},
	{"long names past the chunk end, read by thousands of elements", func(n int) []func(int) []byte {
		return []func(int) []byte{func(int) []byte {
			var b []byte
			for range n {
				b = append(b, 0x01, 0, 0, 0, 0, 0, 0)
				b = le.AppendUint32(b, farName)
				b = append(b, 0x04)
			}
			return b
		}}
	}, 30, 3000, "allocation budget"},
	{"dictionary merged into an element with the same keys", func(n int) []func(int) []byte {
		return []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) {
				x.open("X", true)
				for i := range n {
					x.attr(fmt.Sprint("k", i), "x")
				}
				x.closeStart()
				x.subst(0)
				x.end()
				x.eof()
			}, []val{binXMLValue(0, x.names, func(v *bx) {
				for i := range n {
					v.open(fmt.Sprint("k", i), true)
					v.attr("A", "x")
					v.closeStart()
					v.end()
				}
			})})
		})}
	}, 90, 900, "allocation budget"},
	{"unnamed elements nested, each merged into its parent by every expansion", func(n int) []func(int) []byte {
		return []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) {
				for i := range n {
					x.open("", true)
					x.attr(fmt.Sprint("a", i), "x")
					x.closeStart()
				}
				x.eof()
			}, nil)
		})}
	}, 100, 1000, "allocation budget"},
	{"EventData items with repeated names, normalized by every instance", func(n int) []func(int) []byte {
		recs := []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) {
				x.open("EventData", false)
				x.closeStart()
				for i := range 600 {
					x.open("Data", true)
					x.attr("Name", fmt.Sprint("n", i%300))
					x.closeStart()
					x.text("x")
					x.end()
				}
				x.end()
				x.eof()
			}, nil)
		})}
		for range n {
			recs = append(recs, func(int) []byte { return knownInstance(1, 0, nil) })
		}
		return recs
	}, 1, 20, "allocation budget"},
	{"binary value rendered by every Data item of a process creation", func(n int) []func(int) []byte {
		return []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) { processCreation(x, security4688, n); x.eof() }, []val{{0x0e, bytes.Repeat([]byte{0xab}, 10000)}})
		})}
	}, 60, 600, "allocation budget"},
	{"long string normalized as a GUID by every Data item of a process creation", func(n int) []func(int) []byte {
		return []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) { processCreation(x, sysmon1, n); x.eof() }, []val{{0x01, bytes.Repeat([]byte{'a', 0}, 5000)}})
		})}
	}, 60, 600, "allocation budget"},
	{"process creations by the thousand, each an event of the decoder", func(n int) []func(int) []byte {
		recs := []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) { processCreation(x, security4688, 1); x.eof() }, nil)
		})}
		for range n {
			recs = append(recs, func(int) []byte { return knownInstance(1, 0, nil) })
		}
		return recs
	}, 100, 2000, ""},
	{"elements nested thousands deep, instantiated again and again", func(n int) []func(int) []byte {
		recs := []func(int) []byte{record(func(x *bx) {
			x.instance(1, func(x *bx) {
				for range 1000 {
					x.open("E", false)
					x.closeStart()
				}
				x.eof()
			}, nil)
		})}
		for range n {
			recs = append(recs, func(int) []byte { return knownInstance(1, 0, nil) })
		}
		return recs
	}, 10, 100, "allocation budget"},
}

// What processCreation writes: provider, event id, channel, the name of
// the Data items.
var (
	security4688 = [4]string{"Microsoft-Windows-Security-Auditing", "4688", "Security", "CommandLine"}
	sysmon1      = [4]string{"Microsoft-Windows-Sysmon", "1", "Microsoft-Windows-Sysmon/Operational", "ProcessGuid"}
)

// processCreation writes a process creation event of the kind of ev
// whose EventData holds n items of one name, each substituting value 0.
func processCreation(x *bx, ev [4]string, n int) {
	x.open("Event", false)
	x.closeStart()
	x.open("System", false)
	x.closeStart()
	x.open("Provider", true)
	x.attr("Name", ev[0])
	x.closeStart()
	x.end()
	for _, e := range [][2]string{{"EventID", ev[1]}, {"Channel", ev[2]}} {
		x.open(e[0], false)
		x.closeStart()
		x.text(e[1])
		x.end()
	}
	x.end()
	x.open("EventData", false)
	x.closeStart()
	for range n {
		x.open("Data", true)
		x.attr("Name", ev[3])
		x.closeStart()
		x.subst(0)
		x.end()
	}
	x.end()
	x.end()
}

// farName is the offset of a name claiming 65,535 characters, most of
// them past the chunk end.
const farName = 0xfff0

// TestGuardBoundsAllocation: on each hostile chunk, decoding allocates no
// more than Guard estimated for the records it accepted, and never more
// than MaxChunkAlloc; at full scale the chunk is refused, and the refusal
// is a problem located in the chunk.
func TestGuardBoundsAllocation(t *testing.T) {
	for _, tc := range hostileCases {
		for _, scale := range []int{tc.small, tc.full} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, scale), func(t *testing.T) {
				c, data := hostileChunk(t, tc.records(scale)...)
				le.PutUint16(data[farName+6:], 0xffff)
				safe, refusal := velocidex.Guard(c.Data, c.Records)
				estimate := velocidex.Estimate(c.Data, c.Records)
				alloc, r := decodeAlloc(c)
				t.Logf("%d of %d records accepted, estimated %d KiB, allocated %d KiB (%v)", safe, len(c.Records), estimate>>10, alloc>>10, refusal)
				if alloc > estimate+estimateSlack {
					t.Errorf("decoding allocated %d KiB, more than the %d KiB estimated", alloc>>10, estimate>>10)
				}
				if alloc > velocidex.MaxChunkAlloc {
					t.Errorf("decoding allocated %d MiB, bound %d MiB", alloc>>20, velocidex.MaxChunkAlloc>>20)
				}
				if scale == tc.small {
					if refusal != nil {
						t.Errorf("refused at the small scale: %v", refusal)
					}
					return
				}
				if tc.reason == "" {
					return
				}
				if refusal == nil || !strings.Contains(refusal.Reason, tc.reason) {
					t.Fatalf("refusal %v, want one about %q", refusal, tc.reason)
				}
				if len(r.Problems) == 0 || !strings.Contains(r.Problems[0].Reason, "refused") ||
					r.Problems[0].File != c.File || r.Problems[0].Offset < c.Offset || r.Problems[0].Offset >= c.Offset+int64(len(c.Data)) {
					t.Errorf("refusal not reported in the chunk: %v", r.Problems)
				}
			})
		}
	}
}
