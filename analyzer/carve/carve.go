package carve

import (
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/binxml"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// Recovered is one record recovered by carving.
type Recovered struct {
	Key     Key
	Offset  int64 // file offset of the record
	Chunk   int   // chunk slot of the file it was found in
	End     int   // chunk offset where the record ends
	Partial bool  // its EventData template was overwritten: System values only
	Time    time.Time
	Host    string
	// Event is the record's process-creation event, flagged Recovered,
	// when it is one (Security 4688 or Sysmon 1).
	Event *event.Process
	// Record is the record's general event, flagged Recovered, when the
	// chunk's Want selects it (never for a process creation).
	Record *event.Event
}

// Carver recovers records from chunks. It keeps scratch buffers between
// calls and is not safe for concurrent use: give each worker its own.
type Carver struct {
	dec     decode.Decoder
	scratch []byte
	res     decode.Result
	one     [1]evtxfile.Record
}

// New returns a Carver that decodes what it finds with the fast binary
// XML decoder (templates are found by their chunk offset, so a slack
// record is read with the templates its chunk defines). The decoder has
// no fallback: a candidate it cannot decode is dropped.
func New() *Carver { return &Carver{dec: &binxml.Decoder{}} }

// Chunk appends to out the records recovered from c.Data[from:]: c.Data
// is a whole chunk slot (its header may be gone), from is where the
// records its chain reaches end. Candidates that are not plausible or do
// not decode are dropped silently: slack is expected to hold fragments.
func (cv *Carver) Chunk(c *decode.Chunk, from int, out []Recovered) []Recovered {
	return cv.Range(c, from, len(c.Data), out)
}

// Range is Chunk limited to the records inside c.Data[from:to].
func (cv *Carver) Range(c *decode.Chunk, from, to int, out []Recovered) []Recovered {
	if from >= to {
		return out
	}
	patched := false
	for _, rec := range Scan(c.Data, from, to) {
		lost, err := Check(c.Data, rec)
		if err != nil {
			continue
		}
		data := c.Data
		if len(lost) > 0 {
			if !patched {
				cv.scratch = append(cv.scratch[:0], c.Data...)
				patched = true
			}
			for _, d := range lost {
				cv.scratch[d+2] = 0 // the value's type becomes null: skipped
			}
			data = cv.scratch
		}
		if r, ok := cv.decode(c, data, rec); ok {
			r.Partial = len(lost) > 0
			out = append(out, r)
		}
	}
	return out
}

// decode decodes one candidate with the chunk's context.
func (cv *Carver) decode(c *decode.Chunk, data []byte, rec evtxfile.Record) (Recovered, bool) {
	cv.res.Reset()
	cv.one[0] = rec
	one := decode.Chunk{File: c.File, Index: c.Index, Offset: c.Offset, Data: data, Header: c.Header, Records: cv.one[:], Want: c.Want}
	if !decodeSafely(cv.dec, &one, &cv.res) || cv.res.Records != 1 || len(cv.res.Problems) > 0 ||
		len(cv.res.Events)+len(cv.res.Selected) > 1 {
		return Recovered{}, false
	}
	r := Recovered{Key: KeyOf(rec), Offset: c.Offset + int64(rec.Offset), Chunk: c.Index,
		End: int(rec.Offset + rec.Size), Time: cv.res.First}
	if len(cv.res.Hosts) > 0 {
		r.Host = cv.res.Hosts[0]
	}
	if len(cv.res.Events) == 1 {
		ev := cv.res.Events[0]
		ev.Recovered = true
		ev.ChunkIndex = c.Index
		r.Event = &ev
	}
	if len(cv.res.Selected) == 1 {
		ev := cv.res.Selected[0]
		ev.Recovered = true
		ev.ChunkIndex = c.Index
		r.Record = &ev
	}
	return r, true
}

// decodeSafely runs the decoder, turning a panic into a rejection.
func decodeSafely(dec decode.Decoder, c *decode.Chunk, r *decode.Result) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	dec.Decode(c, r)
	return true
}
