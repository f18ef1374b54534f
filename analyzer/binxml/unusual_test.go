package binxml

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// commonTypes are the value types every EVTX parser reads.
var commonTypes = map[uint8]bool{typeNull: true, typeString: true, typeUint8: true, typeUint16: true, typeUint32: true,
	typeUint64: true, typeGUID: true, typeFileTime: true, typeSID: true, typeHexInt32: true, typeHexInt64: true, typeBinXML: true}

// wellFormed reports whether a value's size fits its type, so that it
// renders in its natural form rather than as hex.
func wellFormed(typ uint8, size int) bool {
	base := typ &^ typeArray
	n, ok := fixedSize(base)
	switch {
	case base == typeString || base == typeANSIString || base == typeBinary:
		return typ&typeArray == 0 || base != typeBinary
	case !ok:
		return false
	case base == typeSID:
		return size >= 8
	case typ&typeArray != 0:
		return n > 0 && size%n == 0
	case base == typeSizeT:
		return size == 4 || size == 8
	case base == typeBool:
		return size >= 1 && size <= 8
	}
	return size == n
}

// TestUnusualValueTypes: every corpus file whose records hold values of
// less common types (ANSI strings, signed integers, floats, booleans,
// binary, size_t, arrays; the corpus README says 13 such files defeat
// libevtx and python-evtx) decodes without a problem, with the record count
// of counts.tsv, and every such value is well formed and renders.
func TestUnusualValueTypes(t *testing.T) {
	dir := corpusDir(t)
	counts := readCounts(t)
	d := &Decoder{}
	var report []string
	for _, rel := range evtxFiles(t, dir) {
		seen := map[uint8]int{}
		records := 0
		for _, c := range fileChunks(t, filepath.Join(dir, rel), rel) {
			unusualValues(t, &c, seen)
			var r decode.Result
			d.Decode(&c, &r)
			records += r.Records
			for _, p := range r.Problems {
				t.Errorf("%s", p)
			}
		}
		if len(seen) == 0 {
			continue
		}
		if records != counts[rel].records {
			t.Errorf("%s: %d records, counts.tsv says %d", rel, records, counts[rel].records)
		}
		var types []string
		for typ, n := range seen {
			types = append(types, fmt.Sprintf("0x%02x×%d", typ, n))
		}
		sort.Strings(types)
		report = append(report, fmt.Sprintf("%s: %s", rel, strings.Join(types, " ")))
	}
	if len(report) < 13 {
		t.Errorf("only %d files with unusual value types; the corpus has at least 13", len(report))
	}
	t.Logf("%d files with unusual value types, all read:\n%s", len(report), strings.Join(report, "\n"))
}

// allValues appends to s.vals the values of the template instance of the
// fragment [p, end) and, recursively, of every binary XML value in it,
// wherever it sits in the tree (the decoder itself skips subtrees it does
// not need).
func (s *state) allValues(p, end uint32, depth int) failure {
	for p+4 <= end && s.chunk[p] == tokFragmentHeader {
		p += 4
	}
	if p >= end || s.chunk[p] != tokTemplateInstance || depth > maxNesting {
		return failure{}
	}
	_, base, n, f := s.instance(p+1, end)
	for i := base; i < base+n && f.kind == 0; i++ {
		if v := s.vals[i]; v.typ == typeBinXML {
			f = s.allValues(v.off, v.off+uint32(v.size), depth+1)
		}
	}
	return f
}

// unusualValues reads every value of every record of c and counts those
// of uncommon types in seen, checking each is well formed and renders.
func unusualValues(t *testing.T, c *decode.Chunk, seen map[uint8]int) {
	s := newState()
	s.beginChunk(c.Data)
	for _, rec := range c.Records {
		s.beginRecord()
		if f := s.allValues(rec.Offset+evtxfile.RecordHeaderSize, rec.Offset+rec.Size-4, 0); f.kind != 0 {
			t.Errorf("%s chunk %d record %d: %s", c.File, c.Index, rec.Number, f)
		}
		for _, v := range s.vals {
			if commonTypes[v.typ] {
				continue
			}
			seen[v.typ]++
			if !wellFormed(v.typ, int(v.size)) {
				t.Errorf("%s chunk %d record %d: value of type 0x%02x has %d bytes", c.File, c.Index, rec.Number, v.typ, v.size)
			}
			base := v.typ &^ typeArray
			text := base == typeString || base == typeANSIString // may hold only empty strings
			if v.size > 0 && !text && len(appendValue(nil, v.typ, c.Data[v.off:v.off+uint32(v.size)])) == 0 {
				t.Errorf("%s chunk %d record %d: value of type 0x%02x renders empty", c.File, c.Index, rec.Number, v.typ)
			}
		}
	}
}
