package carve_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

func TestScan(t *testing.T) {
	good := record(7, goodTime, instance(600, 0x11, 0, true, nil))
	badCopy := append([]byte(nil), good...)
	le.PutUint32(badCopy[len(badCopy)-4:], 999)
	tooBig := append([]byte(nil), good...)
	le.PutUint32(tooBig[4:], 60000)
	tests := []struct {
		name string
		recs [][]byte
		want int // candidates found
	}{
		{"one record", [][]byte{good}, 1},
		{"two records back to back", [][]byte{good, good}, 2},
		{"wrong trailing size copy", [][]byte{badCopy}, 0},
		{"size past the region", [][]byte{tooBig}, 0},
		{"good after a bad one", [][]byte{badCopy, good}, 1},
		{"signature alone", [][]byte{[]byte(evtxfile.RecordSignature)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := chunkWith(600, tt.recs...)
			got := carve.Scan(c, 512, len(c))
			if len(got) != tt.want {
				t.Fatalf("found %d candidates, want %d: %+v", len(got), tt.want, got)
			}
			for _, r := range got {
				if string(c[r.Offset:r.Offset+4]) != evtxfile.RecordSignature || r.Number != 7 {
					t.Errorf("candidate %+v does not locate the record", r)
				}
			}
		})
	}
	c, _ := chunkWith(600, good)
	if got := carve.Scan(c, 601, len(c)); len(got) != 0 {
		t.Errorf("scan from inside a record found %d candidates", len(got))
	}
	if got := carve.Scan(c, 0, 600+len(good)-1); len(got) != 0 {
		t.Errorf("scan of a region ending inside the record found %d", len(got))
	}
}

func TestCheck(t *testing.T) {
	const at = 4096                                                      // chunk offset of the record under test
	defAt := uint32(600 + 24 + 14)                                       // after the fragment header and the instance
	earlier := record(1, goodTime, instance(600+24, 0x21, 0, true, nil)) // defines 0x21 at defAt
	nested := func(id, def uint32, inline bool) value {
		return value{0x21, instance(0, id, def, inline, nil)}
	}
	deep := instance(0, 0x31, 0, false, nil)
	for range 10 {
		deep = instance(0, 0x21, defAt, false, []value{{0x21, deep}})
	}
	tests := []struct {
		name     string
		rec      []byte
		wantErr  string // "" when plausible
		wantLost int
	}{
		{"inline definition", record(9, goodTime, instance(at+24, 0x42, 0, true, []value{{0x01, []byte("a\x00")}})), "", 0},
		{"definition in an earlier record", record(9, goodTime, instance(at+24, 0x21, defAt, false, nil)), "", 0},
		{"definition overwritten", record(9, goodTime, instance(at+24, 0x99, defAt, false, nil)), "template definition overwritten", 0},
		{"definition outside the chunk", record(9, goodTime, instance(at+24, 0x21, 0xfffff0, false, nil)), "outside the chunk", 0},
		{"nested value intact", record(9, goodTime, instance(at+24, 0x21, defAt, false, []value{nested(0x21, defAt, false)})), "", 0},
		{"nested value overwritten", record(9, goodTime, instance(at+24, 0x21, defAt, false, []value{nested(0x77, defAt, false)})), "", 1},
		{"absurd value count", record(9, goodTime, patchCount(instance(at+24, 0x21, defAt, false, nil), 0xffffffff)), "values do not fit", 0},
		{"value past the record", record(9, goodTime, patchSize(instance(at+24, 0x21, defAt, false, []value{{0x01, []byte("a\x00")}}), 300)), "runs past the record", 0},
		{"no content", record(9, goodTime, append([]byte{0x0f, 1, 1, 0}, make([]byte, 20)...)), "unexpected token 0x00", 0},
		{"written time in 2150", record(9, 170000000000000000, instance(at+24, 0x42, 0, true, nil)), "written time", 0},
		{"written time zero", record(9, 0, instance(at+24, 0x42, 0, true, nil)), "", 0},
		{"unexpected token", record(9, goodTime, append([]byte{0x0f, 1, 1, 0, 0x05}, make([]byte, 20)...)), "unexpected token", 0},
		{"plain elements", record(9, goodTime, append([]byte{0x0f, 1, 1, 0, 0x41}, make([]byte, 20)...)), "", 0},
		{"values nested too deep", record(9, goodTime, deep), "nested more than", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := chunkWith(600, earlier)
			copy(c[at:], tt.rec)
			rec, err := evtxfile.ReadRecord(c, at, evtxfile.ChunkSize)
			if err != nil {
				t.Fatalf("test record does not read: %v", err)
			}
			lost, err := carve.Check(c, rec)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got error %v, want one saying %q", err, tt.wantErr)
			}
			var ce *carve.CheckError
			if err != nil && (!errors.As(err, &ce) || ce.Offset == 0) {
				t.Errorf("error %v is not a located *CheckError", err)
			}
			if len(lost) != tt.wantLost {
				t.Errorf("lost values %v, want %d", lost, tt.wantLost)
			}
			for _, d := range lost {
				if d < at || d >= at+uint32(len(tt.rec)) || c[d+2] != 0x21 {
					t.Errorf("lost value descriptor at 0x%x is not a binary XML descriptor of the record", d)
				}
			}
		})
	}
}

// patchCount sets the value count of an instance without an inline
// definition.
func patchCount(inst []byte, n uint32) []byte {
	out := slices.Clone(inst)
	le.PutUint32(out[14:], n)
	return out
}

// patchSize sets the size of the first value of an instance without an
// inline definition.
func patchSize(inst []byte, n uint16) []byte {
	out := slices.Clone(inst)
	le.PutUint16(out[18:], n)
	return out
}
